import Foundation

/// A pool that runs its workers one after another in the caller's task.
///
/// No concurrency and no early return: every worker runs, so the outcome depends only on the
/// workloads. Useful as a deterministic baseline and when f is itself parallel (BLAS). A worker
/// that throws, returns the wrong number of values or a non-finite value is reported as a failure
/// (a straggler). Injected delays are ignored (nothing runs concurrently to overtake), and
/// arrivals are in worker order. A streaming round serves the workers round-robin, one result
/// each per turn, until the consumer stops it.
public struct SequentialWorkerPool: WorkerPool {
  public init() {}

  /// Runs every worker of the round in order and checks the stopping rule on all the answers.
  /// - Throws: ``PoolError`` for a malformed round, or when the rule does not hold for the
  ///   workers that answered.
  public func run(_ round: Round) async throws(PoolError) -> PoolOutcome {
    let m = try round.validate()
    let n = round.workerCount
    var survivors: [Int] = []
    var rows: [[Double]] = []
    var received = [Bool](repeating: false, count: n)
    var arrivals: [Arrival] = []
    var durations = [Double?](repeating: nil, count: n)
    var failures: [Int: String] = [:]
    let clock = ContinuousClock()
    let roundStart = clock.now
    for w in 0..<n {
      let start = clock.now
      do {
        let y = try round.workload(ofWorker: w).evaluate(round.inputs.row(w))
        if let message = _WorkerResult.checking(y, expected: m).failureMessage {
          failures[w] = message
        } else {
          survivors.append(w)
          rows.append(y)
          received[w] = true
          arrivals.append(Arrival(worker: w, seconds: (clock.now - roundStart).inSeconds))
        }
      } catch {
        failures[w] = "\(error)"
      }
      durations[w] = (clock.now - start).inSeconds
    }
    guard round.stoppingRule.isSatisfied(by: received, count: survivors.count) else {
      throw round.stoppingRule.unmet(answered: survivors.count, failures: failures.count)
    }
    var outputs = Matrix(rows: rows.count, columns: m)
    for (i, row) in rows.enumerated() { for j in 0..<m { outputs[i, j] = row[j] } }
    return PoolOutcome(
      survivors: survivors, outputs: outputs, durations: durations, failures: failures,
      cancelled: [], arrivals: arrivals)
  }

  /// Serves the workers round-robin in the caller's task until `consume` stops the stream, every
  /// worker is exhausted, failed or at its limit, or the deadline passes.
  /// - Throws: ``PoolError/invalidRound(_:)`` for a malformed round.
  public func stream<State: Sendable>(
    _ round: StreamingRound, initialState: State,
    consume: @escaping @Sendable (inout State, StreamedResult) -> StreamDecision
  ) async throws(PoolError) -> (outcome: StreamOutcome, state: State) {
    try round.validate()
    let n = round.workers
    let clock = ContinuousClock()
    let start = clock.now
    var state = initialState
    var counts = [Int](repeating: 0, count: n)
    var active = Array(0..<n)
    var failures: [Int: String] = [:]
    var dimension: Int? = nil
    var delivered = 0
    var ending: StreamOutcome.Ending = .exhausted
    streaming: while !active.isEmpty {
      var stillActive: [Int] = []
      for w in active {
        if let deadline = round.deadline, clock.now - start >= deadline {
          ending = .deadline
          break streaming
        }
        let values: [Double]?
        do { values = try round.producer.produce(worker: w, index: counts[w]) } catch {
          failures[w] = "\(error)"
          continue
        }
        guard let values else { continue }
        if let message = _WorkerResult.checking(values, expected: dimension).failureMessage {
          failures[w] = message
          continue
        }
        dimension = values.count
        let result = StreamedResult(
          worker: w, index: counts[w], values: values, seconds: (clock.now - start).inSeconds)
        counts[w] += 1
        delivered += 1
        if consume(&state, result) == .stop {
          ending = .stopped
          break streaming
        }
        if round.maximumResultsPerWorker.map({ counts[w] < $0 }) ?? true { stillActive.append(w) }
      }
      active = stillActive
    }
    return (
      StreamOutcome(
        ending: ending, delivered: delivered, resultsPerWorker: counts, failures: failures,
        seconds: (clock.now - start).inSeconds),
      state
    )
  }
}
