import Foundation

/// The outcome of a generalised cross-validation search.
public struct GCVResult: Sendable, Equatable {
  /// The chosen smoothing parameter.
  public let lambda: Double
  /// GCV(λ) = n·Σᵢ wᵢ(yᵢ − ĝᵢ)² / (c·(n − tr S_λ)²) at the chosen λ, averaged over the c columns.
  public let score: Double
  /// The equivalent degrees of freedom tr S_λ at the chosen λ (between 2 and n).
  public let degreesOfFreedom: Double
  /// How many values of λ were tried.
  public let evaluations: Int
}

extension SplineSmoother {
  /// A smoother whose λ minimises the generalised cross-validation criterion for `data`.
  ///
  /// GCV(λ) = (1/n)·Σᵢ wᵢ (yᵢ − ĝ_λ(tᵢ))² / (1 − tr(S_λ)/n)² (Craven & Wahba 1979), summed over
  /// the columns of `data` so that all columns share one λ (as a coded-computing decoder needs).
  /// With unit weights and one column this is the criterion scipy's `make_smoothing_spline`
  /// minimises when `lam` is None. Each evaluation is O(n): one banded Cholesky factorisation,
  /// one multi-column solve, and the trace tr(I − S_λ) = λ·tr((R + λM)⁻¹M) from the band of the
  /// inverse by the Hutchinson–de Hoog recursion (Hutchinson & de Hoog 1985).
  ///
  /// The search runs over log λ: a grid around the natural scale λ₀ = tr R / tr M (where the
  /// roughness penalty and the data term balance) from λ₀/10³ up to λ₀·n⁴ (where the fit is
  /// essentially the least-squares line), then a golden-section refinement around the best
  /// grid point.
  ///
  /// ```swift
  /// let (smoother, gcv) = try SplineSmoother.byGCV(knots: t, data: Matrix(column: y))
  /// print(gcv.lambda, gcv.degreesOfFreedom)
  /// ```
  /// - Throws: ``ApproximationError`` for bad knots, weights or data, or fewer than 3 points.
  /// - Complexity: O(n·c) per evaluation, about 30–60 evaluations.
  public static func byGCV(knots: [Double], data: Matrix, weights: [Double]? = nil)
    throws(ApproximationError) -> (SplineSmoother, GCVResult)
  {
    try _validateNodes(knots, minimum: 3, what: "knots")
    let penalty = try _SplinePenalty(knots: knots, weights: weights)
    guard data.rows == knots.count else {
      throw .lengthMismatch(what: "data rows", expected: knots.count, actual: data.rows)
    }
    try _validateFinite(data.storage, what: "data")
    let search = _GCVSearch(penalty: penalty, data: data)
    let result = try search.minimise()
    return (try SplineSmoother(_penalty: penalty, lambda: result.lambda), result)
  }

  /// The GCV criterion at one λ > 0; see ``byGCV(knots:data:weights:)``.
  public static func gcvScore(knots: [Double], data: Matrix, weights: [Double]? = nil, lambda: Double)
    throws(ApproximationError) -> (score: Double, degreesOfFreedom: Double)
  {
    guard lambda.isFinite, lambda > 0 else { throw .invalidLambda(lambda) }
    try _validateNodes(knots, minimum: 3, what: "knots")
    let penalty = try _SplinePenalty(knots: knots, weights: weights)
    guard data.rows == knots.count else {
      throw .lengthMismatch(what: "data rows", expected: knots.count, actual: data.rows)
    }
    try _validateFinite(data.storage, what: "data")
    return try _GCVSearch(penalty: penalty, data: data).score(logLambda: log10(lambda))
  }
}

/// One GCV search: the λ-independent pieces, computed once, and the work buffers every
/// evaluation reuses (R + λM and its factor, γ, the band of the inverse), so that trying one more
/// λ allocates nothing and makes four passes over O(n) memory.
final class _GCVSearch {
  let penalty: _SplinePenalty
  let data: Matrix
  let qty: Matrix
  let r: SymmetricBandMatrix
  let m: SymmetricBandMatrix
  private var factor: [Double]
  private var gamma: [Double]
  private var sigma: [Double]

  init(penalty: _SplinePenalty, data: Matrix) {
    self.penalty = penalty
    self.data = data
    qty = penalty.qTransposeTimes(data)
    (r, m) = penalty.bands()
    factor = [Double](repeating: 0, count: r.storage.count)
    gamma = [Double](repeating: 0, count: qty.storage.count)
    sigma = [Double](repeating: 0, count: r.storage.count)
  }

  /// GCV and tr S at λ = 10^logLambda.
  /// - Throws: ``ApproximationError/linearAlgebra(_:)`` when R + λM is not numerically positive
  ///   definite (λ/h³ beyond about 10¹⁶).
  func score(logLambda: Double) throws(ApproximationError) -> (score: Double, degreesOfFreedom: Double) {
    let lambda = _pow10(logLambda)
    let n = penalty.count
    let interior = penalty.interiorCount
    let columns = data.columns
    // R + λM straight into the factor buffer, then dpbtrf in place.
    factor.withUnsafeMutableBufferPointer { f in
      r.storage.withUnsafeBufferPointer { rs in
        m.storage.withUnsafeBufferPointer { ms in
          for i in 0..<f.count { f[i] = rs[i] + lambda * ms[i] }
        }
      }
    }
    do {
      try factor.withUnsafeMutableBufferPointer { (f) throws(LAPACKError) in
        try BandCholesky._factorInPlace(f.baseAddress!, order: interior, bandwidth: 2)
      }
      try gamma.withUnsafeMutableBufferPointer { (g) throws(LAPACKError) in
        qty.storage.withUnsafeBufferPointer { q in
          g.baseAddress!.update(from: q.baseAddress!, count: q.count)
        }
        try factor.withUnsafeBufferPointer { (f) throws(LAPACKError) in
          try BandCholesky._solve(
            factor: f.baseAddress!, order: interior, bandwidth: 2, rhs: g.baseAddress!,
            leadingDimension: interior, columns: columns)
        }
      }
    } catch {
      throw .linearAlgebra(error)
    }
    // Weighted residual sum of squares: y − g = λW⁻¹Qγ, so Σ wᵢ rᵢ² = λ² Σ (Qγ)ᵢ² / wᵢ.
    var rss = 0.0
    gamma.withUnsafeBufferPointer { gm in
      penalty.inverseSpacing.withUnsafeBufferPointer { ih in
        penalty.weights.withUnsafeBufferPointer { w in
          for c in 0..<columns {
            let column = gm.baseAddress! + c * interior
            if penalty.unitWeights {
              penalty._forEachQGamma(column, ih) { _, qg in rss += qg * qg }
            } else {
              penalty._forEachQGamma(column, ih) { i, qg in rss += qg * qg / w[i] }
            }
          }
        }
      }
    }
    rss *= lambda * lambda
    // tr(I − S) = λ·tr(B⁻¹M), with only the band of B⁻¹ needed since M is pentadiagonal.
    var trace = 0.0
    factor.withUnsafeBufferPointer { f in
      sigma.withUnsafeMutableBufferPointer { s in
        BandCholesky._bandOfInverse(
          factor: f.baseAddress!, order: interior, bandwidth: 2, into: s.baseAddress!)
        m.storage.withUnsafeBufferPointer { mm in
          for j in 0..<interior {
            let base = j * 3
            trace += s[base + 2] * mm[base + 2] + 2 * (s[base + 1] * mm[base + 1] + s[base] * mm[base])
          }
        }
      }
    }
    let residualDF = lambda * trace
    let score = Double(n) * rss / Double(columns) / (residualDF * residualDF)
    return (score, Double(n) - residualDF)
  }

  /// ``score(logLambda:)``, with a factorisation failure reported as an infinite score: the
  /// search steps over λ so large that R + λM is singular in floating point.
  func scoreOrInfinity(logLambda: Double) -> (score: Double, degreesOfFreedom: Double) {
    do { return try score(logLambda: logLambda) } catch { return (.infinity, .nan) }
  }

  func minimise() throws(ApproximationError) -> GCVResult {
    let n = Double(penalty.count)
    var traceR = 0.0
    var traceM = 0.0
    for j in 0..<penalty.interiorCount {
      traceR += r.storage[j * 3 + 2]
      traceM += m.storage[j * 3 + 2]
    }
    let scale = log10(traceR / traceM)
    let low = scale - 3
    let high = scale + 4 * log10(n)
    let step = n <= 1e5 ? 0.5 : 1.0
    var evaluations = 0
    var best = (u: low, score: Double.infinity, df: n)
    var u = low
    while u <= high + 1e-12 {
      let s = scoreOrInfinity(logLambda: u)
      evaluations += 1
      if s.score.isFinite && s.score < best.score { best = (u, s.score, s.degreesOfFreedom) }
      u += step
    }
    guard best.score.isFinite else {
      throw .linearAlgebra(
        .numericalFailure(routine: "GCV", index: 0, reason: "the criterion is not finite for any λ"))
    }
    // Golden-section refinement on [best − step, best + step] in log10 λ.
    let ratio = (5.0.squareRoot() - 1) / 2
    var a = best.u - step
    var b = best.u + step
    var x1 = b - ratio * (b - a)
    var x2 = a + ratio * (b - a)
    var f1 = scoreOrInfinity(logLambda: x1)
    var f2 = scoreOrInfinity(logLambda: x2)
    evaluations += 2
    while b - a > 1e-3 {
      if f1.score <= f2.score {
        b = x2
        x2 = x1
        f2 = f1
        x1 = b - ratio * (b - a)
        f1 = scoreOrInfinity(logLambda: x1)
      } else {
        a = x1
        x1 = x2
        f1 = f2
        x2 = a + ratio * (b - a)
        f2 = scoreOrInfinity(logLambda: x2)
      }
      evaluations += 1
    }
    for candidate in [(x1, f1), (x2, f2)] where candidate.1.score < best.score {
      best = (candidate.0, candidate.1.score, candidate.1.degreesOfFreedom)
    }
    return GCVResult(
      lambda: _pow10(best.u), score: best.score, degreesOfFreedom: best.df, evaluations: evaluations)
  }
}

@inline(__always) func _pow10(_ x: Double) -> Double { pow(10, x) }
