/// A fitted natural cubic spline, one per data column, with knots t₀ < … < tₙ₋₁.
///
/// Stored as the values g and second derivatives γ at the knots (both n × c, column-major;
/// γ₀ = γₙ₋₁ = 0), from which the spline, its first and its second derivative are evaluated
/// anywhere. Beyond the end knots it continues as a straight line, as a natural spline does.
///
/// ```swift
/// let t = [0.0, 0.5, 1.0, 1.5, 2.0]
/// let spline = try SmoothingSpline(knots: t, data: t.map { $0 * $0 }, lambda: 0.01)
/// let slope = spline.derivative(at: [1.0], order: 1)[0, 0]
/// ```
///
/// The smoothing problem and its conventions are described on ``SplineSmoother``; cite
/// Reinsch (1967) for the algorithm and Green & Silverman (1994) for the notation.
public struct SmoothingSpline: Sendable {
  /// The knots.
  public let knots: [Double]
  /// The fitted values at the knots, n × c.
  public let values: Matrix
  /// The second derivatives at the knots, n × c, zero at both ends. For knots or data near the
  /// ends of the Double range these can overflow although the spline itself is finite;
  /// ``evaluate(at:)`` and ``derivative(at:order:)`` work on an internally scaled copy.
  public let secondDerivatives: Matrix
  /// The smoothing parameter it was fitted with.
  public let lambda: Double

  /// The same spline in scaled units s = t·2^(−knotExponent), v = y·2^(−dataExponent)
  /// (``_SplineScaling``); the same arrays as the public ones when both exponents are 0.
  let _scaledKnots: [Double]
  let _scaledValues: Matrix
  let _scaledSecond: Matrix
  let _knotExponent: Int
  let _dataExponent: Int

  /// The number of data columns (splines).
  public var columns: Int { values.columns }

  init(knots: [Double], values: Matrix, secondDerivatives: Matrix, lambda: Double) {
    self.init(
      knots: knots, scaledKnots: knots, knotExponent: 0, scaledValues: values,
      scaledSecond: secondDerivatives, dataExponent: 0, lambda: lambda)
  }

  /// A spline fitted in scaled units: `scaledValues` and `scaledSecond` belong to `scaledKnots`
  /// = knots·2^(−knotExponent) and data·2^(−dataExponent).
  init(
    knots: [Double], scaledKnots: [Double], knotExponent: Int, scaledValues: Matrix,
    scaledSecond: Matrix, dataExponent: Int, lambda: Double
  ) {
    self.knots = knots
    self.lambda = lambda
    _scaledKnots = scaledKnots
    _scaledValues = scaledValues
    _scaledSecond = scaledSecond
    _knotExponent = knotExponent
    _dataExponent = dataExponent
    values = _scaledBack(scaledValues, by: dataExponent)
    secondDerivatives = _scaledBack(scaledSecond, by: dataExponent - 2 * knotExponent)
  }

  /// Fits the smoothing spline of every column of `data` (n × c).
  /// - Parameters:
  ///   - knots: at least two finite, strictly increasing abscissae.
  ///   - data: one row per knot, one column per response.
  ///   - weights: positive weights, one per knot; nil for ones.
  ///   - lambda: λ ≥ 0 in scipy's convention; 0 interpolates.
  /// - Throws: ``ApproximationError`` naming the bad input.
  /// - Complexity: O(n·c).
  public init(knots: [Double], data: Matrix, weights: [Double]? = nil, lambda: Double)
    throws(ApproximationError)
  {
    self = try SplineSmoother(knots: knots, weights: weights, lambda: lambda).fit(data)
  }

  /// Fits the smoothing spline of one data column.
  public init(knots: [Double], data: [Double], weights: [Double]? = nil, lambda: Double)
    throws(ApproximationError)
  {
    try self.init(knots: knots, data: Matrix(column: data), weights: weights, lambda: lambda)
  }

  /// The splines' values at `points`: a p × c matrix.
  /// - Complexity: O(p·(log n + c)).
  public func evaluate(at points: [Double]) -> Matrix {
    if _knotExponent == 0 && _dataExponent == 0 {
      return _evaluateSplines(
        knots: knots, points: points, values: values, secondDerivatives: secondDerivatives)
    }
    let scaled = _evaluateSplines(
      knots: _scaledKnots, points: points.map { _SplineScaling.scale($0, by: -_knotExponent) },
      values: _scaledValues, secondDerivatives: _scaledSecond)
    var out = _scaledBack(scaled, by: _dataExponent)
    // A point so far out that z·2^(−knotExponent) overflows: the straight continuation in the
    // original units, end value + (z − t_end)·slope.
    let n = knots.count
    for (p, z) in points.enumerated() where z < knots[0] || z > knots[n - 1] {
      for c in 0..<columns where !out[p, c].isFinite {
        let left = z < knots[0]
        let end = left ? 0 : n - 1
        let slope = _endSlope(
          count: n, left: left, knot: { _scaledKnots[$0] }, value: { _scaledValues[$0, c] },
          second: { _scaledSecond[$0, c] })
        let endValue = _SplineScaling.scale(_scaledValues[end, c], by: _dataExponent)
        out[p, c] =
          slope == 0
          ? endValue
          : endValue + (z - knots[end]) * _SplineScaling.scale(slope, by: _dataExponent - _knotExponent)
      }
    }
    return out
  }

  /// The value of column `column` at `t`.
  public func callAsFunction(_ t: Double, column: Int = 0) -> Double {
    evaluate(at: [t])[0, column]
  }

  /// The first (`order: 1`) or second (`order: 2`) derivative at `points`: p × c.
  ///
  /// Beyond the end knots the first derivative is the end slope and the second is zero.
  public func derivative(at points: [Double], order: Int) -> Matrix {
    precondition(order == 1 || order == 2, "Derivative order must be 1 or 2, got \(order)")
    let knots = _scaledKnots
    let values = _scaledValues
    let secondDerivatives = _scaledSecond
    let n = knots.count
    var out = Matrix(rows: points.count, columns: columns)
    for (p, original) in points.enumerated() {
      let z = _SplineScaling.scale(original, by: -_knotExponent)
      let i = _intervalIndex(knots, z)
      let h = knots[i + 1] - knots[i]
      let outside = z < knots[0] || z > knots[n - 1]
      // Outside, the derivative is the end knot's: A = 1 on the left, B = 1 on the right.
      let a = outside ? (z < knots[0] ? 1.0 : 0.0) : (knots[i + 1] - z) / h
      let b = 1 - a
      for c in 0..<columns {
        let g0 = values[i, c]
        let g1 = values[i + 1, c]
        let s0 = secondDerivatives[i, c]
        let s1 = secondDerivatives[i + 1, c]
        if order == 1 {
          out[p, c] = (g1 - g0) / h + h / 6 * (-(3 * a * a - 1) * s0 + (3 * b * b - 1) * s1)
        } else {
          out[p, c] = outside ? 0 : a * s0 + b * s1
        }
      }
    }
    return _scaledBack(out, by: _dataExponent - order * _knotExponent)
  }
}

/// `m`·2^e elementwise (exact; `m` itself when e = 0).
func _scaledBack(_ m: Matrix, by e: Int) -> Matrix {
  guard e != 0 else { return m }
  return Matrix(
    rows: m.rows, columns: m.columns, columnMajor: m.storage.map { _SplineScaling.scale($0, by: e) })
}
