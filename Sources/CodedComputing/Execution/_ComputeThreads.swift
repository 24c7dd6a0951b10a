import Dispatch
import Foundation

/// A fixed set of dedicated threads that compute the workers of one round of an
/// ``InProcessWorkerPool``, taking worker indices in FIFO order.
///
/// Worker computations are synchronous and may be long or even never return, so they must not
/// run on Swift's cooperative thread pool (one thread per core): there they would starve the
/// master's continuation and the deadline timer. These threads are outside that pool.
///
/// The queue holds worker indices, not closures, and a thread drains it before it sleeps again,
/// so a batch of N workers costs one lock round-trip and at most `threadCount` wake-ups to queue.
/// Lifecycle: ``submit(_:)`` enqueues; ``close()`` makes every thread exit once the queue is
/// empty and drops later submissions. A thread stuck in a computation that never returns is never
/// joined — it is leaked, which is the only thing an in-process pool can do with
/// non-cooperative code.
final class _ComputeThreads: Sendable {
  private struct Queue {
    var workers: [Int] = []
    var head = 0
    var closed = false
  }

  private let queue = _Locked(Queue())
  /// Wake-up hints: at least one per submission (at most one per thread), one per thread on
  /// close. A semaphore keeps its count, so a signal posted before a thread waits is not lost.
  private let wake = DispatchSemaphore(value: 0)
  private let work: @Sendable (Int) -> Bool
  let threadCount: Int

  /// Starts `threadCount` threads named `name-0`, `name-1`, … that call `work(n)` for each
  /// submitted worker n. When `work(n)` returns true, n is queued again behind the others (a
  /// streaming worker with more to produce); the one-shot pool's work returns false.
  init(threadCount: Int, name: String, work: @escaping @Sendable (Int) -> Bool) {
    precondition(threadCount >= 1, "a compute pool needs at least one thread")
    self.threadCount = threadCount
    self.work = work
    // Several threads calling BLAS at once: BLAS runs single-threaded until the last exits.
    let shared = threadCount > 1
    if shared { _BLASThreadPolicy.shared.beginRound() }
    let running = _Locked(threadCount)
    for index in 0..<threadCount {
      let thread = Thread { [self] in
        _loop()
        let last = running.withLock { count -> Bool in
          count -= 1
          return count == 0
        }
        if shared && last { _BLASThreadPolicy.shared.endRound() }
      }
      thread.name = "\(name)-\(index)"
      thread.start()
    }
  }

  /// Queues `workers` in order behind those submitted before. Dropped after ``close()``.
  func submit(_ workers: some Collection<Int>) {
    guard !workers.isEmpty else { return }
    let accepted = queue.withLock { queue in
      guard !queue.closed else { return false }
      if queue.head >= 1024, queue.head * 2 >= queue.workers.count {
        // Streaming rounds queue workers again and again: drop the consumed prefix.
        queue.workers.removeFirst(queue.head)
        queue.head = 0
      }
      queue.workers.append(contentsOf: workers)
      return true
    }
    guard accepted else { return }
    for _ in 0..<Swift.min(workers.count, threadCount) { wake.signal() }
  }

  /// Lets the threads finish the queued workers and exit; later submissions are dropped.
  func close() {
    let first = queue.withLock { queue in
      defer { queue.closed = true }
      return !queue.closed
    }
    guard first else { return }
    for _ in 0..<threadCount { wake.signal() }
  }

  private func _loop() {
    while true {
      wake.wait()
      while true {
        let next = queue.withLock { queue -> Int? in
          guard queue.head < queue.workers.count else { return nil }
          defer { queue.head += 1 }
          return queue.workers[queue.head]
        }
        guard let next else { break }
        if work(next) { submit(CollectionOfOne(next)) }
      }
      if queue.withLock({ $0.closed }) { return }
    }
  }
}
