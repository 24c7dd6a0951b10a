import Foundation

/// The shared, lock-protected state of one streaming round of an ``InProcessWorkerPool``.
///
/// A compute thread takes worker n, produces its next result *outside* the lock, then delivers
/// it under the lock: the consumer runs there, so results reach it one at a time in the order
/// they were finished (true arrival order). If the round goes on and worker n has more to give,
/// the thread queues n again behind the others — the threads serve the workers round-robin, one
/// result at a time, so N streaming workers share `maxConcurrentWorkers` threads fairly. After
/// the freeze (the consumer's stop, the deadline, exhaustion, cancellation) a worker's result in
/// flight is dropped and nothing more is produced: every worker stops within one result.
final class _StreamRound<Consumed: Sendable>: Sendable {
  struct State: Sendable {
    var consumed: Consumed
    var resultsPerWorker: [Int]
    var nextIndex: [Int]
    var finished: [Bool]
    var finishedCount = 0
    var failures: [Int: String] = [:]
    var delivered = 0
    var dimension: Int? = nil
    var ending: StreamOutcome.Ending? = nil
    var master: CheckedContinuation<Void, Never>? = nil
  }

  let workers: Int
  let limit: Int?
  let producer: any StreamProducer
  let consume: @Sendable (inout Consumed, StreamedResult) -> StreamDecision
  let start: ContinuousClock.Instant
  private let state: _Locked<State>

  init(
    round: StreamingRound, initialState: Consumed,
    consume: @escaping @Sendable (inout Consumed, StreamedResult) -> StreamDecision
  ) {
    workers = round.workers
    limit = round.maximumResultsPerWorker
    producer = round.producer
    self.consume = consume
    state = _Locked(
      State(
        consumed: initialState, resultsPerWorker: Array(repeating: 0, count: round.workers),
        nextIndex: Array(repeating: 0, count: round.workers),
        finished: Array(repeating: false, count: round.workers)))
    start = ContinuousClock.now
  }

  /// Produces worker n's next result and delivers it; returns whether n should be queued again.
  func step(worker n: Int) -> Bool {
    guard let index = state.withLock({ $0.ending == nil ? $0.nextIndex[n] : nil }) else {
      return false
    }
    let produced: Result<[Double]?, any Error>
    do { produced = .success(try producer.produce(worker: n, index: index)) } catch {
      produced = .failure(error)
    }
    let (again, master) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
      guard state.ending == nil else { return (false, nil) }
      // Stamped under the lock, where results are delivered one at a time: arrival times then
      // follow delivery order (a stamp taken before the lock could lose the race to another
      // worker's later stamp).
      let seconds = (ContinuousClock.now - start).inSeconds
      switch produced {
      case .failure(let error):
        state.failures[n] = String(describing: error)
        return (false, Self._finish(n, &state, workers: workers))
      case .success(nil):
        return (false, Self._finish(n, &state, workers: workers))
      case .success(let values?):
        if let message = _WorkerResult.checking(values, expected: state.dimension).failureMessage {
          state.failures[n] = message
          return (false, Self._finish(n, &state, workers: workers))
        }
        state.dimension = values.count
        state.nextIndex[n] = index + 1
        state.resultsPerWorker[n] += 1
        state.delivered += 1
        let decision = consume(
          &state.consumed, StreamedResult(worker: n, index: index, values: values, seconds: seconds)
        )
        if decision == .stop { return (false, Self._end(.stopped, &state)) }
        if let limit, index + 1 >= limit {
          return (false, Self._finish(n, &state, workers: workers))
        }
        return (true, nil)
      }
    }
    master?.resume()
    return again
  }

  /// Ends the round now (deadline or cancellation); a no-op when already ended.
  func end(_ ending: StreamOutcome.Ending) {
    let master = state.withLock { state in
      state.ending == nil ? Self._end(ending, &state) : nil
    }
    master?.resume()
  }

  /// Suspends until the round has ended.
  func waitUntilEnded() async {
    await withCheckedContinuation { (master: CheckedContinuation<Void, Never>) in
      let ended = state.withLock { state in
        if state.ending != nil { return true }
        state.master = master
        return false
      }
      if ended { master.resume() }
    }
  }

  /// The outcome and the consumer's state; call after the end.
  func result() -> (outcome: StreamOutcome, state: Consumed) {
    state.withLock { state in
      precondition(state.ending != nil, "the result of a stream that is still running")
      return (
        StreamOutcome(
          ending: state.ending ?? .exhausted, delivered: state.delivered,
          resultsPerWorker: state.resultsPerWorker, failures: state.failures,
          seconds: (ContinuousClock.now - start).inSeconds),
        state.consumed
      )
    }
  }

  private static func _finish(_ n: Int, _ state: inout State, workers: Int)
    -> CheckedContinuation<Void, Never>?
  {
    guard !state.finished[n] else { return nil }
    state.finished[n] = true
    state.finishedCount += 1
    return state.finishedCount == workers ? _end(.exhausted, &state) : nil
  }

  private static func _end(_ ending: StreamOutcome.Ending, _ state: inout State)
    -> CheckedContinuation<Void, Never>?
  {
    state.ending = ending
    defer { state.master = nil }
    return state.master
  }
}
