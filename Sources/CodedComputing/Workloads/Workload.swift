import Foundation

/// A function a worker computes: ℝᵈ → ℝᵐ, applied to one (coded) input at a time.
///
/// CodedComputing treats f as a black box: it may be nonlinear, a neural network or a user's
/// closure. Conforming types implement ``evaluate(_:)``; those that gain from batching (a
/// network's forward pass through GEMM) also implement ``evaluate(batch:)``.
///
/// ```swift
/// struct Cubic: Workload {
///   var name: String { "my-cubic" }
///   func outputDimension(inputDimension d: Int) -> Int { d }
///   func evaluate(_ x: [Double]) throws -> [Double] { x.map { $0 * $0 * $0 } }
/// }
/// ```
public protocol Workload: Sendable {
  /// A short name, used in CSV output.
  var name: String { get }
  /// m, the output dimension for inputs of dimension d. Throws when f cannot take d.
  func outputDimension(inputDimension d: Int) throws -> Int
  /// f(x) for one input.
  func evaluate(_ input: [Double]) throws -> [Double]
  /// f applied to every row of `batch` (rows × d) → rows × m.
  func evaluate(batch: Matrix) throws -> Matrix
  /// The degree D when f is a polynomial in its input coordinates (LCC's recovery threshold
  /// (K − 1)·D + 1 depends on it; exact linear codes need D = 1), nil otherwise or when unknown.
  var polynomialDegree: Int? { get }
  /// A serialisable description from which any process can rebuild f (see
  /// ``WorkloadDescriptor``), or nil when f exists only in this process (a closure). Pools that
  /// run workers in other processes refuse workloads without one.
  var descriptor: WorkloadDescriptor? { get }
}

extension Workload {
  /// Unknown: not a polynomial as far as the library can tell.
  public var polynomialDegree: Int? { nil }
  /// None: the workload lives only in this process.
  public var descriptor: WorkloadDescriptor? { nil }

  /// Row by row through ``evaluate(_:)``.
  public func evaluate(batch: Matrix) throws -> Matrix {
    let m = try outputDimension(inputDimension: batch.columns)
    var out = Matrix(rows: batch.rows, columns: m)
    for i in 0..<batch.rows {
      let y = try evaluate(batch.row(i))
      guard y.count == m else { throw WorkloadError.wrongOutputDimension(expected: m, actual: y.count) }
      for j in 0..<m { out[i, j] = y[j] }
    }
    return out
  }
}

/// What can go wrong inside a workload.
public enum WorkloadError: Error, Equatable, Sendable, CustomStringConvertible {
  case unknownFunction(String, known: [String])
  case wrongInputDimension(expected: Int, actual: Int)
  case wrongOutputDimension(expected: Int, actual: Int)
  case failed(String)

  public var description: String {
    switch self {
    case .unknownFunction(let name, let known):
      return "unknown function '\(name)' (known: \(known.joined(separator: ", ")))"
    case .wrongInputDimension(let expected, let actual):
      return "the function takes inputs of dimension \(expected), got \(actual)"
    case .wrongOutputDimension(let expected, let actual):
      return "the function returned \(actual) values, expected \(expected)"
    case .failed(let message):
      return message
    }
  }
}

/// A workload from a Swift closure.
///
/// A closure cannot cross a process boundary: it has no ``Workload/descriptor``, so it runs on the
/// in-process pools only. Give its polynomial degree when it has one (LCC's threshold uses it).
///
/// ```swift
/// let f = ClosureWorkload(name: "norm", outputDimension: { _ in 1 }, polynomialDegree: 2) { x in
///   [x.map { $0 * $0 }.reduce(0, +)]
/// }
/// ```
public struct ClosureWorkload: Workload {
  public let name: String
  public let polynomialDegree: Int?
  let _outputDimension: @Sendable (Int) -> Int
  let _body: @Sendable ([Double]) throws -> [Double]

  /// - Parameters:
  ///   - outputDimension: m as a function of d; nil means m = d.
  ///   - polynomialDegree: D when the closure computes a polynomial of degree D; nil otherwise.
  public init(
    name: String, outputDimension: (@Sendable (Int) -> Int)? = nil, polynomialDegree: Int? = nil,
    _ body: @escaping @Sendable ([Double]) throws -> [Double]
  ) {
    self.name = name
    self.polynomialDegree = polynomialDegree
    _outputDimension = outputDimension ?? { $0 }
    _body = body
  }

  public func outputDimension(inputDimension d: Int) -> Int { _outputDimension(d) }
  public func evaluate(_ input: [Double]) throws -> [Double] { try _body(input) }
}

/// The built-in functions of DESIGN.md: coordinate-wise unless stated.
public enum BuiltinFunction: String, CaseIterable, Workload {
  /// x·sin x
  case xsinx
  case sin
  /// 1/(1 + e⁻ˣ)
  case sigmoid
  /// x², a polynomial of degree 2
  case square
  /// x³, a polynomial of degree 3
  case cube
  /// x (degree 1)
  case identity
  /// Not coordinate-wise: softmax(x)ᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}, ℝᵈ → ℝᵈ (computed stably).
  case softmax
  /// Not coordinate-wise: Σᵢ xᵢ², ℝᵈ → ℝ, a polynomial of degree 2.
  case sumsquares

  public var name: String { rawValue }

  /// `builtin` with the function's name: every process knows the built-in functions.
  public var descriptor: WorkloadDescriptor? { .builtin(rawValue) }

  /// The polynomial degree, or nil for non-polynomial functions.
  public var polynomialDegree: Int? {
    switch self {
    case .square: return 2
    case .cube: return 3
    case .identity: return 1
    case .sumsquares: return 2
    case .xsinx, .sin, .sigmoid, .softmax: return nil
    }
  }

  public func outputDimension(inputDimension d: Int) -> Int { self == .sumsquares ? 1 : d }

  /// Whether f acts on each coordinate separately.
  public var isCoordinateWise: Bool { self != .softmax && self != .sumsquares }

  @inlinable
  public func apply(_ x: Double) -> Double {
    switch self {
    case .xsinx: return x * Foundation.sin(x)
    case .sin: return Foundation.sin(x)
    case .sigmoid: return 1 / (1 + Foundation.exp(-x))
    case .square: return x * x
    case .cube: return x * x * x
    case .identity: return x
    case .softmax, .sumsquares:
      preconditionFailure("\(rawValue) is not coordinate-wise")
    }
  }

  public func evaluate(_ input: [Double]) -> [Double] {
    switch self {
    case .softmax:
      let top = input.max() ?? 0
      let e = input.map { Foundation.exp($0 - top) }
      let total = e.reduce(0, +)
      return e.map { $0 / total }
    case .sumsquares:
      return [input.reduce(0) { $0 + $1 * $1 }]
    default:
      return input.map(apply)
    }
  }

  public func evaluate(batch: Matrix) -> Matrix {
    guard isCoordinateWise else {
      let m = outputDimension(inputDimension: batch.columns)
      var out = Matrix(rows: batch.rows, columns: m)
      for i in 0..<batch.rows {
        let y = evaluate(batch.row(i))
        for j in 0..<m { out[i, j] = y[j] }
      }
      return out
    }
    return Matrix(rows: batch.rows, columns: batch.columns, columnMajor: batch.storage.map(apply))
  }
}
