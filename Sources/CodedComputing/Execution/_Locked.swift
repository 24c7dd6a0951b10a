import Foundation

/// A value guarded by a lock: every access goes through ``withLock(_:)``.
///
/// Equivalent to `Synchronization.Mutex`, but built on `NSLock` (a pthread mutex) because
/// ThreadSanitizer understands pthread mutexes: on Linux it reports false data races inside
/// `Mutex.withLock` (checked with Swift 6.3.1: four threads incrementing a `Mutex<[Int]>` give
/// the right total and a dozen TSan warnings; the same program with this type gives none). The
/// pools are therefore checkable with `swift test --sanitize=thread`.
///
/// `@unchecked Sendable` is sound: `value` is only touched while `lock` is held.
final class _Locked<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) {
    self.value = value
  }

  /// Runs `body` with exclusive access to the value.
  func withLock<Result, Failure: Error>(
    _ body: (inout Value) throws(Failure) -> Result
  ) throws(Failure) -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
