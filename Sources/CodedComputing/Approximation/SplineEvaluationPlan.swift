/// Where a set of evaluation points falls among the knots of a natural cubic spline.
///
/// A natural cubic spline with knots t₀ < … < tₙ₋₁ is fixed by its values gᵢ and second
/// derivatives γᵢ at the knots (γ₀ = γₙ₋₁ = 0). On [tᵢ, tᵢ₊₁], with h = tᵢ₊₁ − tᵢ,
/// A = (tᵢ₊₁ − z)/h and B = 1 − A,
///
///     g(z) = A·gᵢ + B·gᵢ₊₁ + ((A³ − A)·γᵢ + (B³ − B)·γᵢ₊₁)·h²/6,
///
/// and beyond the end knots the spline continues as the straight line with the end slope.
/// The plan stores, for each point, its interval and the four weights on (gᵢ, gᵢ₊₁, γᵢ, γᵢ₊₁),
/// so evaluating many columns at the same points is four multiply-adds per point and column.
///
/// - Complexity: building O(p·log n) for p points; applying O(p) per column.
public struct SplineEvaluationPlan: Sendable {
  /// The evaluation points.
  public let points: [Double]
  /// The number of knots the plan was built for.
  public let knotCount: Int
  @usableFromInline let _interval: [Int]
  @usableFromInline let _weights: [Double]  // 4 per point: gᵢ, gᵢ₊₁, γᵢ, γᵢ₊₁

  /// Locates `points` among `knots` (strictly increasing, at least two).
  public init(knots: [Double], points: [Double]) {
    precondition(knots.count >= 2, "A spline evaluation plan needs at least two knots")
    self.points = points
    knotCount = knots.count
    var interval = [Int](repeating: 0, count: points.count)
    var weights = [Double](repeating: 0, count: 4 * points.count)
    let last = knots.count - 1
    for (p, z) in points.enumerated() {
      let i = _intervalIndex(knots, z)
      let h = knots[i + 1] - knots[i]
      interval[p] = i
      if z < knots[0] {
        // g(t₀) + (z − t₀)·g′(t₀), g′(t₀) = (g₁ − g₀)/h − h·γ₁/6
        let d = z - knots[0]
        weights[4 * p] = 1 - d / h
        weights[4 * p + 1] = d / h
        weights[4 * p + 3] = -d * h / 6
      } else if z > knots[last] {
        // g(tₙ₋₁) + (z − tₙ₋₁)·g′(tₙ₋₁), g′(tₙ₋₁) = (gₙ₋₁ − gₙ₋₂)/h + h·γₙ₋₂/6
        let d = z - knots[last]
        weights[4 * p] = -d / h
        weights[4 * p + 1] = 1 + d / h
        weights[4 * p + 2] = d * h / 6
      } else {
        let a = (knots[i + 1] - z) / h
        let b = 1 - a
        weights[4 * p] = a
        weights[4 * p + 1] = b
        weights[4 * p + 2] = (a * a * a - a) * h * h / 6
        weights[4 * p + 3] = (b * b * b - b) * h * h / 6
      }
    }
    _interval = interval
    _weights = weights
  }

  /// Evaluates the spline with knot values `values` and second derivatives `second` (both n × c,
  /// column-major) at every point, for every column: a p × c matrix.
  @inlinable
  public func apply(values: Matrix, secondDerivatives second: Matrix) -> Matrix {
    precondition(values.rows == knotCount && second.rows == knotCount, "Knot count mismatch")
    precondition(values.columns == second.columns, "Column count mismatch")
    let n = knotCount
    let p = points.count
    var out = Matrix(rows: p, columns: values.columns)
    out.storage.withUnsafeMutableBufferPointer { o in
      values.storage.withUnsafeBufferPointer { g in
        second.storage.withUnsafeBufferPointer { s in
          _interval.withUnsafeBufferPointer { iv in
            _weights.withUnsafeBufferPointer { w in
              for c in 0..<values.columns {
                let base = c * n
                let outBase = c * p
                for q in 0..<p {
                  let i = base + iv[q]
                  let wq = 4 * q
                  o[outBase + q] =
                    w[wq] * g[i] + w[wq + 1] * g[i + 1] + w[wq + 2] * s[i] + w[wq + 3] * s[i + 1]
                }
              }
            }
          }
        }
      }
    }
    return out
  }
}

/// The index i of the knot interval [tᵢ, tᵢ₊₁] used for z: clamped to the first and last
/// interval outside the knots.
@usableFromInline
func _intervalIndex(_ knots: [Double], _ z: Double) -> Int {
  let last = knots.count - 2
  if z <= knots[0] { return 0 }
  if z >= knots[last + 1] { return last }
  var lo = 0
  var hi = last + 1  // knots[lo] ≤ z < knots[hi]
  while hi - lo > 1 {
    let mid = (lo + hi) / 2
    if knots[mid] <= z { lo = mid } else { hi = mid }
  }
  return lo
}
