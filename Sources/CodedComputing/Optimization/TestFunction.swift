import Foundation

/// The built-in black-box test functions of `coded blackbox`, with their exact gradients (for
/// scoring estimates).
///
/// - `quadratic`: f(x) = ½xᵀQx + bᵀx with Q = MᵀM/d + I/10 (M d × d with N(0, 1) entries; SPD)
///   and b ~ N(0, 1): central differences are exact, so an estimate's error measures the code.
/// - `rosenbrock`: Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² (d ≥ 2), minimum 0 at x = 1.
/// - `logistic`: f(w) = (1/n) Σᵢ [log(1 + e^{zᵢ}) − yᵢzᵢ] + (λ/2)‖w‖², z = A·w, λ = 10⁻³, with
///   n = 4d rows of N(0, 1)/√d features and labels yᵢ ~ Bernoulli(σ(aᵢ·w*)).
///
/// ```swift
/// let f = try TestFunction(name: "quadratic", dimension: 64, seed: 1)
/// let value = f.value(at: x), gradient = f.gradient(at: x)
/// ```
public struct TestFunction: Workload {
  /// The function's name.
  public enum Kind: String, CaseIterable, Sendable { case quadratic, rosenbrock, logistic }

  public let kind: Kind
  public let dimension: Int
  /// Q (quadratic) or A (logistic); empty for Rosenbrock.
  let _matrix: Matrix
  /// b (quadratic) or the labels y (logistic).
  let _vector: [Double]

  /// The regularisation λ of `logistic`.
  public static let logisticRegularization = 1e-3
  /// The largest d accepted (the quadratic stores d² numbers).
  public static let maximumDimension = 4096

  /// - Throws: ``GradientEstimationError/invalidParameter(_:)`` for an unknown name, d < 1,
  ///   d above ``maximumDimension`` or Rosenbrock with d < 2.
  public init(name: String, dimension: Int, seed: UInt64) throws(GradientEstimationError) {
    guard let kind = Kind(rawValue: name) else {
      throw .invalidParameter(
        "unknown function '\(name)' (known: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    guard dimension >= 1 && dimension <= Self.maximumDimension else {
      throw .invalidParameter(
        "the dimension must be in 1...\(Self.maximumDimension), got \(dimension)")
    }
    guard kind != .rosenbrock || dimension >= 2 else {
      throw .invalidParameter("rosenbrock needs d >= 2, got \(dimension)")
    }
    self.kind = kind
    self.dimension = dimension
    var random = SplitMix64(seed: seed)
    let d = dimension
    switch kind {
    case .quadratic:
      var m = Matrix(rows: d, columns: d)
      for i in m.storage.indices { m.storage[i] = standardNormal(using: &random) }
      var q = (try? Matrix.multiply(m, m, transposeA: true)) ?? Matrix.identity(d)
      for i in q.storage.indices { q.storage[i] /= Double(d) }
      for i in 0..<d { q[i, i] += 0.1 }
      _matrix = q
      _vector = (0..<d).map { _ in standardNormal(using: &random) }
    case .rosenbrock:
      _matrix = Matrix(rows: 0, columns: 0)
      _vector = []
    case .logistic:
      let n = 4 * d
      var a = Matrix(rows: n, columns: d)
      let scale = 1 / Double(d).squareRoot()
      for i in a.storage.indices { a.storage[i] = scale * standardNormal(using: &random) }
      let truth = (0..<d).map { _ in 2 * standardNormal(using: &random) }
      var labels = [Double](repeating: 0, count: n)
      for i in 0..<n {
        var z = 0.0
        for j in 0..<d { z += a[i, j] * truth[j] }
        labels[i] = uniformUnit(using: &random) < 1 / (1 + Foundation.exp(-z)) ? 1 : 0
      }
      _matrix = a
      _vector = labels
    }
  }

  public var name: String { kind.rawValue }
  public func outputDimension(inputDimension d: Int) throws -> Int {
    guard d == dimension else {
      throw WorkloadError.wrongInputDimension(expected: dimension, actual: d)
    }
    return 1
  }
  public var polynomialDegree: Int? { kind == .quadratic ? 2 : nil }
  public func evaluate(_ input: [Double]) throws -> [Double] {
    guard input.count == dimension else {
      throw WorkloadError.wrongInputDimension(expected: dimension, actual: input.count)
    }
    return [value(at: input)]
  }

  /// A·x for the stored matrix.
  func _product(_ x: [Double]) -> [Double] {
    (try? Matrix.multiply(_matrix, Matrix(column: x)).storage) ?? []
  }

  /// f(x).
  /// - Complexity: O(d²) for quadratic, O(n·d) logistic, O(d) Rosenbrock.
  public func value(at x: [Double]) -> Double {
    switch kind {
    case .quadratic:
      let qx = _product(x)
      var total = 0.0
      for i in 0..<dimension { total += x[i] * (0.5 * qx[i] + _vector[i]) }
      return total
    case .rosenbrock:
      var total = 0.0
      for i in 0..<(dimension - 1) {
        let a = x[i + 1] - x[i] * x[i]
        let b = 1 - x[i]
        total += 100 * a * a + b * b
      }
      return total
    case .logistic:
      let z = _product(x)
      var total = 0.0
      for i in z.indices {
        // log(1 + e^z) computed stably.
        let softplus = z[i] > 0 ? z[i] + Foundation.log1p(Foundation.exp(-z[i])) : Foundation.log1p(Foundation.exp(z[i]))
        total += softplus - _vector[i] * z[i]
      }
      let norm = x.reduce(0) { $0 + $1 * $1 }
      return total / Double(z.count) + 0.5 * Self.logisticRegularization * norm
    }
  }

  /// ∇f(x), exactly.
  public func gradient(at x: [Double]) -> [Double] {
    switch kind {
    case .quadratic:
      return zip(_product(x), _vector).map { $0 + $1 }
    case .rosenbrock:
      var g = [Double](repeating: 0, count: dimension)
      for i in 0..<(dimension - 1) {
        let a = x[i + 1] - x[i] * x[i]
        g[i] += -400 * x[i] * a - 2 * (1 - x[i])
        g[i + 1] += 200 * a
      }
      return g
    case .logistic:
      let z = _product(x)
      let n = Double(z.count)
      let r = z.indices.map { (1 / (1 + Foundation.exp(-z[$0])) - _vector[$0]) / n }
      let g = (try? Matrix.multiply(_matrix, Matrix(column: r), transposeA: true).storage) ?? []
      return zip(g, x).map { $0 + Self.logisticRegularization * $1 }
    }
  }
}
