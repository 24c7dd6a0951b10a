import Foundation

extension LatencyModel {
  /// Worker n's run-time law on its own (a `slow-set` becomes the constant of its kind).
  public func law(ofWorker n: Int) -> LatencyModel {
    if case .fixedSlowSet(let slowWorkers, let fast, let slow) = self {
      return .constant(slowWorkers.contains(n) ? slow : fast)
    }
    return self
  }

  /// Whether every worker's run time is a fixed number (`constant`, `slow-set`).
  public var isDeterministic: Bool {
    switch self {
    case .constant, .fixedSlowSet: return true
    case .exponential, .shiftedExponential, .pareto: return false
    }
  }

  /// P(T ≤ t) for worker n: the closed-form CDF of the law (a step for the deterministic laws).
  ///
  /// exponential 1 − e^(−rate·t); shifted exponential 1 − e^(−rate·(t − shift)) for t ≥ shift;
  /// Pareto 1 − (scale/t)^shape for t ≥ scale; constant c: 1 for t ≥ c.
  /// - Complexity: O(1).
  public func cumulativeProbability(_ t: Double, worker n: Int = 0) -> Double {
    switch law(ofWorker: n) {
    case .constant(let c): return t >= c ? 1 : 0
    case .exponential(let rate): return t <= 0 ? 0 : -Foundation.expm1(-rate * t)
    case .shiftedExponential(let shift, let rate):
      return t <= shift ? 0 : -Foundation.expm1(-rate * (t - shift))
    case .pareto(let scale, let shape):
      return t <= scale ? 0 : 1 - Foundation.pow(scale / t, shape)
    case .fixedSlowSet: preconditionFailure("law(ofWorker:) never returns a slow set")
    }
  }

  /// The earliest possible run time (the start of the support) and a typical spread, per
  /// continuous law: exponential (0, 1/rate), shifted exponential (shift, 1/rate), Pareto
  /// (scale, scale); deterministic laws (c, 0).
  var _supportStartAndScale: (start: Double, scale: Double) {
    switch self {
    case .constant(let c): return (c, 0)
    case .exponential(let rate): return (0, 1 / rate)
    case .shiftedExponential(let shift, let rate): return (shift, 1 / rate)
    case .pareto(let scale, _): return (scale, scale)
    case .fixedSlowSet(_, let fast, let slow): return (Swift.min(fast, slow), 0)
    }
  }
}
