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

/// One GCV search: the λ-independent pieces, computed once.
struct _GCVSearch {
  let penalty: _SplinePenalty
  let data: Matrix
  let qty: Matrix

  init(penalty: _SplinePenalty, data: Matrix) {
    self.penalty = penalty
    self.data = data
    qty = penalty.qTransposeTimes(data)
  }

  /// GCV and tr S at λ = 10^logLambda.
  func score(logLambda: Double) throws(ApproximationError) -> (score: Double, degreesOfFreedom: Double) {
    let lambda = _pow10(logLambda)
    let factor = try penalty.factorized(lambda: lambda)
    var gamma = qty
    do { try factor.solve(&gamma) } catch { throw .linearAlgebra(error) }
    let n = penalty.count
    let interior = penalty.interiorCount
    // Weighted residual sum of squares: y − g = λW⁻¹Qγ, so Σ wᵢ rᵢ² = λ² Σ (Qγ)ᵢ² / wᵢ.
    var rss = 0.0
    gamma.storage.withUnsafeBufferPointer { gm in
      for c in 0..<data.columns {
        let mb = c * interior
        for i in 0..<n {
          var qg = 0.0
          if i < interior { qg += penalty.q0[i] * gm[mb + i] }
          if i >= 1 && i - 1 < interior { qg += penalty.q1[i - 1] * gm[mb + i - 1] }
          if i >= 2 && i - 2 < interior { qg += penalty.q2[i - 2] * gm[mb + i - 2] }
          rss += qg * qg / penalty.weights[i]
        }
      }
    }
    rss *= lambda * lambda
    // tr(I − S) = λ·tr(B⁻¹M), with only the band of B⁻¹ needed since M is pentadiagonal.
    let sigma = factor.bandOfInverse()
    var trace = 0.0
    sigma.storage.withUnsafeBufferPointer { s in
      penalty.m.storage.withUnsafeBufferPointer { mm in
        for j in 0..<interior {
          let base = j * 3
          trace += s[base + 2] * mm[base + 2] + 2 * (s[base + 1] * mm[base + 1] + s[base] * mm[base])
        }
      }
    }
    let residualDF = lambda * trace
    let score = Double(n) * rss / Double(data.columns) / (residualDF * residualDF)
    return (score, Double(n) - residualDF)
  }

  func minimise() throws(ApproximationError) -> GCVResult {
    let n = Double(penalty.count)
    var traceR = 0.0
    var traceM = 0.0
    for j in 0..<penalty.interiorCount {
      traceR += penalty.r.storage[j * 3 + 2]
      traceM += penalty.m.storage[j * 3 + 2]
    }
    let scale = log10(traceR / traceM)
    let low = scale - 3
    let high = scale + 4 * log10(n)
    let step = n <= 1e5 ? 0.5 : 1.0
    var evaluations = 0
    var best = (u: low, score: Double.infinity, df: n)
    var u = low
    while u <= high + 1e-12 {
      let s = try score(logLambda: u)
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
    var f1 = try score(logLambda: x1)
    var f2 = try score(logLambda: x2)
    evaluations += 2
    while b - a > 1e-3 {
      if f1.score <= f2.score {
        b = x2
        x2 = x1
        f2 = f1
        x1 = b - ratio * (b - a)
        f1 = try score(logLambda: x1)
      } else {
        a = x1
        x1 = x2
        f1 = f2
        x2 = a + ratio * (b - a)
        f2 = try score(logLambda: x2)
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
