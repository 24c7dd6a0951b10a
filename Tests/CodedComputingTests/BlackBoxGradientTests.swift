import CodedComputing
import Foundation
import Testing

/// The coded gradient estimator (Bartan & Pilanci 2019): exact on quadratics whenever the code
/// decodes, Gaussian least squares converging as answers grow, and the bad inputs.
@Suite("BlackBox: coded gradient estimator")
struct BlackBoxGradientTests {
  static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
  static func relativeError(_ estimate: [Double], _ truth: [Double]) -> Double {
    norm(zip(estimate, truth).map { $0 - $1 }) / norm(truth)
  }

  /// Every worker's central difference, computed directly (no pool).
  static func allValues(_ estimator: CodedGradientEstimator, _ f: any Workload, _ x: [Double])
    throws -> [Double]
  {
    let task = CentralDifference(function: f, point: x, step: estimator.step)
    return try (0..<estimator.workerCount).map { try task.evaluate(estimator.direction(ofWorker: $0))[0] }
  }

  @Test(
    "quadratic: the decoded gradient equals Qx + b to 1e-8 relative for every decodable survivor pattern",
    arguments: [
      (DirectionCode.polar, 16, 10), (.polar, 12, 6), (.mds, 12, 8), (.uncoded, 8, 8),
      (.replication, 12, 4),
    ])
  func exactOnQuadratic(code: DirectionCode, workers: Int, blockSize: Int) throws {
    let d = 37  // not a multiple of K: the last block is padded
    let f = try TestFunction(name: "quadratic", dimension: d, seed: 11)
    var random = SplitMix64(seed: 5)
    let x = (0..<d).map { _ in 2 * uniformUnit(using: &random) - 1 }
    let truth = f.gradient(at: x)
    let estimator = try CodedGradientEstimator(
      code: code, dimension: d, workers: workers, blockSize: blockSize, step: 0.5)
    #expect(estimator.blockCount == (d + blockSize - 1) / blockSize)
    let values = try Self.allValues(estimator, f, x)
    var decodable = 0
    var undecodable = 0
    for trial in 0..<300 {
      // Each worker is lost with probability p, p sweeping 0 … 0.5 over the trials.
      let p = 0.5 * Double(trial % 11) / 10
      let kept = values.map { uniformUnit(using: &random) >= p ? $0 : nil } as [Double?]
      let mask = kept.map { $0 != nil }
      guard estimator.canDecode(from: mask) else {
        undecodable += 1
        #expect(throws: GradientEstimationError.self) { try estimator.decode(kept, requireDecoded: true) }
        continue
      }
      decodable += 1
      let (gradient, exact) = try estimator.decode(kept, requireDecoded: true)
      #expect(exact)
      #expect(Self.relativeError(gradient, truth) <= 1e-8, "\(code) pattern \(mask)")
    }
    #expect(decodable >= 30, "\(decodable) decodable patterns")
    if code != .uncoded { #expect(undecodable >= 1 || code == .replication) }
  }

  @Test("MDS through the in-process pool with S absent workers per block: exact, and 2 evaluations per worker that ran")
  func mdsThroughPool() async throws {
    let d = 30
    let f = try TestFunction(name: "quadratic", dimension: d, seed: 2)
    let x = [Double](repeating: 0.3, count: d)
    let estimator = try CodedGradientEstimator(
      code: .mds, dimension: d, workers: 12, blockSize: 9, step: 0.25, seed: 4)
    var random = SplitMix64(seed: 9)
    for _ in 0..<5 {
      let estimate = try await estimator.estimate(
        f, at: x, pool: InProcessWorkerPool(), setting: StragglerSetting(absentPerBlock: 3),
        requireDecoded: true, using: &random)
      #expect(estimate.isDecoded)
      #expect(Self.relativeError(estimate.gradient, f.gradient(at: x)) <= 1e-8)
      #expect(estimate.evaluations % 2 == 0 && estimate.evaluations <= 2 * 4 * 9)
      // Three full blocks need 9 answers each; the last block's 6 padded systematic directions
      // are known zeros, so it needs 3 more.
      #expect(estimate.answered >= 3 * 9 + 3)
    }
  }

  @Test("polar through the pool with injected exponential latencies stops at a decodable set, exact")
  func polarArrivals() async throws {
    let d = 24
    let f = try TestFunction(name: "quadratic", dimension: d, seed: 3)
    let x = (0..<d).map { Double($0) / Double(d) }
    let estimator = try CodedGradientEstimator(
      code: .polar, dimension: d, workers: 16, blockSize: 8, step: 0.5)
    var random = SplitMix64(seed: 1)
    let setting = StragglerSetting(latency: .exponential(rate: 1), timeUnit: 0.002)
    let estimate = try await estimator.estimate(
      f, at: x, pool: InProcessWorkerPool(), setting: setting, using: &random)
    #expect(estimate.isDecoded)
    #expect(Self.relativeError(estimate.gradient, f.gradient(at: x)) <= 1e-8)
  }

  @Test("Gaussian directions: least-squares error² ≈ 1 − M/K for M < K answers (seeded, 60 draws each), exact for M ≥ K")
  func gaussianConverges() throws {
    let d = 40
    let f = try TestFunction(name: "quadratic", dimension: d, seed: 8)
    let x = [Double](repeating: -0.2, count: d)
    let truth = f.gradient(at: x)
    var random = SplitMix64(seed: 17)
    var previous = Double.infinity
    for m in [5, 10, 20, 30, 39, 40, 60] {
      var squared = 0.0
      let draws = 60
      for draw in 0..<draws {
        let estimator = try CodedGradientEstimator(
          code: .gaussian, dimension: d, workers: 80, blockSize: d, step: 0.5,
          seed: UInt64(1000 * m + draw))
        let values = try Self.allValues(estimator, f, x)
        var order = Array(0..<80)
        for i in 0..<m { order.swapAt(i, i + Int(random.next() % UInt64(80 - i))) }
        let arrived = Set(order.prefix(m))
        let kept = values.indices.map { arrived.contains($0) ? values[$0] : nil } as [Double?]
        let (gradient, exact) = try estimator.decode(kept)
        #expect(exact == (m >= d))
        let e = Self.relativeError(gradient, truth)
        squared += e * e
      }
      let mean = squared / Double(draws)
      if m >= d {
        #expect(mean <= 1e-16, "M = \(m): mean squared error \(mean)")
      } else {
        // E‖(I − P_M)g‖²/‖g‖² = 1 − M/K for a uniformly random M-dimensional subspace; the
        // 60-draw mean has a standard error below 0.04 here.
        #expect(abs(mean - (1 - Double(m) / Double(d))) <= 0.12, "M = \(m): \(mean)")
      }
      #expect(mean < previous)
      previous = mean
    }
  }

  @Test("a deadline stops a Gaussian round with what arrived (the late half never waited for)")
  func deadline() async throws {
    let d = 20
    let f = try TestFunction(name: "quadratic", dimension: d, seed: 5)
    let x = [Double](repeating: 0.1, count: d)
    // K = 20 > N = 10: never decodable; without a deadline the round would wait for all 10.
    let estimator = try CodedGradientEstimator(
      code: .gaussian, dimension: d, workers: 10, blockSize: d, step: 0.5, seed: 2)
    let delays = (0..<10).map { $0 < 5 ? Duration.zero : .seconds(120) }
    let clock = ContinuousClock()
    let start = clock.now
    let estimate = try await estimator.estimate(
      f, at: x, pool: InProcessWorkerPool(), injectedDelays: delays, deadline: .milliseconds(200))
    // Far below the late workers' 120 s even when the full suite loads the two cores.
    #expect(clock.now - start < .seconds(60))
    #expect(estimate.answered == 5)
    #expect(estimate.evaluations == 10)
    #expect(!estimate.isDecoded)
    // The estimate is the projection of ∇f on the span of the 5 directions: smaller, not larger.
    let truth = f.gradient(at: x)
    #expect(Self.norm(estimate.gradient) <= Self.norm(truth) * (1 + 1e-9))
    #expect(Self.relativeError(estimate.gradient, truth) < 1)
  }

  @Test("Matrix.leastSquares: the exact solution of a consistent tall system, the minimum-norm one of a wide system")
  func leastSquares() throws {
    let a = Matrix(rows: [[1, 2], [3, 4], [5, 7]])
    let x = try Matrix.leastSquares(a, Matrix(column: [5, 11, 19]))
    #expect(relativeGap(x.storage, [1, 2]) <= 1e-12)
    // x + y = 2 has minimum-norm solution (1, 1).
    let wide = try Matrix.leastSquares(Matrix(rows: [[1, 1]]), Matrix(column: [2]))
    #expect(relativeGap(wide.storage, [1, 1]) <= 1e-12)
  }

  @Test("bad input: h <= 0 or not finite, d < 1, a code that cannot cover its block")
  func badParameters() {
    for h in [0.0, -1, .nan, .infinity] {
      #expect(throws: GradientEstimationError.self) {
        try CodedGradientEstimator(code: .mds, dimension: 4, workers: 8, step: h)
      }
    }
    #expect(throws: GradientEstimationError.self) {
      try CodedGradientEstimator(code: .mds, dimension: 0, workers: 8, step: 0.1)
    }
    for code in [DirectionCode.polar, .mds, .replication] {
      #expect(throws: GradientEstimationError.self) {
        try CodedGradientEstimator(code: code, dimension: 20, workers: 8, blockSize: 9, step: 0.1)
      }
    }
    #expect(throws: GradientEstimationError.self) {
      try CodedGradientEstimator(code: .uncoded, dimension: 20, workers: 8, blockSize: 4, step: 0.1)
    }
    #expect(throws: GradientEstimationError.self) {
      try TestFunction(name: "nope", dimension: 4, seed: 0)
    }
  }

  /// A quadratic that returns NaN for the points a given predicate marks.
  static func poisoned(_ f: TestFunction, where bad: @escaping @Sendable ([Double]) -> Bool)
    -> ClosureWorkload
  {
    ClosureWorkload(name: "poisoned", outputDimension: { _ in 1 }) { x in
      bad(x) ? [.nan] : [f.value(at: x)]
    }
  }

  @Test("a function returning NaN: that worker is a straggler; when too few remain, a clear error")
  func nanWorkers() async throws {
    let d = 4
    let f = try TestFunction(name: "quadratic", dimension: d, seed: 6)
    let x = [0.1, 0.2, 0.3, 0.4]
    let h = 0.25
    // Only the systematic worker 0 of MDS moves x[0] alone (direction e₀).
    let onlyFirst = Self.poisoned(f) { y in
      abs(y[0] - 0.1) > 0.9 * h && zip(y.dropFirst(), x.dropFirst()).allSatisfy { $0 == $1 }
    }
    let mds = try CodedGradientEstimator(code: .mds, dimension: d, workers: 8, blockSize: 4, step: h)
    let estimate = try await mds.estimate(onlyFirst, at: x, pool: InProcessWorkerPool())
    #expect(estimate.isDecoded)
    #expect(Self.relativeError(estimate.gradient, f.gradient(at: x)) <= 1e-8)
    // NaN whenever x[0] moves: replication loses both copies of coordinate 0.
    let firstCoordinate = Self.poisoned(f) { y in y[0] != 0.1 }
    let replication = try CodedGradientEstimator(
      code: .replication, dimension: d, workers: 8, blockSize: 4, step: h)
    await #expect(throws: GradientEstimationError.self) {
      try await replication.estimate(firstCoordinate, at: x, pool: InProcessWorkerPool())
    }
  }

  @Test("gradient descent and Adam with MDS gradients under random absent workers reach the quadratic's minimum")
  func optimizers() async throws {
    let d = 8
    let f = try TestFunction(name: "quadratic", dimension: d, seed: 4)
    let estimator = try CodedGradientEstimator(
      code: .mds, dimension: d, workers: 6, blockSize: 4, step: 0.5)
    let start = [Double](repeating: 1, count: d)
    // The minimum, from exact gradients: f* where ∇f = 0.
    var best = start
    var exact = BlackBoxOptimizer(method: .gradientDescent, learningRate: 0.3)
    for _ in 0..<5000 { exact.update(&best, gradient: f.gradient(at: best)) }
    #expect(Self.norm(f.gradient(at: best)) <= 1e-9)
    let initialGap = f.value(at: start) - f.value(at: best)
    // GD with exact (decoded) gradients contracts like exact GD: 600 steps at rate 0.3 leave a
    // gap below 1e-7; Adam at a constant rate 0.05 settles within 1 % of the initial gap.
    for (method, rate, iterations, tolerance) in [
      (BlackBoxOptimizer.Method.gradientDescent, 0.3, 600, 1e-7), (.adam, 0.05, 300, 0.01 * initialGap),
    ] {
      var random = SplitMix64(seed: 3)
      let history = try await minimizeBlackBox(
        f, from: start, estimator: estimator,
        optimizer: BlackBoxOptimizer(method: method, learningRate: rate), iterations: iterations,
        setting: StragglerSetting(absentPerBlock: 2), pool: SequentialWorkerPool(), using: &random)
      #expect(history.count == iterations)
      #expect(history.allSatisfy { $0.isDecoded })
      let last = try #require(history.last)
      #expect(last.evaluations <= iterations * 2 * 2 * 4)
      #expect(last.value - f.value(at: best) <= tolerance, "\(method): \(last.value)")
    }
  }

  @Test("attack on a linear two-class model: misclassified, inside [0, 1], at least the closed-form distance to the boundary")
  func attackLinear() async throws {
    let w = [1.0, -0.5, 0.25, 0.75]
    let model = ClosureWorkload(name: "linear", outputDimension: { _ in 2 }) { x in
      let s = zip(w, x).reduce(0) { $0 + $1.0 * $1.1 }
      return [s, -s]
    }
    let image = [0.6, 0.2, 0.5, 0.4]  // w·x = 0.825 > 0: class 0
    let estimator = try CodedGradientEstimator(
      code: .mds, dimension: 4, workers: 6, blockSize: 4, step: 1e-3)
    var random = SplitMix64(seed: 2)
    let result = try await attackBlackBox(
      classifier: model, image: image, label: 0, estimator: estimator,
      parameters: AttackParameters(budget: 3000, learningRate: 0.02, constant: 4, confidence: 0.05),
      setting: StragglerSetting(absentPerBlock: 1), pool: SequentialWorkerPool(), using: &random)
    #expect(result.success)
    #expect(result.predicted == 1)
    #expect(result.adversarial.allSatisfy { $0 >= 0 && $0 <= 1 })
    // The closest point of the boundary w·x = 0 is w·x₀/‖w‖ away (no box constraint is active).
    let boundary = 0.825 / Self.norm(w)
    #expect(result.distance >= boundary - 1e-9)
    #expect(result.distance <= 1.5 * boundary, "\(result.distance) vs \(boundary)")
    #expect(result.queries >= 3000 && result.queries <= 3000 + 2 * 6 + 1)
  }
}
