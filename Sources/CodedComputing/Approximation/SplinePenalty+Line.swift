/// The λ → ∞ limit of the smoothing spline: the weighted least-squares line.
///
/// As λ grows the penalty λ∫g″² forces g″ → 0, and the minimiser tends to the line a + b·t that
/// minimises Σ wᵢ(yᵢ − a − b·tᵢ)² (Green & Silverman 1994, §2.3). How fast: in the Demmler–Reinsch
/// basis the fit shrinks each non-linear component by 1/(1 + λμₖ), and every μₖ is at least
/// 1/(L³·W) for knots spanning L with total weight W = Σwᵢ (a function weighted-orthogonal to
/// lines vanishes twice in [t₀, tₙ₋₁], so |g| ≤ L^(3/2)·‖g″‖₂ and Σwᵢg(tᵢ)² ≤ W·L³·∫g″²).
/// Above ``lineLambda`` = 2⁶⁰·L³·W the spline therefore differs from the line by less than 2⁻⁶⁰
/// of the data's non-linear part — below rounding — while the Givens route would have to carry
/// √λ·Q against V with λ/h³ beyond 10³⁰; there the fit is computed as the line, in closed form,
/// which also covers λ = ∞ after scaling (``_SplineScaling``).
extension _SplinePenalty {
  /// The λ above which a fit is computed as the weighted least-squares line: 2⁶⁰·L³·Σwᵢ.
  var lineLambda: Double {
    let span = knots[count - 1] - knots[0]
    var total = 0.0
    if unitWeights { total = Double(count) } else { for w in weights { total += w } }
    return 0x1p60 * span * span * span * total
  }

  /// The weighted least-squares line of every column of `y` (n × c), evaluated at the knots.
  /// Centred two-pass sums (t̄ = Σwt/Σw, b = Σw(t − t̄)(y − ȳ)/Σw(t − t̄)²), so knots far from 0
  /// lose nothing to cancellation.
  /// - Complexity: O(n·c).
  func leastSquaresLine(_ y: Matrix) -> Matrix {
    let n = count
    let weights = self.weights
    var totalWeight = 0.0
    var meanT = 0.0
    for i in 0..<n { totalWeight += weights[i]; meanT += weights[i] * knots[i] }
    meanT /= totalWeight
    var spread = 0.0
    for i in 0..<n { spread += weights[i] * (knots[i] - meanT) * (knots[i] - meanT) }
    var out = Matrix(rows: n, columns: y.columns)
    for c in 0..<y.columns {
      var meanY = 0.0
      for i in 0..<n { meanY += weights[i] * y[i, c] }
      meanY /= totalWeight
      var cross = 0.0
      for i in 0..<n { cross += weights[i] * (knots[i] - meanT) * (y[i, c] - meanY) }
      let slope = cross / spread
      for i in 0..<n { out[i, c] = meanY + slope * (knots[i] - meanT) }
    }
    return out
  }
}
