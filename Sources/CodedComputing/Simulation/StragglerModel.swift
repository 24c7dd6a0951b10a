/// Which workers fail to answer in one round of a simulated coded computation.
///
/// - `none`: every worker answers (S is then only the design parameter of the code).
/// - `random`: a uniformly random set of S workers straggles, fresh each trial.
/// - `worstWindow`: every window of S consecutive workers in β order (workers i…i+S−1 for
///   i = 0…N−S) straggles in turn; the reported error is the maximum over windows — the
///   adversarial figure. Deterministic.
/// - `probabilistic(p)`: each worker straggles independently with probability p
///   (Moradi & Maddah-Ali 2025); S is ignored. Experiments condition on a decodable round: a draw
///   leaving fewer survivors than the scheme needs is redrawn.
/// - `latency(model)`: run times are drawn from `model`; the slowest S straggle.
/// - `fixed(set)`: exactly these workers straggle (for cross-checks against other
///   implementations).
/// - `arrival(model)`: real execution: each trial the workers sleep for run times drawn from
///   `model` on an ``InProcessWorkerPool``, which returns at the first N − S results and cancels
///   the rest; the survivors are whoever actually arrived first.
public enum StragglerModel: Sendable, Equatable, CustomStringConvertible {
  case none
  case random
  case worstWindow
  case probabilistic(Double)
  case latency(LatencyModel)
  case fixed([Int])
  case arrival(LatencyModel)

  public var description: String {
    switch self {
    case .none: return "none"
    case .random: return "random"
    case .worstWindow: return "worst-window"
    case .probabilistic: return "probabilistic"
    case .latency: return "latency"
    case .fixed: return "fixed"
    case .arrival: return "arrival"
    }
  }

  /// The straggler sets of one trial: one set for every model except `worstWindow`, which
  /// returns all N − S + 1 windows. Each set is ascending.
  public func stragglerSets(
    workers n: Int, stragglers s: Int, using generator: inout some RandomNumberGenerator
  ) -> [[Int]] {
    switch self {
    case .none:
      return [[]]
    case .random:
      return [_randomSubset(of: n, size: s, using: &generator)]
    case .worstWindow:
      guard s > 0 else { return [[]] }
      return (0...(n - s)).map { Array($0..<($0 + s)) }
    case .probabilistic(let p):
      return [(0..<n).filter { _ in Double.random(in: 0..<1, using: &generator) < p }]
    case .latency(let model):
      let times = model.sample(count: n, using: &generator)
      return [LatencyModel.slowest(s, of: times)]
    case .fixed(let set):
      return [set.sorted()]
    case .arrival:
      preconditionFailure("arrival stragglers are decided by a worker pool, not sampled")
    }
  }
}

/// A uniformly random `size`-subset of 0..<n, ascending (partial Fisher–Yates).
func _randomSubset(of n: Int, size: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
  var pool = Array(0..<n)
  for i in 0..<size {
    let j = Int.random(in: i..<n, using: &generator)
    pool.swapAt(i, j)
  }
  return pool[0..<size].sorted()
}
