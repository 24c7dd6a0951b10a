/// The outcome of one black-box attack on one image.
public struct AttackResult: Sendable {
  /// Whether some iterate was misclassified.
  public var success: Bool
  /// The successful iterate with the smallest ‖x − x₀‖ (or the last iterate on failure).
  public var adversarial: [Double]
  /// ‖adversarial − x₀‖₂.
  public var distance: Double
  /// Model queries until the first success (all queries on failure).
  public var queriesToSuccess: Int
  /// Model queries spent in all (worker evaluations plus one master check per iteration).
  public var queries: Int
  /// Gradient rounds run.
  public var iterations: Int
  /// Wall seconds of the attack.
  public var seconds: Double
  /// The class the model gives the adversarial image.
  public var predicted: Int
}

/// The parameters of ``attackBlackBox(classifier:image:label:estimator:parameters:setting:pool:using:)``.
public struct AttackParameters: Sendable {
  /// Model queries the attack may spend (it stops once this is reached).
  public var budget: Int
  /// Adam's learning rate.
  public var learningRate: Double
  /// c of the objective.
  public var constant: Double
  /// κ of the objective.
  public var confidence: Double
  /// The data's range: every pixel stays inside.
  public var bounds: ClosedRange<Double>

  public init(
    budget: Int, learningRate: Double = 0.05, constant: Double = 2, confidence: Double = 0.1,
    bounds: ClosedRange<Double> = 0...1
  ) {
    self.budget = budget
    self.learningRate = learningRate
    self.constant = constant
    self.confidence = confidence
    self.bounds = bounds
  }
}

/// A black-box (zeroth-order) adversarial example: Adam on the Carlini–Wagner objective
/// (``AttackObjective``) with gradients from a coded estimator, pixels projected onto the data's
/// range, until the query budget is spent. Keeps the closest misclassified iterate.
///
/// - Parameters:
///   - classifier: the model (only its outputs are used).
///   - image: x₀, correctly classified.
///   - label: its class.
///   - estimator: the coded gradient estimator over d = x₀'s size.
///   - parameters: budget, learning rate, c, κ, range.
///   - setting: the stragglers of every round.
///   - pool: the workers.
///   - generator: the straggler draws of every round.
/// - Returns: the result (success, distance, queries, time).
/// - Throws: ``GradientEstimationError`` from a round; what the model throws on the master's
///   check.
/// - Complexity: ⌈budget / (queries per round + 1)⌉ rounds.
public func attackBlackBox(
  classifier: any Workload, image: [Double], label: Int, estimator: CodedGradientEstimator,
  parameters: AttackParameters, setting: StragglerSetting, pool: some WorkerPool,
  using generator: inout some RandomNumberGenerator
) async throws -> AttackResult {
  let objective = AttackObjective(
    classifier: classifier, original: image, label: label, constant: parameters.constant,
    confidence: parameters.confidence)
  var optimizer = BlackBoxOptimizer(
    method: .adam, learningRate: parameters.learningRate, bounds: parameters.bounds)
  var x = image
  var queries = 0
  var iterations = 0
  var best: (x: [Double], distance: Double, predicted: Int)?
  var firstSuccess: Int?
  var lastPredicted = label
  let clock = ContinuousClock()
  let start = clock.now
  while queries < parameters.budget {
    let estimate = try await estimator.estimate(
      objective, at: x, pool: pool, setting: setting, using: &generator)
    optimizer.update(&x, gradient: estimate.gradient)
    queries += estimate.evaluations + 1
    iterations += 1
    let logits = try classifier.evaluate(x)
    lastPredicted = logits.indices.max { logits[$0] < logits[$1] } ?? label
    if objective.margin(logits) < 0 {
      var squared = 0.0
      for i in x.indices { squared += (x[i] - image[i]) * (x[i] - image[i]) }
      let distance = squared.squareRoot()
      if firstSuccess == nil { firstSuccess = queries }
      if best.map({ distance < $0.distance }) ?? true { best = (x, distance, lastPredicted) }
    }
  }
  let seconds = (clock.now - start).inSeconds
  if let best {
    return AttackResult(
      success: true, adversarial: best.x, distance: best.distance,
      queriesToSuccess: firstSuccess ?? queries, queries: queries, iterations: iterations,
      seconds: seconds, predicted: best.predicted)
  }
  var squared = 0.0
  for i in x.indices { squared += (x[i] - image[i]) * (x[i] - image[i]) }
  return AttackResult(
    success: false, adversarial: x, distance: squared.squareRoot(), queriesToSuccess: queries,
    queries: queries, iterations: iterations, seconds: seconds, predicted: lastPredicted)
}
