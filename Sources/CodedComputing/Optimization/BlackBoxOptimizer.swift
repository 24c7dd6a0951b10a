/// A first-order update rule fed with estimated gradients: plain gradient descent or Adam
/// (Kingma & Ba 2015; β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸).
///
/// ```swift
/// var optimizer = BlackBoxOptimizer(method: .adam, learningRate: 0.05)
/// optimizer.update(&x, gradient: estimate.gradient)
/// ```
public struct BlackBoxOptimizer: Sendable {
  public enum Method: String, CaseIterable, Sendable {
    case gradientDescent = "gd"
    case adam
  }

  public let method: Method
  public let learningRate: Double
  /// Optional box the iterate is projected onto after every step (e.g. pixels in [0, 1]).
  public let bounds: ClosedRange<Double>?
  /// Adam's moments (the same arithmetic as network training), made on the first step.
  var _adam: _AdamState?

  public init(method: Method, learningRate: Double, bounds: ClosedRange<Double>? = nil) {
    self.method = method
    self.learningRate = learningRate
    self.bounds = bounds
  }

  /// One step: x ← x − η·g (gd) or the Adam step, then the projection onto `bounds`.
  /// - Complexity: O(d).
  public mutating func update(_ x: inout [Double], gradient g: [Double]) {
    precondition(g.count == x.count, "\(g.count) gradient entries for \(x.count) coordinates")
    switch method {
    case .gradientDescent:
      for i in x.indices { x[i] -= learningRate * g[i] }
    case .adam:
      if _adam?.firstMoment.count != x.count { _adam = _AdamState(parameterCount: x.count) }
      _adam?.update(&x, gradient: g, learningRate: learningRate)
    }
    if let bounds {
      for i in x.indices { x[i] = Swift.min(Swift.max(x[i], bounds.lowerBound), bounds.upperBound) }
    }
  }
}

/// One iteration of ``minimizeBlackBox(_:from:estimator:optimizer:iterations:setting:pool:using:)``.
public struct OptimizationStep: Sendable, Equatable {
  /// 1-based.
  public var iteration: Int
  /// Evaluations of f by the workers so far.
  public var evaluations: Int
  /// Wall seconds of the gradient rounds and updates so far (the master's scoring of f is not
  /// counted).
  public var seconds: Double
  /// f at the iterate after this update.
  public var value: Double
  /// Whether this iteration's gradient decoded exactly.
  public var isDecoded: Bool
}

/// Minimises a black-box f with coded gradient estimates: each iteration one round of the
/// estimator under the straggler setting, then one optimizer update.
///
/// - Parameters:
///   - function: f: ℝᵈ → ℝ.
///   - start: x₀.
///   - estimator: the coded gradient estimator (its d must be x₀'s).
///   - optimizer: the update rule (state starts fresh).
///   - iterations: ≥ 1.
///   - setting: latencies and absent workers, drawn afresh each round from `generator`.
///   - pool: the workers.
///   - generator: the straggler draws of every round.
/// - Returns: one ``OptimizationStep`` per iteration.
/// - Throws: ``GradientEstimationError`` from a round; ``WorkloadError`` if f cannot be scored.
/// - Complexity: per iteration one round (≤ 2·N·B evaluations of f) and one evaluation of f.
public func minimizeBlackBox(
  _ function: any Workload, from start: [Double], estimator: CodedGradientEstimator,
  optimizer: BlackBoxOptimizer, iterations: Int, setting: StragglerSetting,
  pool: some WorkerPool, using generator: inout some RandomNumberGenerator
) async throws -> [OptimizationStep] {
  precondition(iterations >= 1, "at least one iteration")
  var x = start
  var rule = optimizer
  var history: [OptimizationStep] = []
  var evaluations = 0
  var seconds = 0.0
  let clock = ContinuousClock()
  for iteration in 1...iterations {
    let begin = clock.now
    let estimate = try await estimator.estimate(
      function, at: x, pool: pool, setting: setting, using: &generator)
    rule.update(&x, gradient: estimate.gradient)
    seconds += (clock.now - begin).inSeconds
    evaluations += estimate.evaluations
    let value = try function.evaluate(x)[0]
    history.append(
      OptimizationStep(
        iteration: iteration, evaluations: evaluations, seconds: seconds, value: value,
        isDecoded: estimate.isDecoded))
  }
  return history
}
