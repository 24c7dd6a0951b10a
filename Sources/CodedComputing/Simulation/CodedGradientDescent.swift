import Foundation

/// Full-batch gradient descent whose every iteration runs two coded products through a pool:
/// z = A·w, then the master's residual (least squares: z − y) or sigmoid residual (logistic:
/// σ(z) − y), then g = Aᵀ·r/n (Lee et al. 2018, Section IV; Pilanci & Bartan 2019).
///
/// A is coded by row blocks for the first product and Aᵀ by row blocks for the second
/// (``CodedMatrix``), with the same scheme family; each round draws fresh worker latencies from
/// the law (scaled by `timeUnit` seconds) and injects them into the pool, which stops at the
/// scheme's stopping rule. The step is 1/L with L = λ_max(AᵀA)/n (least squares) or λ_max(AᵀA)/(4n)
/// (logistic), estimated once by power iteration.
public enum DescentProblem: String, CaseIterable, Sendable {
  /// f(w) = ‖A·w − y‖²/(2n).
  case leastSquares = "least-squares"
  /// f(w) = (1/n) Σ log(1 + e^{zᵢ}) − yᵢ·zᵢ, z = A·w, y ∈ {0, 1}.
  case logistic

  /// The master's step between the two products: r = z − y or σ(z) − y.
  public func residual(_ z: [Double], labels y: [Double]) -> [Double] {
    switch self {
    case .leastSquares: return zip(z, y).map { $0 - $1 }
    case .logistic: return zip(z, y).map { 1 / (1 + Foundation.exp(-$0)) - $1 }
    }
  }

  /// A synthetic problem: A (n × p) with N(0, 1) entries and column j scaled by 1 + 3j/(p − 1)
  /// (condition number of AᵀA about 16); w* ~ N(0, 1/p); least squares y = A·w* + 0.1·N(0, 1),
  /// logistic yᵢ ~ Bernoulli(σ((A·w*)ᵢ)).
  public func syntheticData(rows n: Int, features p: Int, seed: UInt64) -> (
    a: Matrix, labels: [Double]
  ) {
    var generator = SplitMix64(seed: seed)
    var a = Matrix(rows: n, columns: p)
    for j in 0..<p {
      let scale = p > 1 ? 1 + 3 * Double(j) / Double(p - 1) : 1
      for i in 0..<n { a[i, j] = scale * standardNormal(using: &generator) }
    }
    let truth = (0..<p).map { _ in standardNormal(using: &generator) / Double(p).squareRoot() }
    var labels = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var z = 0.0
      for j in 0..<p { z += a[i, j] * truth[j] }
      switch self {
      case .leastSquares: labels[i] = z + 0.1 * standardNormal(using: &generator)
      case .logistic:
        labels[i] = uniformUnit(using: &generator) < 1 / (1 + Foundation.exp(-z)) ? 1 : 0
      }
    }
    return (a, labels)
  }

  /// The step 1/L.
  func _step(_ a: Matrix) -> Double {
    var v = [Double](repeating: 1 / Double(a.columns).squareRoot(), count: a.columns)
    var eigenvalue = 0.0
    for _ in 0..<100 {
      let av = (0..<a.rows).map { i in (0..<a.columns).reduce(0.0) { $0 + a[i, $1] * v[$1] } }
      let w = (0..<a.columns).map { j in (0..<a.rows).reduce(0.0) { $0 + a[$1, j] * av[$1] } }
      eigenvalue = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
      v = w.map { $0 / eigenvalue }
    }
    let lipschitz = eigenvalue / Double(a.rows) / (self == .logistic ? 4 : 1)
    return 1 / lipschitz
  }
}

/// One iteration of ``runCodedDescent(problem:a:labels:scheme:dataBlocks:workers:construction:latency:timeUnit:iterations:tolerance:pool:using:)``.
public struct DescentIterate: Sendable, Equatable {
  /// 1-based.
  public var iteration: Int
  /// Wall seconds since the start, after this iteration's update.
  public var seconds: Double
  /// Model seconds since the start: Σ over the rounds so far of `timeUnit` × the scheme's job
  /// time on the drawn latencies (``LinearScheme/jobTime(times:dataBlocks:polar:)``) — the wall
  /// time without the pool's and the master's overheads and free of the machine's load.
  public var modelSeconds: Double
  /// ‖∇f(w)‖/‖∇f(w₀)‖ at the gradient this iteration computed (before its update).
  public var relativeGradient: Double
  /// The iterate after the update.
  public var weights: [Double]
}

/// Runs coded gradient descent from w = 0 until the relative gradient norm falls to `tolerance`
/// or `iterations` have run.
///
/// - Parameters:
///   - problem: least squares or logistic regression.
///   - a: n × p, labels: n values.
///   - scheme: the family (``LinearScheme``).
///   - dataBlocks: K, workers: N (uncoded hires K).
///   - construction: the polar construction (ignored by the others).
///   - latency: the law of one task's run time; nil injects no delays.
///   - timeUnit: seconds per unit of the law.
///   - iterations: the cap, ≥ 1.
///   - tolerance: the target relative gradient norm, in (0, 1).
///   - pool: the workers.
///   - generator: the latency draws.
/// - Returns: one ``DescentIterate`` per iteration run.
/// - Throws: ``CodingError`` for sizes; ``PoolError`` when a round cannot meet its rule.
/// - Complexity: per iteration two rounds (N block products of (n/K)·p and (p/K)·n) and two
///   decodes.
public func runCodedDescent(
  problem: DescentProblem, a: Matrix, labels: [Double], scheme: LinearScheme, dataBlocks: Int,
  workers: Int, construction: PolarConstruction, latency: LatencyModel?, timeUnit: Double,
  iterations: Int, tolerance: Double, pool: some WorkerPool,
  using generator: inout some RandomNumberGenerator
) async throws -> [DescentIterate] {
  precondition(labels.count == a.rows, "\(labels.count) labels for \(a.rows) rows")
  precondition(iterations >= 1 && tolerance > 0 && timeUnit >= 0)
  let hired = scheme.workers(coded: workers, dataBlocks: dataBlocks)
  let (code, rule) = try scheme.makeCode(
    dataBlocks: dataBlocks, workers: workers, construction: construction, latency: latency)
  var forward = try CodedMatrix(a, scheme: code)
  var backward = try CodedMatrix(a.transposed, scheme: code)
  forward.stoppingRule = rule
  backward.stoppingRule = rule
  let step = problem._step(a)
  var modelSeconds = 0.0
  func delays(_ generator: inout some RandomNumberGenerator) -> [Duration]? {
    guard let law = latency else { return nil }
    let times = law.sample(count: hired, using: &generator)
    modelSeconds +=
      timeUnit
      * scheme.jobTime(
        times: times, dataBlocks: dataBlocks, polar: code as? PolarCode)
    return times.map { .seconds(Swift.min($0 * timeUnit, 1e6)) }
  }
  var w = [Double](repeating: 0, count: a.columns)
  var history: [DescentIterate] = []
  var initialNorm = 0.0
  let clock = ContinuousClock()
  let start = clock.now
  for iteration in 1...iterations {
    let z = try await forward.multiply(
      Matrix(column: w), pool: pool, injectedDelays: delays(&generator)
    ).product.storage
    let r = problem.residual(z, labels: labels)
    let g = try await backward.multiply(
      Matrix(column: r), pool: pool, injectedDelays: delays(&generator)
    ).product.storage.map { $0 / Double(a.rows) }
    let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
    if iteration == 1 { initialNorm = norm }
    for j in w.indices { w[j] -= step * g[j] }
    let relative = initialNorm > 0 ? norm / initialNorm : 0
    history.append(
      DescentIterate(
        iteration: iteration, seconds: (clock.now - start).inSeconds, modelSeconds: modelSeconds,
        relativeGradient: relative, weights: w))
    if relative <= tolerance { break }
  }
  return history
}
