import CodedComputing
import Foundation

extension _MPIMaster {
  /// The bookkeeping of one round on the master.
  struct RoundState {
    var received: [Bool]
    var failed: [Bool]
    var outputs: [[Double]?]
    var durations: [Double?]
    var failures: [Int: String] = [:]
    var arrivals: [Arrival] = []
    var answered = 0

    init(workers: Int) {
      received = Array(repeating: false, count: workers)
      failed = received
      outputs = Array(repeating: nil, count: workers)
      durations = Array(repeating: nil, count: workers)
    }

    var pending: [Int] { received.indices.filter { !received[$0] && !failed[$0] } }
  }

  /// Runs one round (the caller holds the lock): sends every worker its task, polls the
  /// arrivals until the stopping rule holds, cannot hold any more, or the deadline passes, then
  /// tells the workers still busy to abandon the round.
  func runRound(
    _ round: Round, outputDimension m: Int, descriptors: [(hash: Int64, json: [UInt8])],
    unresponsiveTimeout: Duration?, isCancelled: @escaping () -> Bool
  ) -> Result<PoolOutcome, PoolError> {
    let n = round.workerCount
    let rule = round.stoppingRule
    roundID += 1
    let start = ContinuousClock.now
    var state = RoundState(workers: n)
    let seconds = { (ContinuousClock.now - start).inSeconds }

    func fail(_ w: Int, _ message: String) {
      guard !state.received[w], !state.failed[w] else { return }
      state.failed[w] = true
      state.failures[w] = message
      state.durations[w] = seconds()
    }
    func reachable() -> Bool {
      let possible = n - state.failures.count
      if rule.quorum != nil { return rule.isSatisfied(by: [], count: possible) }
      return rule.isSatisfied(by: state.failed.map { !$0 }, count: possible)
    }

    // Known deaths only: the processes are checked while polling, not on the send path.
    for w in 0..<n {
      if dead[w] {
        fail(w, "worker \(w) (rank \(w + 1)) is dead")
        continue
      }
      let task = taskMessage(
        kind: .task, worker: w, descriptor: descriptors[round.assignment[w]],
        delay: round.injectedDelays?[w], values: round.inputs.row(w))
      if !transport.send(task, to: w + 1, tag: _Message.toWorkerTag) {
        fail(w, "worker \(w) (rank \(w + 1)): MPI refused the send")
      }
    }

    var satisfied = rule.isSatisfied(by: state.received, count: 0)
    var backoff = _Backoff()
    var lastCheck = start
    polling: while !satisfied, reachable() {
      switch nextReply(workers: n, backoff: &backoff) {
      case .nothing, .ignored: break
      case .malformed(let w): fail(w, "worker \(w) (rank \(w + 1)) sent a malformed message")
      case .current(let w, let message):
        switch message.kind {
        case .ack, .alive:
          break  // heard (MPIMaster.lastHeard): the worker is alive
        case .failure:
          fail(w, String(decoding: message.bytes, as: UTF8.self))
        case .result where !state.received[w] && !state.failed[w]:
          if let problem = _answerProblem(message.values, expected: m, worker: w) {
            fail(w, problem)
            continue
          }
          let elapsed = seconds()
          state.received[w] = true
          state.outputs[w] = message.values
          state.durations[w] = elapsed
          state.answered += 1
          state.arrivals.append(Arrival(worker: w, seconds: elapsed))
          satisfied = rule.isSatisfied(by: state.received, count: state.answered)
        default:
          break
        }
      }
      if satisfied { break polling }
      let now = ContinuousClock.now
      if let deadline = round.deadline, now - start >= deadline { break polling }
      if now - lastCheck >= .milliseconds(20) {
        lastCheck = now
        if isCancelled() { break polling }
        for w in state.pending {
          if let reason = deathReason(of: w, roundStart: start, limit: unresponsiveTimeout) {
            fail(w, reason)
          }
        }
      }
      backoff.pause()
    }

    for w in state.pending where !dead[w] {
      transport.send(_Message(kind: .abandon, round: roundID), to: w + 1, tag: _Message.toWorkerTag)
    }
    transport.progress()
    failures.merge(state.failures) { first, _ in first }

    let survivors = (0..<n).filter { state.received[$0] }
    guard satisfied else {
      if let quorum = rule.quorum {
        return .failure(
          .quorumNotReached(
            quorum: quorum, answered: survivors.count, failures: state.failures.count))
      }
      return .failure(
        .stoppingRuleNotMet(
          rule: rule.description, answered: survivors.count, failures: state.failures.count))
    }
    var outputs = Matrix(rows: survivors.count, columns: m)
    for (i, w) in survivors.enumerated() {
      guard let y = state.outputs[w] else { continue }
      for j in 0..<m { outputs[i, j] = y[j] }
    }
    return .success(
      PoolOutcome(
        survivors: survivors, outputs: outputs, durations: state.durations,
        failures: state.failures, cancelled: state.pending, arrivals: state.arrivals))
  }
}

/// Why worker `w`'s values are not an answer — the library's own check
/// (`_WorkerResult.checking`, the one every in-process pool uses: wrong count, first non-finite
/// value), prefixed with the worker and its rank — or nil.
func _answerProblem(_ values: [Double], expected: Int, worker w: Int) -> String? {
  _WorkerResult.checking(values, expected: expected).failureMessage.map {
    "worker \(w) (rank \(w + 1)): \($0)"
  }
}
