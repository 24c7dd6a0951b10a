/// The workload of a coded-gradient worker: its task is a direction z, its answer the central
/// difference (f(x + h·z) − f(x − h·z)) / 2h ≈ ⟨∇f(x), z⟩.
///
/// f is any ``Workload`` with one output (a built-in test function, a classifier's attack
/// objective, a closure). A non-finite value of f, or an error it throws, makes the worker fail:
/// the pool counts it as a straggler.
///
/// ```swift
/// let task = CentralDifference(function: f, point: x, step: 1e-4)
/// let derivative = try task.evaluate(direction)[0]
/// ```
/// - Complexity: two evaluations of f plus O(d).
public struct CentralDifference: Workload {
  /// f: ℝᵈ → ℝ.
  public let function: any Workload
  /// x, where the gradient is wanted.
  public let point: [Double]
  /// h > 0.
  public let step: Double

  public init(function: any Workload, point: [Double], step: Double) {
    self.function = function
    self.point = point
    self.step = step
  }

  public var name: String { "central-difference(\(function.name))" }
  /// Linear in the direction for quadratic f (exactly) and up to O(h²) otherwise.
  public var polynomialDegree: Int? { 1 }

  public func outputDimension(inputDimension d: Int) throws -> Int {
    guard d == point.count else {
      throw WorkloadError.wrongInputDimension(expected: point.count, actual: d)
    }
    return 1
  }

  public func evaluate(_ direction: [Double]) throws -> [Double] {
    guard direction.count == point.count else {
      throw WorkloadError.wrongInputDimension(expected: point.count, actual: direction.count)
    }
    // The zero direction: the derivative is 0, no evaluation needed.
    guard direction.contains(where: { $0 != 0 }) else { return [0] }
    var plus = point
    var minus = point
    for i in direction.indices where direction[i] != 0 {
      plus[i] += step * direction[i]
      minus[i] -= step * direction[i]
    }
    let high = try function.evaluate(plus)
    let low = try function.evaluate(minus)
    guard high.count == 1, low.count == 1 else {
      throw WorkloadError.wrongOutputDimension(expected: 1, actual: high.count)
    }
    let difference = (high[0] - low[0]) / (2 * step)
    guard difference.isFinite else {
      throw WorkloadError.failed("f is not finite near x along this direction")
    }
    return [difference]
  }
}
