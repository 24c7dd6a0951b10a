import Foundation

/// One point of an MSE experiment: a scheme, a function, the inputs, N, S and the models.
public struct ExperimentSetup: Sendable {
  public var scheme: SchemeKind
  public var workload: any Workload
  /// X, K × d.
  public var inputs: Matrix
  public var workers: Int
  public var stragglers: Int
  public var stragglerModel: StragglerModel
  public var layout: NodeLayout
  public var encoderLambda: SmoothingChoice
  public var decoderLambda: SmoothingChoice
  /// σ: workers add N(0, σ²) to every output coordinate.
  public var noise: Double
  /// Byzantine workers per trial: chosen uniformly among the survivors, they return values drawn
  /// uniformly from [−adversaryMagnitude, adversaryMagnitude] instead of f.
  public var adversaries: Int
  public var adversaryMagnitude: Double
  public var trials: Int
  public var seed: UInt64

  public init(
    scheme: SchemeKind, workload: any Workload, inputs: Matrix, workers: Int, stragglers: Int,
    stragglerModel: StragglerModel, layout: NodeLayout = .chebyshev,
    encoderLambda: SmoothingChoice = .fixed(0),
    decoderLambda: SmoothingChoice = .optimal, noise: Double = 0, adversaries: Int = 0,
    adversaryMagnitude: Double = 100, trials: Int = 1, seed: UInt64 = 0
  ) {
    self.scheme = scheme
    self.workload = workload
    self.inputs = inputs
    self.workers = workers
    self.stragglers = stragglers
    self.stragglerModel = stragglerModel
    self.layout = layout
    self.encoderLambda = encoderLambda
    self.decoderLambda = decoderLambda
    self.noise = noise
    self.adversaries = adversaries
    self.adversaryMagnitude = adversaryMagnitude
    self.trials = trials
    self.seed = seed
  }
}

/// What one experiment measured.
public struct ExperimentResult: Sendable {
  /// MSE per trial (for worst-window, the maximum over windows of that trial).
  public var trialMSE: [Double]
  /// The mean of `trialMSE`.
  public var mse: Double { trialMSE.reduce(0, +) / Double(max(1, trialMSE.count)) }
  /// Sample standard deviation over trials (0 for one trial).
  public var mseStandardDeviation: Double {
    guard trialMSE.count > 1 else { return 0 }
    let mean = mse
    let ss = trialMSE.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (ss / Double(trialMSE.count - 1)).squareRoot()
  }
  public var mseMin: Double { trialMSE.min() ?? .nan }
  public var mseMax: Double { trialMSE.max() ?? .nan }
  /// The mean decoder λ LeTCC used (NaN for other schemes).
  public var decoderLambda: Double
  /// The encoder λ LeTCC used (NaN for other schemes).
  public var encoderLambda: Double = .nan
  /// The mean number of surviving workers per decode.
  public var meanSurvivors: Double
  /// Workers whose computation failed (they count as stragglers in every trial).
  public var failedWorkers: [Int]
  public var encodeSeconds: Double
  public var computeSeconds: Double
  /// Mean seconds per decode.
  public var decodeSeconds: Double
  /// d and m.
  public var inputDimension: Int
  public var outputDimension: Int
  /// The decoded K × m estimates of the last trial (for worst-window, of its worst window).
  public var lastDecoded: Matrix? = nil
}

/// Why an experiment cannot run.
public enum ExperimentError: Error, Equatable, Sendable, CustomStringConvertible {
  case invalidSetup(String)
  case coding(CodingError)
  case workload(String)
  case pool(PoolError)

  public var description: String {
    switch self {
    case .invalidSetup(let message): return message
    case .coding(let error): return error.description
    case .workload(let message): return message
    case .pool(let error): return error.description
    }
  }
}

/// Checks a setup without running it and returns the scheme it would use.
///
/// Everything ``runExperiment(_:pool:)`` can refuse before computing — K < 2, S ≥ N, a bad
/// noise level, probability or straggler list, a latency model naming missing workers, a scheme
/// that cannot take these sizes, or fewer planned survivors than the scheme's threshold — is
/// refused here, so a sweep can check every point before it starts.
/// - Throws: ``ExperimentError`` naming the problem.
public func validateExperiment(_ setup: ExperimentSetup) throws(ExperimentError) -> any CodingScheme {
  let k = setup.inputs.rows
  let n = setup.workers
  let s = setup.stragglers
  guard k >= 2 else { throw .invalidSetup("need K >= 2 inputs, got K = \(k)") }
  guard setup.trials >= 1 else { throw .invalidSetup("trials must be >= 1, got \(setup.trials)") }
  guard s >= 0 else { throw .invalidSetup("stragglers must be >= 0, got S = \(s)") }
  guard s < n else { throw .invalidSetup("S = \(s) stragglers must be fewer than N = \(n) workers") }
  guard setup.noise.isFinite, setup.noise >= 0 else {
    throw .invalidSetup("noise must be a finite number >= 0, got \(setup.noise)")
  }
  guard setup.adversaries >= 0, setup.adversaries < n - s else {
    throw .invalidSetup("adversaries must be between 0 and N - S - 1 = \(n - s - 1), got \(setup.adversaries)")
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
  let degree = (setup.workload as? BuiltinFunction)?.polynomialDegree
  let scheme: any CodingScheme
  do {
    scheme = try setup.scheme.make(
      inputCount: k, workerCount: n, layout: setup.layout, encoderLambda: setup.encoderLambda,
      decoderLambda: setup.decoderLambda, noiseLevel: setup.noise, plannedStragglers: s,
      functionDegree: degree)
  } catch { throw .coding(error) }
  let plannedSurvivors: Int
  switch setup.stragglerModel {
  case .none: plannedSurvivors = n
  case .probabilistic: plannedSurvivors = n
  case .fixed(let set): plannedSurvivors = n - set.count
  default: plannedSurvivors = n - s
  }
  guard plannedSurvivors >= scheme.minimumSurvivors else {
    throw .coding(
      .tooFewSurvivors(scheme: scheme.name, survivors: plannedSurvivors, minimum: scheme.minimumSurvivors))
  }
  return scheme
}

/// Runs one MSE experiment: encode, compute on a worker pool, apply the straggler, noise and
/// adversary models, decode, and score against f(X).
///
/// Per trial the straggler sets, noise and adversaries are drawn afresh from a generator seeded
/// with `setup.seed` (the inputs are fixed); worst-window is deterministic but its noise is not.
/// Workers whose computation fails are stragglers in every trial. The error of one decode is
/// MSE = (1/(K·m)) Σₖ ‖f̂(xₖ) − f(xₖ)‖².
///
/// - Throws: ``ExperimentError`` for an impossible setup (S ≥ N, too few survivors for the scheme,
///   a workload that rejects the inputs).
public func runExperiment(_ setup: ExperimentSetup, pool: any WorkerPool = InProcessWorkerPool())
  async throws(ExperimentError) -> ExperimentResult
{
  let scheme = try validateExperiment(setup)
  let n = setup.workers
  let s = setup.stragglers
  let truth: Matrix
  do { truth = try setup.workload.evaluate(batch: setup.inputs) } catch {
    throw .workload("the function '\(setup.workload.name)' failed on the inputs: \(error)")
  }
  let clock = ContinuousClock()
  var start = clock.now
  let coded: Matrix
  let encoderLambda: Double
  do {
    let encoded = try scheme.encodeReportingLambda(setup.inputs)
    coded = encoded.coded
    encoderLambda = encoded.lambda ?? .nan
  } catch { throw .coding(error) }
  let encodeSeconds = (clock.now - start).inSeconds

  var generator = SplitMix64(seed: setup.seed)
  if case .arrival(let latency) = setup.stragglerModel {
    var result = try await _runArrivalTrials(
      setup, scheme: scheme, coded: coded, truth: truth, latency: latency,
      encodeSeconds: encodeSeconds, generator: &generator)
    result.encoderLambda = encoderLambda
    return result
  }

  // Every worker's result: the straggler model decides afterwards who is missing. Failing
  // workers cannot be known in advance; when the pool reports F failures we run again waiting
  // for the other N − F (a deterministic workload fails on the same workers again).
  start = clock.now
  var outcome: PoolOutcome
  do {
    outcome = try await pool.run(inputs: coded, workload: setup.workload, quorum: n, deadline: nil)
  } catch {
    guard case .quorumNotReached(_, _, let failures) = error, failures >= 1, failures < n else {
      throw .pool(error)
    }
    do {
      outcome = try await pool.run(
        inputs: coded, workload: setup.workload, quorum: n - failures, deadline: nil)
    } catch { throw .pool(error) }
  }
  let computeSeconds = (clock.now - start).inSeconds
  let failed = Set(0..<n).subtracting(outcome.survivors).sorted()
  var rowOfWorker = [Int?](repeating: nil, count: n)
  for (row, w) in outcome.survivors.enumerated() { rowOfWorker[w] = row }
  let m = outcome.outputs.columns
  guard m == truth.columns else {
    throw .workload("workers returned \(m) values per input but f(x) has \(truth.columns)")
  }

  var trialMSE: [Double] = []
  var lastDecoded: Matrix? = nil
  var lambdaSum = 0.0
  var survivorSum = 0.0
  var decodes = 0
  var decodeSeconds = 0.0
  for _ in 0..<setup.trials {
    var results = outcome.outputs
    _corrupt(&results, noise: setup.noise, adversaries: 0, magnitude: 1, using: &generator)
    var sets = setup.stragglerModel.stragglerSets(workers: n, stragglers: s, using: &generator)
    if case .probabilistic = setup.stragglerModel {
      // Conditioned on a decodable round: redraw while too few workers survive.
      var attempts = 1
      while n - Set(sets[0]).union(failed).count < scheme.minimumSurvivors {
        guard attempts < 1000 else {
          throw .invalidSetup(
            "straggle probability leaves fewer than \(scheme.minimumSurvivors) survivors in 1000 draws")
        }
        sets = setup.stragglerModel.stragglerSets(workers: n, stragglers: s, using: &generator)
        attempts += 1
      }
    }
    var worst = -Double.infinity
    for stragglerSet in sets {
      let missing = Set(stragglerSet).union(failed)
      let survivors = (0..<n).filter { !missing.contains($0) }
      guard survivors.count >= scheme.minimumSurvivors else {
        throw .coding(
          .tooFewSurvivors(scheme: scheme.name, survivors: survivors.count, minimum: scheme.minimumSurvivors))
      }
      var received = results.selectingRows(survivors.map { rowOfWorker[$0] ?? 0 })
      _corrupt(
        &received, noise: 0, adversaries: setup.adversaries, magnitude: setup.adversaryMagnitude,
        using: &generator)
      let decodeStart = clock.now
      let estimates: Matrix
      do {
        let decoded = try scheme.decodeReportingLambda(received, survivors: survivors)
        estimates = decoded.estimates
        lambdaSum += decoded.lambda ?? .nan
      } catch { throw .coding(error) }
      decodeSeconds += (clock.now - decodeStart).inSeconds
      decodes += 1
      survivorSum += Double(survivors.count)
      let error = meanSquaredError(estimates, truth)
      if error > worst {
        worst = error
        lastDecoded = estimates
      }
    }
    trialMSE.append(worst)
  }
  return ExperimentResult(
    trialMSE: trialMSE,
    decoderLambda: lambdaSum / Double(decodes),  // NaN for schemes without a λ
    encoderLambda: encoderLambda,
    meanSurvivors: survivorSum / Double(decodes), failedWorkers: failed,
    encodeSeconds: encodeSeconds, computeSeconds: computeSeconds,
    decodeSeconds: decodeSeconds / Double(decodes), inputDimension: setup.inputs.columns,
    outputDimension: m, lastDecoded: lastDecoded)
}

/// MSE = (1/(K·m)) Σ ‖f̂ₖ − fₖ‖² between two K × m matrices.
public func meanSquaredError(_ estimate: Matrix, _ truth: Matrix) -> Double {
  precondition(
    estimate.rows == truth.rows && estimate.columns == truth.columns, "MSE of matrices of different shapes")
  var sum = 0.0
  for i in estimate.storage.indices {
    let e = estimate.storage[i] - truth.storage[i]
    sum += e * e
  }
  return sum / Double(max(1, truth.storage.count))
}

/// K inputs of dimension d drawn uniformly from [low, high], seeded.
public func uniformInputs(count: Int, dimension: Int, range: ClosedRange<Double>, seed: UInt64) -> Matrix {
  var generator = SplitMix64(seed: seed ^ 0x5EED_1A9C_0DED_0001)
  var x = Matrix(rows: count, columns: dimension)
  for i in x.storage.indices { x.storage[i] = Double.random(in: range, using: &generator) }
  return x
}

/// Adds N(0, σ²) noise and replaces `adversaries` random rows by uniform values in ±magnitude.
func _corrupt(
  _ received: inout Matrix, noise: Double, adversaries: Int, magnitude: Double,
  using generator: inout SplitMix64
) {
  if noise > 0 {
    for i in received.storage.indices { received.storage[i] += noise * standardNormal(using: &generator) }
  }
  if adversaries > 0 {
    for row in _randomSubset(of: received.rows, size: adversaries, using: &generator) {
      for j in 0..<received.columns {
        received[row, j] = Double.random(in: -magnitude...magnitude, using: &generator)
      }
    }
  }
}

/// Trials of the `arrival` model: real rounds on an ``InProcessWorkerPool`` with injected
/// latencies, decoding from the first N − S results that actually arrived.
func _runArrivalTrials(
  _ setup: ExperimentSetup, scheme: any CodingScheme, coded: Matrix, truth: Matrix,
  latency: LatencyModel, encodeSeconds: Double, generator: inout SplitMix64
) async throws(ExperimentError) -> ExperimentResult {
  let n = setup.workers
  let clock = ContinuousClock()
  var trialMSE: [Double] = []
  var lastDecoded: Matrix? = nil
  var lambdaSum = 0.0
  var survivorSum = 0.0
  var computeSeconds = 0.0
  var decodeSeconds = 0.0
  var failed = Set<Int>()
  for _ in 0..<setup.trials {
    let pool = InProcessWorkerPool(latencies: latency.sample(count: n, using: &generator))
    let start = clock.now
    let outcome: PoolOutcome
    do {
      outcome = try await pool.run(
        inputs: coded, workload: setup.workload, quorum: n - setup.stragglers, deadline: nil)
    } catch { throw .pool(error) }
    computeSeconds += (clock.now - start).inSeconds
    failed.formUnion(outcome.failures.keys)
    var received = outcome.outputs
    guard received.columns == truth.columns else {
      throw .workload("workers returned \(received.columns) values per input but f(x) has \(truth.columns)")
    }
    _corrupt(
      &received, noise: setup.noise, adversaries: setup.adversaries,
      magnitude: setup.adversaryMagnitude, using: &generator)
    let decodeStart = clock.now
    let estimates: Matrix
    do {
      let decoded = try scheme.decodeReportingLambda(received, survivors: outcome.survivors)
      estimates = decoded.estimates
      lambdaSum += decoded.lambda ?? .nan
    } catch { throw .coding(error) }
    decodeSeconds += (clock.now - decodeStart).inSeconds
    survivorSum += Double(outcome.survivors.count)
    trialMSE.append(meanSquaredError(estimates, truth))
    lastDecoded = estimates
  }
  let trials = Double(setup.trials)
  return ExperimentResult(
    trialMSE: trialMSE, decoderLambda: lambdaSum / trials,
    meanSurvivors: survivorSum / trials, failedWorkers: failed.sorted(), encodeSeconds: encodeSeconds,
    computeSeconds: computeSeconds / trials, decodeSeconds: decodeSeconds / trials,
    inputDimension: setup.inputs.columns, outputDimension: truth.columns, lastDecoded: lastDecoded)
}
