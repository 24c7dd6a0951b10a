import CodedComputing
import Foundation

/// The master's side of an ``MPIWorkerPool``: the transport, the round counter, which
/// descriptors each worker already holds, and what is known about every worker's process.
///
/// All MPI calls of the master go through one instance, under its lock (`MPI_THREAD_SERIALIZED`):
/// a round holds the lock from its first send to its last receive.
final class _MPIMaster: @unchecked Sendable {
  let workers: Int
  let lock = NSLock()
  let transport = _Transport()
  lazy var host = MPIWorld.processorName
  var roundID: Int64 = 0
  /// Descriptor hashes each worker has received.
  var sent: [Set<Int64>]
  /// Workers whose process is known to be gone: permanent stragglers.
  var dead: [Bool]
  /// (host, pid) from each worker's hello.
  var processes: [(host: String, pid: Int32)?]
  /// When each worker's last message (of any kind and round) arrived.
  var lastHeard: [ContinuousClock.Instant?]
  /// Whether the same-host process checks run (`CODED_MPI_PROCESS_CHECKS=0` turns them off, so
  /// that deaths are found by silence alone, as for workers on other hosts; for tests).
  let checksProcesses =
    ProcessInfo.processInfo.environment["CODED_MPI_PROCESS_CHECKS"].map { $0 != "0" } ?? true
  /// Every worker that failed in a round of this pool, with its first failure's message.
  var failures: [Int: String] = [:]
  var isShutDown = false

  init(workers: Int) {
    self.workers = workers
    sent = Array(repeating: [], count: workers)
    dead = Array(repeating: false, count: workers)
    processes = Array(repeating: nil, count: workers)
    lastHeard = Array(repeating: nil, count: workers)
  }

  func withLock<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }

  /// Records a hello; returns true when `message` was one.
  func noteHello(_ message: _Message, from source: Int) -> Bool {
    guard message.kind == .hello, source >= 1, source <= workers else { return false }
    processes[source - 1] = (String(decoding: message.bytes, as: UTF8.self), Int32(message.a))
    return true
  }

  /// What one poll of the workers' messages gave.
  enum Reply {
    /// Nothing has arrived.
    case nothing
    /// A hello, a message of an earlier round (late), or from a rank outside the round: handled.
    case ignored
    case malformed(worker: Int)
    /// A message of the current round from worker `worker`.
    case current(worker: Int, _Message)
  }

  /// Progresses the pending sends and receives at most one message for the current round of
  /// `workers` workers, recording hellos and dropping late messages; resets `backoff` when
  /// something arrived.
  func nextReply(workers: Int, backoff: inout _Backoff) -> Reply {
    transport.progress()
    guard let (source, message) = transport.receive(tag: _Message.toMasterTag) else {
      return .nothing
    }
    backoff.reset()
    let w = source - 1
    if w >= 0, w < self.workers { lastHeard[w] = .now }
    guard w >= 0, w < workers else { return .ignored }
    guard let message else { return .malformed(worker: w) }
    if noteHello(message, from: source) { return .ignored }
    guard message.round == roundID, message.worker == Int64(w) else { return .ignored }
    return .current(worker: w, message)
  }

  /// Whether worker `w`'s process is gone (known only for workers on this host that said hello);
  /// marks it dead when so.
  func checkDeath(of w: Int) -> Bool {
    if dead[w] { return true }
    guard checksProcesses, let process = processes[w], process.host == host else { return false }
    if _processIsGone(process.pid) { dead[w] = true }
    return dead[w]
  }

  /// Why worker `w`, pending in a round that started at `start`, is presumed dead — its process
  /// is gone (same host), or nothing (acknowledgement, heartbeat, result, of any round) has
  /// come from it for `limit` since the later of the round's start and its last message — or
  /// nil. A presumed-dead worker is marked dead: a permanent straggler.
  func deathReason(of w: Int, roundStart start: ContinuousClock.Instant, limit: Duration?)
    -> String?
  {
    if checkDeath(of: w) { return "worker \(w) (rank \(w + 1)) died" }
    guard let limit else { return nil }
    let since = max(start, lastHeard[w] ?? start)
    guard ContinuousClock.now - since >= limit else { return nil }
    dead[w] = true
    return
      "worker \(w) (rank \(w + 1)) sent nothing (acknowledgement, heartbeat or result) for \(limit.inSeconds) s: presumed dead"
  }

  /// The task message for worker `w`: carries the descriptor the first time this worker needs it.
  func taskMessage(
    kind: _Message.Kind, worker w: Int, descriptor: (hash: Int64, json: [UInt8]), delay: Duration?,
    c: Int64 = 0, values: [Double]
  ) -> _Message {
    let carries = !sent[w].contains(descriptor.hash)
    sent[w].insert(descriptor.hash)
    let nanoseconds =
      delay.map { d -> Int64 in
        let (seconds, attoseconds) = d.components
        return min(seconds, 1_000_000_000) * 1_000_000_000 + attoseconds / 1_000_000_000
      } ?? 0
    return _Message(
      kind: kind, round: roundID, worker: Int64(w), a: nanoseconds, b: descriptor.hash,
      c: kind == .task ? (carries ? 1 : 0) : c, values: values,
      bytes: carries ? descriptor.json : [])
  }

  /// Sends stop to every worker and waits (at most `limit`) for their goodbyes, discarding late
  /// results meanwhile so no worker stays blocked on a send to the master; then tells every
  /// worker that said goodbye whether it may enter `MPI_Finalize` (`release`, a = 1: no). A
  /// worker silent for `unresponsiveTimeout` (no goodbye, no heartbeat) is not waited for longer.
  ///
  /// Open MPI 4.1's `MPI_Finalize` ends with a fence over every process, which waits forever
  /// for a dead one (observed with three ranks killed out of nine). So when a worker is known
  /// dead — or did not say goodbye in time, dead or stuck — no rank finalises
  /// (``MPIWorld/finalize()`` then just returns); the verdict is only known after the goodbyes,
  /// hence the second message.
  func shutdown(limit: Duration, unresponsiveTimeout: Duration?) {
    guard !isShutDown else { return }
    isShutDown = true
    let start = ContinuousClock.now
    var waiting = Set((0..<workers).filter { !checkDeath(of: $0) })
    // Workers presumed dead by silence may only be slow: they are told to stop too (a send to
    // a dead rank never completes, and nothing waits for it), but not waited for.
    for w in 0..<workers {
      transport.send(_Message(kind: .stop), to: w + 1, tag: _Message.toWorkerTag)
    }
    var left: [Int] = []
    let until = ContinuousClock.now + limit
    var backoff = _Backoff()
    var lastCheck = ContinuousClock.now
    while !waiting.isEmpty, ContinuousClock.now < until {
      transport.progress()
      if let (source, message) = transport.receive(tag: _Message.toMasterTag) {
        backoff.reset()
        if let message, !noteHello(message, from: source), message.kind == .bye,
          waiting.remove(source - 1) != nil
        {
          left.append(source - 1)
        }
        continue
      }
      if ContinuousClock.now - lastCheck > .milliseconds(20) {
        lastCheck = ContinuousClock.now
        for w in waiting
        where deathReason(of: w, roundStart: start, limit: unresponsiveTimeout) != nil {
          waiting.remove(w)
        }
      }
      backoff.pause()
    }
    for w in waiting { dead[w] = true }
    let deaths = dead.contains(true)
    if deaths { MPIWorld._peersDied.set() }
    for w in left {
      transport.send(
        _Message(kind: .release, a: deaths ? 1 : 0), to: w + 1, tag: _Message.toWorkerTag)
    }
    // The releases go to live workers: let them complete (sends to dead ranks never do).
    let released = ContinuousClock.now + .seconds(2)
    while left.contains(where: { transport.pendingCount(to: $0 + 1) > 0 }),
      ContinuousClock.now < released
    {
      transport.progress()
      backoff.pause()
    }
  }
}

/// FNV-1a over the descriptor's JSON: the key workers cache rebuilt workloads under.
func _descriptorKey(_ descriptor: WorkloadDescriptor) -> (hash: Int64, json: [UInt8]) {
  let json = Array(descriptor.encoded())
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in json {
    hash ^= UInt64(byte)
    hash = hash &* 0x100_0000_01b3
  }
  return (Int64(bitPattern: hash), json)
}

/// Whether process `pid` on this host has exited (gone, or a zombie not yet reaped).
func _processIsGone(_ pid: Int32) -> Bool {
  guard pid > 0 else { return false }
  if kill(pid, 0) != 0, errno == ESRCH { return true }
  guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
    let close = stat.lastIndex(of: ")")
  else { return false }
  let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
  return state == "Z" || state == "X"
}
