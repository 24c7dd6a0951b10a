/// Checks a setup without running it and returns the scheme it would use.
///
/// Everything ``runExperiment(_:pool:)`` can refuse before computing — K < 2, S ≥ N, a bad
/// noise level, probability or straggler list, a latency model naming missing workers, a scheme
/// that cannot take these sizes, or fewer planned survivors than the scheme's threshold — is
/// refused here, once, so a sweep can check every point before it starts and then run the scheme
/// it got back.
/// - Throws: ``ExperimentError`` naming the problem.
public func validateExperiment(_ setup: ExperimentSetup) throws(ExperimentError) -> any CodingScheme
{
  let k = setup.inputs.rows
  let n = setup.workers
  let s = setup.stragglers
  guard k >= 2 else { throw .invalidSetup("need K >= 2 inputs, got K = \(k)") }
  guard setup.trials >= 1 else {
    throw .invalidSetup("trials must be at least 1, got \(setup.trials)")
  }
  guard s >= 0 else { throw .invalidSetup("stragglers must be >= 0, got S = \(s)") }
  guard s < n else {
    throw .invalidSetup("S = \(s) stragglers must be fewer than N = \(n) workers")
  }
  guard setup.noise.isFinite, setup.noise >= 0 else {
    throw .invalidSetup("noise must be a finite number >= 0, got \(setup.noise)")
  }
  guard setup.adversaries >= 0, setup.adversaries < n - s else {
    throw .invalidSetup(
      "adversaries must be between 0 and N - S - 1 = \(n - s - 1), got \(setup.adversaries)")
  }
  guard setup.adversaryMagnitude.isFinite, setup.adversaryMagnitude > 0 else {
    throw .invalidSetup(
      "adversary magnitude must be a finite number > 0, got \(setup.adversaryMagnitude)")
  }
  if case .probabilistic(let p) = setup.stragglerModel, !(p >= 0 && p < 1) {
    throw .invalidSetup("straggle probability must be in [0, 1), got \(p)")
  }
  switch setup.stragglerModel {
  case .latency(let model), .arrival(let model):
    do { try model.validate(workerCount: n) } catch { throw .invalidSetup(error.description) }
  default: break
  }
  if case .fixed(let set) = setup.stragglerModel {
    guard Set(set).count == set.count, set.allSatisfy({ $0 >= 0 && $0 < n }) else {
      throw .invalidSetup("the straggler list must name distinct workers in 0..<\(n)")
    }
  }
  let scheme: any CodingScheme
  do { scheme = try setup.scheme.make(setup.schemeRequest) } catch { throw .coding(error) }
  let plannedSurvivors: Int
  switch setup.stragglerModel {
  case .none: plannedSurvivors = n
  case .probabilistic: plannedSurvivors = n
  case .fixed(let set): plannedSurvivors = n - set.count
  default: plannedSurvivors = n - s
  }
  guard plannedSurvivors >= scheme.minimumSurvivors else {
    throw .coding(
      .tooFewSurvivors(
        scheme: scheme.name, survivors: plannedSurvivors, minimum: scheme.minimumSurvivors))
  }
  return scheme
}
