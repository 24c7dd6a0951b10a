import Dispatch
import Foundation

/// A fixed set of dedicated threads that run submitted closures in FIFO order, for one round of
/// an ``InProcessWorkerPool``.
///
/// Worker computations are synchronous and may be long or even never return, so they must not
/// run on Swift's cooperative thread pool (one thread per core): there they would starve the
/// master's continuation and the deadline timer. These threads are outside that pool.
///
/// Lifecycle: ``submit(_:)`` enqueues and wakes one thread; ``close()`` makes every thread exit
/// once the queue is empty, and drops later submissions. A thread stuck in a closure that never
/// returns is never joined — it is leaked with its closure, which is the only thing an in-process
/// pool can do with non-cooperative code.
final class _ComputeThreads: Sendable {
  private struct Queue {
    var jobs: [(@Sendable () -> Void)?] = []
    var head = 0
    var closed = false
  }

  private enum Action {
    case run(@Sendable () -> Void)
    case exit
    case idle
  }

  private let queue = _Locked(Queue())
  /// One signal per enqueued job, plus one per thread on close.
  private let wake = DispatchSemaphore(value: 0)
  let threadCount: Int

  /// Starts `threadCount` threads named `name-0`, `name-1`, ….
  init(threadCount: Int, name: String) {
    precondition(threadCount >= 1, "a compute pool needs at least one thread")
    self.threadCount = threadCount
    for index in 0..<threadCount {
      let thread = Thread { [self] in _loop() }
      thread.name = "\(name)-\(index)"
      thread.start()
    }
  }

  /// Runs `job` on one of the threads, after the jobs submitted before it have started.
  /// Dropped silently after ``close()``.
  func submit(_ job: @escaping @Sendable () -> Void) {
    let accepted = queue.withLock { queue in
      guard !queue.closed else { return false }
      queue.jobs.append(job)
      return true
    }
    if accepted { wake.signal() }
  }

  /// Lets the threads finish the queued jobs and exit; later submissions are dropped.
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
      let action = queue.withLock { queue -> Action in
        if queue.head < queue.jobs.count, let job = queue.jobs[queue.head] {
          queue.jobs[queue.head] = nil
          queue.head += 1
          return .run(job)
        }
        return queue.closed ? .exit : .idle
      }
      switch action {
      case .run(let job): job()
      case .exit: return
      case .idle: continue
      }
    }
  }
}
