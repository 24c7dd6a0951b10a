/// Trials of the `arrival` model: real rounds on `pool` with the drawn latencies injected into
/// each round, decoding from the first N − S results that actually arrived (for codes whose
/// decodability depends on the set, the first decodable set of at least N − S).
func _runArrivalTrials(
  _ setup: ExperimentSetup, scheme: any CodingScheme, coded: Matrix, truth: Matrix,
  latency: LatencyModel, pool: any WorkerPool, generator: inout SplitMix64
) async throws(ExperimentError) -> ExperimentResult {
  let n = setup.workers
  let clock = ContinuousClock()
  let rule = StoppingRule.arrivals(atLeast: n - setup.stragglers, decodableBy: scheme)
  var kernel = _TrialKernel(scheme: scheme)
  var trialMSE: [Double] = []
  var lastDecoded: Matrix? = nil
  var computeSeconds = 0.0
  var failed = Set<Int>()
  for _ in 0..<setup.trials {
    let delays = latency.sample(count: n, using: &generator).map { Duration.seconds(min($0, 1e9)) }
    let start = clock.now
    let outcome: PoolOutcome
    do {
      outcome = try await pool.run(
        Round(
          inputs: coded, workload: setup.workload, stoppingRule: rule,
          deadline: setup.roundDeadline, injectedDelays: delays))
    } catch { throw _roundError(error, setup, since: start) }
    computeSeconds += (clock.now - start).inSeconds
    failed.formUnion(outcome.failures.keys)
    var received = outcome.outputs
    guard received.columns == truth.columns else {
      throw .workload(
        "workers returned \(received.columns) values per input but f(x) has \(truth.columns)")
    }
    _corrupt(
      &received, noise: setup.noise, adversaries: setup.adversaries,
      magnitude: setup.adversaryMagnitude, using: &generator)
    let estimates: Matrix
    do { estimates = try kernel.decode(received, survivors: outcome.survivors) } catch {
      throw .coding(error)
    }
    trialMSE.append(meanSquaredError(estimates, truth))
    lastDecoded = estimates
  }
  return ExperimentResult(
    trialMSE: trialMSE, decoderLambda: kernel.meanLambda, meanSurvivors: kernel.meanSurvivors,
    failedWorkers: failed.sorted(), encodeSeconds: 0,
    computeSeconds: computeSeconds / Double(setup.trials),
    decodeSeconds: kernel.meanDecodeSeconds, inputDimension: setup.inputs.columns,
    outputDimension: truth.columns, lastDecoded: lastDecoded)
}
