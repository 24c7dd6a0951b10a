import CodedComputing
import Foundation

/// The thread a worker rank computes on, so that its main thread — the only one that calls MPI
/// — can send heartbeats while a long workload runs: a master that hears nothing from a worker
/// for its `unresponsiveTimeout` presumes it dead (the only way to see a death on another host).
///
/// One thread for the worker's lifetime, handed one evaluation at a time through semaphores
/// (two context switches per evaluation, ~10–20 µs).
final class _ComputeThread: @unchecked Sendable {
  private let start = DispatchSemaphore(value: 0)
  private let done = DispatchSemaphore(value: 0)
  // Written by the caller before `start.signal()` and read after `done.wait()`: the semaphores
  // order every access.
  private var job: (@Sendable () -> Result<[Double], any Error>)?
  private var result: Result<[Double], any Error> = .success([])
  private var thread: Thread?

  /// Evaluates `workload` on `input` on the compute thread; meanwhile calls `beat` every
  /// `interval` on the calling thread.
  func evaluate(
    _ workload: any Workload, _ input: [Double], every interval: Duration, beat: () -> Void
  ) -> Result<[Double], any Error> {
    if thread == nil {
      let thread = Thread { [unowned self] in
        while true {
          self.start.wait()
          if let job = self.job { self.result = job() }
          self.done.signal()
        }
      }
      thread.name = "coded-mpi-compute"
      thread.start()
      self.thread = thread
    }
    job = { Result { try workload.evaluate(input) } }
    start.signal()
    let nanoseconds = Int(interval.inSeconds * 1e9)
    while done.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .timedOut { beat() }
    job = nil
    return result
  }
}
