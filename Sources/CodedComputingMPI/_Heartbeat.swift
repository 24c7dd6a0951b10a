import CodedComputing
import Foundation
import Synchronization

/// The heartbeat of a worker rank while its workload computes or is rebuilt from its descriptor: a master that hears nothing from
/// a worker for its `unresponsiveTimeout` presumes it dead (the only way it sees a death on
/// another host), so a long evaluation must not silence the worker.
///
/// The evaluation runs on the worker's own thread (no hand-off: a cheap f costs nothing more).
/// A second thread wakes every ``_Message/heartbeatInterval``; when an evaluation has been
/// running that long it sends `alive` through the worker's transport. The two never use the
/// transport at the same time: the heartbeat thread only touches it under `lock` while an
/// evaluation runs, and the worker thread ends each evaluation under the same lock and uses the
/// transport only between evaluations (`MPI_THREAD_SERIALIZED` allows MPI calls from several
/// threads, one at a time).
final class _Heartbeat: @unchecked Sendable {
  private let lock = NSLock()
  private let transport: _Transport
  /// When the running evaluation started (nanoseconds since `origin`, 0: none). Read by the
  /// heartbeat thread without the lock, so that the worker thread never waits for a heartbeat
  /// thread that was preempted holding it (measured: p99 of a 0.2 ms round went to 4–8 ms on
  /// the loaded 2-core machine when every wake-up took the lock).
  private let since = Atomic<Int64>(0)
  private var task = _Message(kind: .alive)
  private var lastBeat: Int64 = 0
  private var started = false
  private let origin = ContinuousClock.now

  init(transport: _Transport) { self.transport = transport }

  private var now: Int64 {
    let (seconds, attoseconds) = (ContinuousClock.now - origin).components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000 + 1
  }

  /// Runs `body` (an evaluation of f, or the rebuilding of a workload — loading a network can
  /// take seconds) on the calling thread, with heartbeats for `task` meanwhile. `body` must not
  /// use the transport.
  func during<T>(_ task: _Message, _ body: () -> T) -> T {
    if !started {
      started = true
      // The thread keeps the heartbeat alive for the rest of the process (one per worker rank).
      // It must not hold it `unowned`: the worker loop — and with it this object — is released
      // when the rank shuts down, while the thread may still wake once more (that read of a
      // destroyed object aborted a worker rank at the end of a job).
      let thread = Thread { self.beat() }
      thread.name = "coded-mpi-heartbeat"
      thread.start()
    }
    // The heartbeat thread reads `task` only under the lock after seeing `since` set; it is
    // written here while `since` is 0 (no heartbeat can be in flight).
    lock.lock()
    self.task = task
    lock.unlock()
    since.store(now, ordering: .releasing)
    let result = body()
    lock.lock()  // waits for a heartbeat being sent: the transport is the worker's again after
    since.store(0, ordering: .releasing)
    lock.unlock()
    return result
  }

  /// The heartbeat thread's loop (for the worker's lifetime).
  private func beat() {
    let interval = Int64(_Message.heartbeatInterval.inSeconds * 1e9)
    while true {
      Thread.sleep(forTimeInterval: Double(interval) * 1e-9 / 2)
      let started = since.load(ordering: .acquiring)
      guard started != 0, now - max(started, lastBeat) >= interval else { continue }
      lock.lock()
      if since.load(ordering: .acquiring) != 0 {
        lastBeat = now
        transport.progress()
        transport.send(
          _Message(kind: .alive, round: task.round, worker: task.worker), to: 0,
          tag: _Message.toMasterTag)
      }
      lock.unlock()
    }
  }
}
