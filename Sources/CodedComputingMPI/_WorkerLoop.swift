import CodedComputing
import Foundation

/// The state of one worker rank's loop (``MPIWorker``): its transport, its descriptor cache and a
/// message that arrived while it was busy and still has to be handled.
struct _WorkerLoop {
  let rank: Int
  let fault: MPIWorker.Fault?
  let transport = _Transport()
  /// Workloads (or why they could not be built) by descriptor hash.
  var workloads: [Int64: Result<any Workload, _WorkerFailure>] = [:]
  /// A master message received during a delay or a stream, handled next.
  var held: _Message? = nil
  var idle = _Backoff()
  let heartbeat: _Heartbeat

  init(rank: Int, fault: MPIWorker.Fault?) {
    self.rank = rank
    self.fault = fault
    heartbeat = _Heartbeat(transport: transport)
  }

  mutating func run() {
    let host = Array(MPIWorld.processorName.utf8)
    transport.send(
      _Message(kind: .hello, worker: Int64(rank - 1), a: Int64(getpid()), bytes: host), to: 0,
      tag: _Message.toMasterTag)
    while true {
      transport.progress()
      guard let message = held ?? nextMessage() else {
        idle.pause()
        continue
      }
      held = nil
      idle.reset()
      switch message.kind {
      case .stop:
        transport.send(
          _Message(kind: .bye, worker: Int64(rank - 1)), to: 0, tag: _Message.toMasterTag)
        if !awaitRelease(for: .seconds(30)) { MPIWorld._peersDied.set() }
        drainSends(for: .seconds(5))
        return
      case .task, .streamTask:
        if fault == .dies { raise(SIGKILL) }
        if message.kind == .task { compute(message) } else { stream(message) }
      default:
        continue  // an abandon of a round this worker has finished, or noise
      }
    }
  }

  /// The next message from the master, if one is waiting.
  func nextMessage() -> _Message? {
    while let (source, message) = transport.receive(tag: _Message.toWorkerTag) {
      if source == 0, let message { return message }
    }
    return nil
  }

  /// Whether the master has ended `round` (an abandon of it, a stop, or a later task, which is
  /// then held for the loop).
  mutating func isInterrupted(round: Int64) -> Bool {
    guard held == nil else { return true }
    guard let message = nextMessage() else { return false }
    if message.kind == .abandon, message.round == round { return true }
    if message.kind == .abandon { return false }
    held = message
    return true
  }

  /// Acknowledges, rebuilds the workload, waits the delay (interruptibly), computes and replies.
  mutating func compute(_ task: _Message) {
    let worker = task.worker
    guard let workload = start(task) else { return }
    if fault == .diesAfterAcknowledging { raise(SIGKILL) }
    switch evaluate(workload, task.values, task) {
    case .success(let values):
      transport.send(
        _Message(kind: .result, round: task.round, worker: worker, values: garbled(values)), to: 0,
        tag: _Message.toMasterTag)
    case .failure(let error):
      reply(.failure, task, bytes: Array(String(describing: error).utf8))
    }
  }

  /// f(input), with a heartbeat to the master every ``_Message/heartbeatInterval`` while it runs.
  func evaluate(_ workload: any Workload, _ input: [Double], _ task: _Message) -> Result<
    [Double], any Error
  > {
    heartbeat.during(task) { Result { try workload.evaluate(input) } }
  }

  /// A streaming task: result k = f([worker, k]) of the producer's workload, until the workload
  /// returns no values (exhausted), the limit, or the master ends the round. At most eight
  /// results are in flight, so a fast worker cannot flood the master.
  mutating func stream(_ task: _Message) {
    guard let workload = start(task) else { return }
    var index: Int64 = 0
    while task.c == 0 || index < task.c {
      while transport.pendingCount() >= 8 {
        transport.progress()
        if isInterrupted(round: task.round) { return }
        idle.pause()
      }
      idle.reset()
      if isInterrupted(round: task.round) { return }
      var values: [Double]
      switch evaluate(workload, [Double(task.worker), Double(index)], task) {
      case .success(let produced): values = produced
      case .failure(let error):
        reply(.failure, task, bytes: Array(String(describing: error).utf8))
        return
      }
      guard !values.isEmpty else { break }
      values = garbled(values)
      transport.send(
        _Message(kind: .result, round: task.round, worker: task.worker, a: index, values: values),
        to: 0, tag: _Message.toMasterTag)
      transport.progress()
      index += 1
    }
    reply(.exhausted, task)
  }

  /// The start of every task: acknowledge it, rebuild its workload (replying the failure when
  /// that fails) and sleep its injected delay. Nil when there is nothing more to do.
  mutating func start(_ task: _Message) -> (any Workload)? {
    reply(.ack, task)
    switch heartbeat.during(task, { resolve(task) }) {
    case .success(let workload):
      return sleep(nanoseconds: task.a, round: task.round) ? workload : nil
    case .failure(let failure):
      reply(.failure, task, bytes: Array(failure.message.utf8))
      return nil
    }
  }

  /// An answer as this worker's injected fault makes it.
  func garbled(_ values: [Double]) -> [Double] {
    switch fault {
    case .answersNonFinite: return values.map { _ in .nan }
    case .answersWrongLength: return Array(values.dropLast())
    case .dies, .diesAfterAcknowledging, .answersLate, nil: return values
    }
  }

  /// The task's workload: from the cache by hash, else built from the descriptor it carries.
  mutating func resolve(_ task: _Message) -> Result<any Workload, _WorkerFailure> {
    if let cached = workloads[task.b] { return cached }
    guard !task.bytes.isEmpty else {
      return .failure(
        _WorkerFailure(message: "worker \(rank - 1) has no workload with hash \(task.b)"))
    }
    let built: Result<any Workload, _WorkerFailure>
    do {
      let descriptor = try WorkloadDescriptor(json: Data(task.bytes))
      built = .success(try WorkloadRegistry.make(descriptor))
    } catch {
      built = .failure(
        _WorkerFailure(
          message: "worker \(rank - 1) (rank \(rank)) could not build the workload: \(error)"))
    }
    workloads[task.b] = built
    return built
  }

  /// Sleeps `nanoseconds`, checking the master's messages every millisecond; false when the round
  /// was ended meanwhile.
  mutating func sleep(nanoseconds: Int64, round: Int64) -> Bool {
    guard nanoseconds > 0 else { return true }
    if fault == .answersLate {
      Thread.sleep(forTimeInterval: Double(nanoseconds) * 1e-9)
      return true
    }
    let until = ContinuousClock.now + .nanoseconds(nanoseconds)
    var lastBeat = ContinuousClock.now
    while ContinuousClock.now < until {
      if isInterrupted(round: round) { return false }
      if ContinuousClock.now - lastBeat >= _Message.heartbeatInterval {
        lastBeat = ContinuousClock.now
        transport.progress()
        transport.send(
          _Message(kind: .alive, round: round, worker: Int64(rank - 1)), to: 0,
          tag: _Message.toMasterTag)
      }
      Thread.sleep(
        forTimeInterval: min(0.001, max(0, ContinuousClock.now.duration(to: until).inSeconds)))
    }
    return !isInterrupted(round: round)
  }

  func reply(_ kind: _Message.Kind, _ task: _Message, bytes: [UInt8] = []) {
    transport.send(
      _Message(kind: kind, round: task.round, worker: task.worker, bytes: bytes), to: 0,
      tag: _Message.toMasterTag)
  }

  /// Waits (at most `limit`) for the master's release after the bye; true when it came and no
  /// rank died, so this rank may enter `MPI_Finalize` (whose fence would wait for a dead one).
  mutating func awaitRelease(for limit: Duration) -> Bool {
    let until = ContinuousClock.now + limit
    var backoff = _Backoff()
    while ContinuousClock.now < until {
      transport.progress()
      if let message = nextMessage() {
        if message.kind == .release { return message.a == 0 }
        continue  // an abandon or task that crossed the stop: nothing to do any more
      }
      backoff.pause()
    }
    return false
  }

  /// Lets the pending sends complete (the master drains them during shutdown), for at most `limit`.
  func drainSends(for limit: Duration) {
    let until = ContinuousClock.now + limit
    var backoff = _Backoff()
    while transport.pendingCount() > 0, ContinuousClock.now < until {
      transport.progress()
      backoff.pause()
    }
  }
}

/// Why a worker could not compute (sent to the master as its failure message).
struct _WorkerFailure: Error {
  let message: String
}
