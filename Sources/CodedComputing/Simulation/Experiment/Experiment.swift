import Foundation

/// Runs one MSE experiment: encode, compute on a worker pool, apply the straggler, noise and
/// adversary models, decode, and score against f(X).
///
/// Per trial the straggler sets, noise and adversaries are drawn afresh from a generator seeded
/// with `setup.seed` (the inputs are fixed); worst-window is deterministic but its noise is not.
/// Workers whose computation fails are stragglers in every trial. The error of one decode is
/// MSE = (1/(K·m)) Σₖ ‖f̂(xₖ) − f(xₖ)‖². A drawn straggler set the scheme cannot decode
/// (``CodingScheme/canDecode(from:)``; for worst-window, any window of the trial) makes a *failed
/// trial*: counted in ``ExperimentResult/failedTrials``, not averaged into the MSE. With the
/// `arrival` model the rounds really run on `pool` with the drawn latencies injected, and stop at
/// the first N − S arrivals the scheme can decode.
///
/// - Throws: ``ExperimentError`` for an impossible setup (S ≥ N, too few survivors for the scheme,
///   a workload that rejects the inputs), or when every trial failed.
public func runExperiment(_ setup: ExperimentSetup, pool: any WorkerPool = InProcessWorkerPool())
  async throws(ExperimentError) -> ExperimentResult
{
  let scheme = try validateExperiment(setup)
  return try await runExperiment(setup, scheme: scheme, pool: pool)
}

/// ``runExperiment(_:pool:)`` with the scheme ``validateExperiment(_:)`` returned for `setup`
/// (a sweep validates every point first and then runs the schemes it got, building none twice).
public func runExperiment(
  _ setup: ExperimentSetup, scheme: any CodingScheme, pool: any WorkerPool = InProcessWorkerPool()
) async throws(ExperimentError) -> ExperimentResult {
  let truth: Matrix
  do { truth = try setup.workload.evaluate(batch: setup.inputs) } catch {
    throw .workload("the function '\(setup.workload.name)' failed on the inputs: \(error)")
  }
  let clock = ContinuousClock()
  let start = clock.now
  let coded: Matrix
  let encoderLambda: Double
  do {
    let encoded = try scheme.encodeReportingLambda(setup.inputs)
    coded = encoded.coded
    encoderLambda = encoded.lambda ?? .nan
  } catch { throw .coding(error) }
  let encodeSeconds = (clock.now - start).inSeconds

  var generator = SplitMix64(seed: setup.seed)
  var result: ExperimentResult
  if case .arrival(let latency) = setup.stragglerModel {
    result = try await _runArrivalTrials(
      setup, scheme: scheme, coded: coded, truth: truth, latency: latency, pool: pool,
      generator: &generator)
  } else {
    result = try await _runSimulatedTrials(
      setup, scheme: scheme, coded: coded, truth: truth, pool: pool, generator: &generator)
  }
  result.encodeSeconds = encodeSeconds
  result.encoderLambda = encoderLambda
  return result
}

/// Every worker computes once; the straggler model then decides, trial by trial, who is missing.
func _runSimulatedTrials(
  _ setup: ExperimentSetup, scheme: any CodingScheme, coded: Matrix, truth: Matrix,
  pool: any WorkerPool, generator: inout SplitMix64
) async throws(ExperimentError) -> ExperimentResult {
  let n = setup.workers
  let s = setup.stragglers
  // Failing workers cannot be known in advance; when the pool reports F failures we run again
  // waiting for the other N − F (a deterministic workload fails on the same workers again). A
  // pool stops a round as soon as its quorum is unreachable, so one round may report only some
  // of the failing workers: retry while the count of failures grows.
  let clock = ContinuousClock()
  let start = clock.now
  var outcome: PoolOutcome
  var quorum = n
  while true {
    do {
      outcome = try await pool.run(
        inputs: coded, workload: setup.workload, quorum: quorum, deadline: setup.roundDeadline)
      break
    } catch {
      guard case .quorumNotReached(_, _, let failures) = error, failures >= 1, failures < n,
        n - failures < quorum, !_deadlinePassed(setup, since: start)
      else { throw _roundError(error, setup, since: start) }
      quorum = n - failures
    }
  }
  let computeSeconds = (clock.now - start).inSeconds
  let failed = Set(0..<n).subtracting(outcome.survivors).sorted()
  var rowOfWorker = [Int?](repeating: nil, count: n)
  for (row, w) in outcome.survivors.enumerated() { rowOfWorker[w] = row }
  let m = outcome.outputs.columns
  guard m == truth.columns else {
    throw .workload("workers returned \(m) values per input but f(x) has \(truth.columns)")
  }

  var kernel = _TrialKernel(scheme: scheme)
  var trialMSE: [Double] = []
  var lastDecoded: Matrix? = nil
  var failedTrials = 0
  var undecodable: CodingError? = nil
  for _ in 0..<setup.trials {
    var results = outcome.outputs
    _corrupt(&results, noise: setup.noise, adversaries: 0, magnitude: 1, using: &generator)
    var sets = setup.stragglerModel.stragglerSets(workers: n, stragglers: s, using: &generator)
    if case .probabilistic = setup.stragglerModel {
      // Conditioned on a decodable round: redraw while the survivors cannot be decoded.
      var attempts = 1
      while !scheme.canDecode(survivors: _survivors(n, missing: Set(sets[0]).union(failed))) {
        guard attempts < 1000 else {
          throw .invalidSetup(
            "straggle probability leaves an undecodable set (fewer than \(scheme.minimumSurvivors) survivors) in 1000 draws"
          )
        }
        sets = setup.stragglerModel.stragglerSets(workers: n, stragglers: s, using: &generator)
        attempts += 1
      }
    }
    var worst = -Double.infinity
    var worstEstimates: Matrix? = nil
    var trialFailed = false
    for stragglerSet in sets {
      let survivors = _survivors(n, missing: Set(stragglerSet).union(failed))
      guard scheme.canDecode(survivors: survivors) else {
        undecodable = .tooFewSurvivors(
          scheme: scheme.name, survivors: survivors.count, minimum: scheme.minimumSurvivors)
        if scheme.decodabilityDependsOnSet {  // the scheme's own reason (polar: what is missing)
          do {
            _ = try scheme.decode(
              results.selectingRows(survivors.map { rowOfWorker[$0] ?? 0 }), survivors: survivors)
          } catch { undecodable = error }
        }
        trialFailed = true
        break
      }
      var received = results.selectingRows(survivors.map { rowOfWorker[$0] ?? 0 })
      _corrupt(
        &received, noise: 0, adversaries: setup.adversaries, magnitude: setup.adversaryMagnitude,
        using: &generator)
      let estimates: Matrix
      do { estimates = try kernel.decode(received, survivors: survivors) } catch {
        throw .coding(error)
      }
      let error = meanSquaredError(estimates, truth)
      if error > worst {
        worst = error
        worstEstimates = estimates
      }
    }
    if trialFailed {
      failedTrials += 1
    } else {
      trialMSE.append(worst)
      lastDecoded = worstEstimates
    }
  }
  if trialMSE.isEmpty, let undecodable { throw .coding(undecodable) }
  return ExperimentResult(
    trialMSE: trialMSE, decoderLambda: kernel.meanLambda, meanSurvivors: kernel.meanSurvivors,
    failedWorkers: failed, encodeSeconds: 0, computeSeconds: computeSeconds,
    decodeSeconds: kernel.meanDecodeSeconds, inputDimension: setup.inputs.columns,
    outputDimension: m, lastDecoded: lastDecoded, failedTrials: failedTrials)
}

/// Whether the experiment's round deadline has passed since `start`.
func _deadlinePassed(_ setup: ExperimentSetup, since start: ContinuousClock.Instant) -> Bool {
  guard let deadline = setup.roundDeadline else { return false }
  return ContinuousClock.now - start >= deadline
}

/// A pool's error for a round that started at `start`, saying so when the round deadline ended it.
func _roundError(_ error: PoolError, _ setup: ExperimentSetup, since start: ContinuousClock.Instant)
  -> ExperimentError
{
  guard _deadlinePassed(setup, since: start), let deadline = setup.roundDeadline else {
    return .pool(error)
  }
  return .pool(
    .backend("the round deadline of \(deadline.inSeconds) s passed before it finished: \(error)"))
}

/// The workers of 0..<N not in `missing`, ascending.
func _survivors(_ n: Int, missing: Set<Int>) -> [Int] {
  (0..<n).filter { !missing.contains($0) }
}

/// Adds N(0, σ²) noise and replaces `adversaries` random rows by uniform values in ±magnitude.
func _corrupt(
  _ received: inout Matrix, noise: Double, adversaries: Int, magnitude: Double,
  using generator: inout SplitMix64
) {
  if noise > 0 {
    for i in received.storage.indices {
      received.storage[i] += noise * standardNormal(using: &generator)
    }
  }
  if adversaries > 0 {
    for row in _randomSubset(of: received.rows, size: adversaries, using: &generator) {
      for j in 0..<received.columns {
        received[row, j] = Double.random(in: -magnitude...magnitude, using: &generator)
      }
    }
  }
}
