import Foundation

/// A model of per-worker run times (seconds), for latency-driven stragglers and for emulating
/// slow workers in a real pool.
///
/// Each round draws one run time per worker, independently (except ``fixedSlowSet(slowWorkers:fast:slow:)``,
/// which is deterministic). The `latency` straggler model (Guides/Conventions.md) takes the S workers
/// with the largest draws as the stragglers (``slowest(_:of:)``). The shifted exponential is the
/// usual model of coded-computing papers (Lee et al. 2018); the Pareto gives heavy tails.
///
/// Grammar of the CLI form, parsed by ``init(parsing:)`` and printed by ``description``
/// (numbers are Swift/JSON-style decimals such as `2`, `0.5`, `1e-3`; spaces around tokens are
/// ignored; worker indices are 0-based):
///
///     model    := "constant:" T
///               | "exponential:" RATE                 RATE > 0,  mean 1/RATE
///               | "shifted-exponential:" SHIFT "," RATE   SHIFT ≥ 0, RATE > 0, mean SHIFT + 1/RATE
///               | "pareto:" SCALE "," SHAPE           SCALE > 0, SHAPE > 0, values ≥ SCALE
///               | "slow-set:" [INDEX {"," INDEX}] "@" FAST "," SLOW
///                                                     FAST, SLOW ≥ 0; the listed workers take
///                                                     SLOW seconds, all others FAST
///
/// ```swift
/// let model = try LatencyModel(parsing: "shifted-exponential:0.5,2")
/// var generator = SplitMix64(seed: 1)
/// let times = model.sample(count: 10, using: &generator)
/// let stragglers = LatencyModel.slowest(3, of: times)   // ascending worker indices
/// ```
public enum LatencyModel: Sendable, Hashable, CustomStringConvertible {
  /// Every worker takes `seconds`.
  case constant(Double)
  /// Exp(rate): density rate·e^(−rate·t), mean 1/rate.
  case exponential(rate: Double)
  /// shift + Exp(rate): a fixed start-up time plus an exponential tail.
  case shiftedExponential(shift: Double, rate: Double)
  /// Pareto(scale, shape): P(T > t) = (scale/t)^shape for t ≥ scale; mean shape·scale/(shape − 1)
  /// when shape > 1, infinite variance when shape ≤ 2.
  case pareto(scale: Double, shape: Double)
  /// Deterministic: the workers in `slowWorkers` take `slow` seconds, the others `fast`.
  case fixedSlowSet(slowWorkers: Set<Int>, fast: Double, slow: Double)

  /// The model names of the CLI grammar.
  public static let names = [
    "constant", "exponential", "shifted-exponential", "pareto", "slow-set",
  ]

  /// The expected run time of one worker, or nil when it is infinite (Pareto with shape ≤ 1) or
  /// depends on the worker (``fixedSlowSet(slowWorkers:fast:slow:)`` with both kinds present).
  public var mean: Double? {
    switch self {
    case .constant(let seconds): return seconds
    case .exponential(let rate): return 1 / rate
    case .shiftedExponential(let shift, let rate): return shift + 1 / rate
    case .pareto(let scale, let shape): return shape > 1 ? shape * scale / (shape - 1) : nil
    case .fixedSlowSet(let slowWorkers, let fast, let slow):
      return slowWorkers.isEmpty || fast == slow ? fast : nil
    }
  }

  /// Checks the parameters (the cases can be built directly, bypassing the parser).
  ///
  /// - Throws: ``LatencyModelError/outOfRange(model:parameter:value:requirement:)`` naming the
  ///   first bad parameter.
  public func validate() throws(LatencyModelError) {
    func require(_ ok: Bool, _ parameter: String, _ value: Double, _ requirement: String)
      throws(LatencyModelError)
    {
      guard ok else {
        throw .outOfRange(
          model: name, parameter: parameter, value: value, requirement: requirement)
      }
    }
    switch self {
    case .constant(let seconds):
      try require(seconds >= 0 && seconds.isFinite, "time", seconds, "a finite number ≥ 0")
    case .exponential(let rate):
      try require(rate > 0 && rate.isFinite, "rate", rate, "a finite number > 0")
    case .shiftedExponential(let shift, let rate):
      try require(shift >= 0 && shift.isFinite, "shift", shift, "a finite number ≥ 0")
      try require(rate > 0 && rate.isFinite, "rate", rate, "a finite number > 0")
    case .pareto(let scale, let shape):
      try require(scale > 0 && scale.isFinite, "scale", scale, "a finite number > 0")
      try require(shape > 0 && shape.isFinite, "shape", shape, "a finite number > 0")
    case .fixedSlowSet(let slowWorkers, let fast, let slow):
      if let bad = slowWorkers.filter({ $0 < 0 }).min() {
        throw .invalidWorkerIndex(model: name, token: String(bad))
      }
      try require(fast >= 0 && fast.isFinite, "fast", fast, "a finite number ≥ 0")
      try require(slow >= 0 && slow.isFinite, "slow", slow, "a finite number ≥ 0")
    }
  }

  /// Checks the parameters and that every worker named by the model exists among `workerCount`.
  ///
  /// Call this before ``sample(count:using:)`` when the model comes from the user: a
  /// `slow-set` parsed before N is known may name a worker ≥ N.
  /// - Throws: ``LatencyModelError`` naming the bad parameter or worker.
  public func validate(workerCount: Int) throws(LatencyModelError) {
    try validate()
    if case .fixedSlowSet(let slowWorkers, _, _) = self,
      let bad = slowWorkers.filter({ $0 >= workerCount }).min()
    {
      throw .slowWorkerOutOfRange(worker: bad, workers: workerCount)
    }
  }

  /// One run time per worker, in seconds.
  ///
  /// Draws are independent across workers and consume the generator in worker order:
  /// one ``uniformUnit(using:)`` per worker for the exponential, shifted exponential and Pareto
  /// (inversion: −ln(1 − U)/rate and scale·(1 − U)^(−1/shape)); none for the deterministic
  /// models. Pareto draws can be very large (up to scale·2^(53/shape)) but are never NaN.
  ///
  /// - Parameters:
  ///   - count: N, the number of workers.
  ///   - generator: the source of randomness (a seeded ``SplitMix64`` in experiments).
  /// - Returns: N non-negative run times; entry n belongs to worker n.
  /// - Precondition: the parameters are valid (``validate(workerCount:)`` does not throw).
  /// - Complexity: O(N).
  public func sample(count: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
    precondition(count >= 0, "the number of workers must be non-negative")
    do { try validate(workerCount: count) } catch { preconditionFailure("\(error)") }
    switch self {
    case .constant(let seconds):
      return [Double](repeating: seconds, count: count)
    case .exponential(let rate):
      return (0..<count).map { _ in exponentialSample(rate: rate, using: &generator) }
    case .shiftedExponential(let shift, let rate):
      return (0..<count).map { _ in shift + exponentialSample(rate: rate, using: &generator) }
    case .pareto(let scale, let shape):
      return (0..<count).map { _ in
        scale * Foundation.pow(1 - uniformUnit(using: &generator), -1 / shape)
      }
    case .fixedSlowSet(let slowWorkers, let fast, let slow):
      return (0..<count).map { slowWorkers.contains($0) ? slow : fast }
    }
  }

  /// The `count` slowest workers for the given run times, as ascending worker indices.
  ///
  /// This is the latency-driven straggler model: the master keeps the N − S fastest. Ties are
  /// broken deterministically as if results arrived in worker order: the workers are sorted
  /// stably by run time, fastest first, and the last `count` are the stragglers — so among equal
  /// times the *higher* indices straggle. For example
  /// `slowest(2, of: [1, 5, 1, 5, 1])` is `[1, 3]` and `slowest(1, of: [1, 1, 1])` is `[2]`.
  ///
  /// - Parameters:
  ///   - count: S, 0 ≤ S ≤ times.count.
  ///   - times: one run time per worker; not NaN.
  /// - Returns: the S straggling workers, ascending.
  /// - Complexity: O(N log N).
  public static func slowest(_ count: Int, of times: [Double]) -> [Int] {
    precondition(
      count >= 0 && count <= times.count,
      "the number of slowest workers (\(count)) must be between 0 and \(times.count)")
    precondition(!times.contains(where: \.isNaN), "run times must not be NaN")
    let order = times.indices.sorted { a, b in
      times[a] != times[b] ? times[a] < times[b] : a < b
    }
    return order.suffix(count).sorted()
  }

  /// The model's name in the CLI grammar.
  public var name: String {
    switch self {
    case .constant: return "constant"
    case .exponential: return "exponential"
    case .shiftedExponential: return "shifted-exponential"
    case .pareto: return "pareto"
    case .fixedSlowSet: return "slow-set"
    }
  }

  /// The CLI form, which ``init(parsing:)`` reads back to an equal model.
  public var description: String {
    switch self {
    case .constant(let seconds): return "constant:\(seconds)"
    case .exponential(let rate): return "exponential:\(rate)"
    case .shiftedExponential(let shift, let rate): return "shifted-exponential:\(shift),\(rate)"
    case .pareto(let scale, let shape): return "pareto:\(scale),\(shape)"
    case .fixedSlowSet(let slowWorkers, let fast, let slow):
      let list = slowWorkers.sorted().map(String.init).joined(separator: ",")
      return "slow-set:\(list)@\(fast),\(slow)"
    }
  }
}
