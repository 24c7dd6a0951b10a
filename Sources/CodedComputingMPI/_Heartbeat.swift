import CodedComputing
import Foundation

/// The heartbeat of a worker rank while its workload computes: a master that hears nothing from
/// a worker for its `unresponsiveTimeout` presumes it dead (the only way it sees a death on
/// another host), so a long evaluation must not silence the worker.
///
/// The evaluation runs on the worker's own thread (no hand-off: a cheap f costs nothing more).
/// A second thread wakes every ``_Message/heartbeatInterval``; when an evaluation has been
/// running that long it sends `alive` through the worker's transport. The two never use the
/// transport at the same time: the heartbeat thread only touches it under `lock` while
/// `computing` is set, and the worker thread sets and clears `computing` under the same lock
/// and uses the transport only while it is clear (`MPI_THREAD_SERIALIZED` allows MPI calls from
/// several threads, one at a time).
final class _Heartbeat: @unchecked Sendable {
  private let lock = NSLock()
  private let transport: _Transport
  private var computing: (task: _Message, since: ContinuousClock.Instant)?
  private var lastBeat: ContinuousClock.Instant = .now
  private var started = false

  init(transport: _Transport) { self.transport = transport }

  /// Evaluates `workload` on `input` on the calling thread, with heartbeats for `task` meanwhile.
  func evaluate(_ workload: any Workload, _ input: [Double], task: _Message) -> Result<
    [Double], any Error
  > {
    lock.lock()
    if !started {
      started = true
      let thread = Thread { [unowned self] in self.beat() }
      thread.name = "coded-mpi-heartbeat"
      thread.start()
    }
    computing = (task, .now)
    lastBeat = .now
    lock.unlock()
    let result = Result { try workload.evaluate(input) }
    lock.lock()
    computing = nil
    lock.unlock()
    return result
  }

  /// The heartbeat thread's loop (for the worker's lifetime).
  private func beat() {
    let interval = _Message.heartbeatInterval
    while true {
      Thread.sleep(forTimeInterval: interval.inSeconds / 2)
      lock.lock()
      if let (task, _) = computing, ContinuousClock.now - lastBeat >= interval {
        lastBeat = .now
        transport.progress()
        transport.send(
          _Message(kind: .alive, round: task.round, worker: task.worker), to: 0,
          tag: _Message.toMasterTag)
      }
      lock.unlock()
    }
  }
}
