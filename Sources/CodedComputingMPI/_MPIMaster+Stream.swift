import CodedComputing
import Foundation

extension _MPIMaster {
  /// Runs one streaming round (the caller holds the lock): every worker produces results until
  /// the consumer says stop, the deadline passes, or every worker is exhausted, failed or dead;
  /// the workers still producing are then told to abandon the round (their results in flight
  /// are dropped by round number).
  func runStream<State>(
    _ round: StreamingRound, descriptor: (hash: Int64, json: [UInt8]), initialState: State,
    consume: (inout State, StreamedResult) -> StreamDecision, unresponsiveTimeout: Duration?,
    isCancelled: () -> Bool
  ) -> (outcome: StreamOutcome, state: State) {
    let n = round.workers
    roundID += 1
    let start = ContinuousClock.now
    var state = initialState
    var counts = [Int](repeating: 0, count: n)
    var finished = [Bool](repeating: false, count: n)
    var failures: [Int: String] = [:]
    var dimension: Int? = nil
    var delivered = 0
    var ending: StreamOutcome.Ending? = nil
    let seconds = { (ContinuousClock.now - start).inSeconds }

    func finish(_ w: Int, failure: String? = nil) {
      guard !finished[w] else { return }
      finished[w] = true
      if let failure { failures[w] = failure }
    }

    for w in 0..<n {
      if dead[w] {
        finish(w, failure: "worker \(w) (rank \(w + 1)) is dead")
        continue
      }
      let task = taskMessage(
        kind: .streamTask, worker: w, descriptor: descriptor, delay: round.injectedDelays?[w],
        c: Int64(round.maximumResultsPerWorker ?? 0), values: [])
      // A stream task always carries its descriptor: bytes non-empty means "build it".
      var message = task
      message.bytes = descriptor.json
      if !transport.send(message, to: w + 1, tag: _Message.toWorkerTag) {
        finish(w, failure: "worker \(w) (rank \(w + 1)): MPI refused the send")
      }
    }

    var backoff = _Backoff()
    var lastCheck = start
    while ending == nil {
      if !finished.contains(false) {
        ending = .exhausted
        break
      }
      switch nextReply(workers: n, backoff: &backoff) {
      case .nothing, .ignored: break
      case .malformed(let w):
        finish(w, failure: "worker \(w) (rank \(w + 1)) sent a malformed message")
      case .current(let w, let message):
        guard !finished[w] else { continue }
        switch message.kind {
        case .failure:
          finish(w, failure: String(decoding: message.bytes, as: UTF8.self))
        case .exhausted:
          finish(w)
        case .result:
          let expected = dimension ?? message.values.count
          if let problem = _answerProblem(message.values, expected: expected, worker: w) {
            finish(w, failure: problem)
            continue
          }
          dimension = expected
          counts[w] += 1
          delivered += 1
          let result = StreamedResult(
            worker: w, index: Int(message.a), values: message.values, seconds: seconds())
          if consume(&state, result) == .stop { ending = .stopped }
          if let limit = round.maximumResultsPerWorker, counts[w] >= limit { finish(w) }
        default:
          break
        }
      }
      if ending != nil { break }
      let now = ContinuousClock.now
      if let deadline = round.deadline, now - start >= deadline {
        ending = .deadline
        break
      }
      if now - lastCheck >= .milliseconds(20) {
        lastCheck = now
        if isCancelled() {
          ending = .cancelled
          break
        }
        for w in 0..<n where !finished[w] {
          if let reason = deathReason(of: w, roundStart: start, limit: unresponsiveTimeout) {
            finish(w, failure: reason)
          }
        }
      }
      backoff.pause()
    }

    for w in 0..<n where !finished[w] && !dead[w] {
      transport.send(_Message(kind: .abandon, round: roundID), to: w + 1, tag: _Message.toWorkerTag)
    }
    transport.progress()
    self.failures.merge(failures) { first, _ in first }
    return (
      StreamOutcome(
        ending: ending ?? .exhausted, delivered: delivered, resultsPerWorker: counts,
        failures: failures, seconds: seconds()),
      state
    )
  }
}
