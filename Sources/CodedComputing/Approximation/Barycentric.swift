import Foundation

/// The barycentric form shared by Berrut's and Lagrange's interpolants:
/// r(z) = Σᵢ wᵢ yᵢ/(z − tᵢ) / Σᵢ wᵢ/(z − tᵢ), with r(tᵢ) = yᵢ exactly.
///
/// The interpolants are linear in the data, so both are applied as a dense p × n matrix
/// (row q holds the normalised barycentric weights of point q) through GEMM.
@usableFromInline
func _barycentricMatrix(nodes: [Double], weights: [Double], points: [Double]) -> Matrix {
  let n = nodes.count
  var matrix = Matrix(rows: points.count, columns: n)
  var row = [Double](repeating: 0, count: n)
  for (q, z) in points.enumerated() {
    if let hit = nodes.firstIndex(of: z) {
      matrix[q, hit] = 1
      continue
    }
    var sum = 0.0
    for i in 0..<n {
      row[i] = weights[i] / (z - nodes[i])
      sum += row[i]
    }
    for i in 0..<n { matrix[q, i] = row[i] / sum }
  }
  return matrix
}

/// What Berrut's and Lagrange's interpolants share: data at nodes, a p × n interpolation matrix,
/// and evaluation as one GEMM.
public protocol BarycentricInterpolant: Sendable {
  /// The nodes, strictly increasing.
  var nodes: [Double] { get }
  /// The data, one row per node.
  var values: Matrix { get }
  /// The p × n matrix that maps data at `nodes` to the interpolant's values at `points`.
  static func matrix(nodes: [Double], at points: [Double]) throws(ApproximationError) -> Matrix
}

extension BarycentricInterpolant {
  /// The interpolant at `points`: p × c.
  public func evaluate(at points: [Double]) throws(ApproximationError) -> Matrix {
    let interpolation = try Self.matrix(nodes: nodes, at: points)
    do { return try Matrix.multiply(interpolation, values) } catch { throw .linearAlgebra(error) }
  }
}

/// Validates the interpolation data and returns it as a matrix, one row per node.
func _checkInterpolationData(nodes: [Double], values: Matrix, minimum: Int)
  throws(ApproximationError)
{
  try _validateNodes(nodes, minimum: minimum)
  guard values.rows == nodes.count else {
    throw .lengthMismatch(what: "values rows", expected: nodes.count, actual: values.rows)
  }
  try _validateFinite(values.storage, what: "values")
}

/// Berrut's rational interpolant (first form; Berrut 1988), one per data column.
///
/// For nodes t₀ < … < tₙ₋₁ and data yᵢ,
///
///     r(z) = Σᵢ (−1)ⁱ yᵢ/(z − tᵢ) / Σᵢ (−1)ⁱ/(z − tᵢ),
///
/// which interpolates, has no real poles for any node set, and converges as O(h) for smooth
/// functions — the interpolant behind BACC (Jahani-Nezhad & Maddah-Ali 2022).
///
/// ```swift
/// let r = try BerrutInterpolant(nodes: [-1, 0, 1], values: Matrix(column: [1, 0, 1]))
/// let y = try r.evaluate(at: [0.5])
/// ```
/// - Complexity: O(n) per point and column; ``matrix(nodes:at:)`` O(p·n).
public struct BerrutInterpolant: BarycentricInterpolant {
  /// The nodes, strictly increasing.
  public let nodes: [Double]
  /// The data, one row per node.
  public let values: Matrix

  /// - Throws: ``ApproximationError`` for unsorted, repeated or non-finite nodes or data.
  public init(nodes: [Double], values: Matrix) throws(ApproximationError) {
    try _checkInterpolationData(nodes: nodes, values: values, minimum: 1)
    self.nodes = nodes
    self.values = values
  }

  /// The interpolant's weights (−1)ⁱ.
  public static func weights(count: Int) -> [Double] {
    (0..<count).map { $0 % 2 == 0 ? 1 : -1 }
  }

  /// The p × n matrix that maps data at `nodes` to the interpolant's values at `points`.
  public static func matrix(nodes: [Double], at points: [Double]) throws(ApproximationError)
    -> Matrix
  {
    try _validateNodes(nodes, minimum: 1)
    try _validateFinite(points, what: "evaluation points")
    return _barycentricMatrix(nodes: nodes, weights: weights(count: nodes.count), points: points)
  }
}

/// The Lagrange interpolating polynomial in barycentric form (Berrut & Trefethen 2004).
///
/// Weights wᵢ = 1/Πⱼ≠ᵢ(tᵢ − tⱼ) are computed as signed logarithms and rescaled by the largest,
/// so they neither overflow nor underflow for hundreds of nodes; the formula is then the
/// "second (true) barycentric form" r(z) = Σ wᵢyᵢ/(z − tᵢ) / Σ wᵢ/(z − tᵢ). Exact for
/// polynomials of degree < n; ill-conditioned on equispaced nodes as n grows (Runge), which is
/// what makes LCC unstable for non-polynomial functions.
///
/// ```swift
/// let p = try BarycentricLagrange(nodes: [-1, 0, 1], values: Matrix(column: [1, 0, 1]))
/// let y = try p.evaluate(at: [0.5])   // 0.25: x² is reproduced exactly
/// ```
/// - Complexity: weights O(n²); O(n) per point and column.
public struct BarycentricLagrange: BarycentricInterpolant {
  /// The nodes, strictly increasing.
  public let nodes: [Double]
  /// The data, one row per node.
  public let values: Matrix

  /// - Throws: ``ApproximationError`` for unsorted, repeated or non-finite nodes or data.
  public init(nodes: [Double], values: Matrix) throws(ApproximationError) {
    try _checkInterpolationData(nodes: nodes, values: values, minimum: 1)
    self.nodes = nodes
    self.values = values
  }

  /// The barycentric weights, scaled so the largest magnitude is 1.
  public static func weights(nodes: [Double]) -> [Double] {
    let n = nodes.count
    var logMagnitude = [Double](repeating: 0, count: n)
    var sign = [Double](repeating: 1, count: n)
    for i in 0..<n {
      for j in 0..<n where j != i {
        let d = nodes[i] - nodes[j]
        logMagnitude[i] -= Foundation.log(abs(d))
        if d < 0 { sign[i] = -sign[i] }
      }
    }
    let top = logMagnitude.max() ?? 0
    return (0..<n).map { sign[$0] * Foundation.exp(logMagnitude[$0] - top) }
  }

  /// The p × n matrix that maps data at `nodes` to the polynomial's values at `points`.
  public static func matrix(nodes: [Double], at points: [Double]) throws(ApproximationError)
    -> Matrix
  {
    try _validateNodes(nodes, minimum: 1)
    try _validateFinite(points, what: "evaluation points")
    return _barycentricMatrix(nodes: nodes, weights: weights(nodes: nodes), points: points)
  }
}
