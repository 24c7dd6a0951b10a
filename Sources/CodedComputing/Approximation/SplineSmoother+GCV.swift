import Foundation
import Synchronization

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
  /// minimises when `lam` is None. Each evaluation is O(n): a Givens factorisation UᵀU = R + λM
  /// of the equivalent least-squares problem (never forming R + λM, which is too ill-conditioned
  /// at large n; see `SplinePenalty+QR.swift`), one back substitution per column, and the trace
  /// tr S_λ = 2 + tr((R + λM)⁻¹R) by the Hutchinson–de Hoog recursion on U (Hutchinson &
  /// de Hoog 1985), streamed without storing the band of the inverse. From 10⁴ knots the sweep
  /// runs from both ends at once and the recursion rides along the outward back substitution
  /// (`_SplinePenalty+TwistedQR.swift`), which halves the time of every evaluation.
  ///
  /// The search runs over log λ: a grid around the natural scale λ₀ = tr R / tr M (where the
  /// roughness penalty and the data term balance) from λ₀/10³ up to λ₀·n⁴ (where the fit is
  /// essentially the least-squares line), with steps of 0.5 in log₁₀ λ up to n = 10⁵ and 2 above,
  /// then Brent's method (Brent 1973) on the bracket around the best grid point, to about 10⁻³
  /// in log₁₀ λ. Every evaluation goes through the Givens factorisation (never dpbtrf), so the
  /// search also works where R + λM is too ill-conditioned to form, as at n = 10⁶.
  ///
  /// ```swift
  /// let (smoother, gcv) = try SplineSmoother.byGCV(knots: t, data: Matrix(column: y))
  /// print(gcv.lambda, gcv.degreesOfFreedom)
  /// ```
  /// - Throws: ``ApproximationError`` for bad knots, weights or data, or fewer than 3 points.
  /// - Complexity: O(n·c) per evaluation, about 25–55 evaluations.
  public static func byGCV(knots: [Double], data: Matrix, weights: [Double]? = nil)
    throws(ApproximationError) -> (SplineSmoother, GCVResult)
  {
    let (scaling, penalty, scaledData) = try _gcvProblem(knots: knots, data: data, weights: weights)
    let search = _GCVSearch(penalty: penalty, data: scaledData)
    let found = try search.minimise()
    let lambda = scaling.originalLambda(found.lambda)
    guard lambda.isFinite, lambda.isNormal || found.lambda == 0 else {
      let side = lambda.isFinite ? "below the smallest normal" : "beyond the largest"
      throw .outOfRange(
        "GCV chose λ = \(found.lambda) for the knots rescaled by 2^\(-scaling.knotExponent) "
          + "and the weights by 2^\(-scaling.weightExponent), which is \(side) Double in the "
          + "data's own units; rescale t (λ scales as the cube of the knots' unit) or give "
          + "--lambda"
      )
    }
    let smoother = try SplineSmoother(
      knots: knots, scaling: scaling, penalty: penalty, scaledLambda: found.lambda, lambda: lambda)
    let exponent = _dataExponent(data.storage)
    let score = _SplineScaling.scale(
      _SplineScaling.scale(found.score, by: 2 * exponent), by: scaling.weightExponent)
    return (
      smoother,
      GCVResult(
        lambda: lambda, score: score, degreesOfFreedom: found.degreesOfFreedom,
        evaluations: found.evaluations)
    )
  }

  /// The GCV criterion at one λ > 0; see ``byGCV(knots:data:weights:)``.
  public static func gcvScore(
    knots: [Double], data: Matrix, weights: [Double]? = nil, lambda: Double
  )
    throws(ApproximationError) -> (score: Double, degreesOfFreedom: Double)
  {
    guard lambda.isFinite, lambda > 0 else { throw .invalidLambda(lambda) }
    let (scaling, penalty, scaledData) = try _gcvProblem(knots: knots, data: data, weights: weights)
    let scaledLambda = scaling.scaledLambda(lambda)
    guard scaledLambda > 0, scaledLambda.isFinite else {
      throw .outOfRange(
        "λ = \(lambda) is \(scaledLambda) once the knots are rescaled to a unit span: "
          + "outside the range GCV can score"
      )
    }
    let found = try _GCVSearch(penalty: penalty, data: scaledData).score(
      logLambda: log10(scaledLambda))
    let exponent = _dataExponent(data.storage)
    let score = _SplineScaling.scale(
      _SplineScaling.scale(found.score, by: 2 * exponent), by: scaling.weightExponent)
    return (score, found.degreesOfFreedom)
  }

  /// Validates a GCV problem and brings knots, weights and data to the scaled units of
  /// ``_SplineScaling`` (GCV's choice of λ maps exactly back; its score scales by ω·c²).
  static func _gcvProblem(knots: [Double], data: Matrix, weights: [Double]?)
    throws(ApproximationError) -> (_SplineScaling, _SplinePenalty, Matrix)
  {
    try _validateNodes(knots, minimum: 3, what: "knots")
    guard data.rows == knots.count else {
      throw .lengthMismatch(what: "data rows", expected: knots.count, actual: data.rows)
    }
    let exponent = try _validatedDataExponent(data.storage, what: "data")
    let scaling = _SplineScaling(knots: knots, weights: weights)
    let penalty = try _scaledPenalty(validatedKnots: knots, weights: weights, scaling)
    return (scaling, penalty, _scaledBack(data, by: -exponent))
  }
}

/// One GCV search: the λ-independent pieces, computed once, and the work buffers every
/// evaluation reuses (U, z and the rotated right-hand sides), so that trying one more λ
/// allocates nothing and makes three passes over O(n) memory.
/// `@unchecked Sendable`: an instance's scratch buffers are used by one thread at a time — the
/// parallel coarse grid gives each thread its own instance.
final class _GCVSearch: @unchecked Sendable {
  let penalty: _SplinePenalty
  let data: Matrix
  let r: SymmetricBandMatrix
  let m: SymmetricBandMatrix
  private var factor: [Double]
  private var qrZ: [Double] = []
  private var qrRHS: [Double] = []
  private var qrInverse: [Double] = []
  /// R = VᵀV, shared by every sweep.
  private let rFactor: (diagonal: [Double], offDiagonal: [Double])
  /// Whether evaluations run the two-ended sweep (`_SplinePenalty+TwistedQR.swift`).
  let twisted: Bool
  /// R's factor from the bottom, in mirrored order (twisted searches only).
  private let mirroredRFactor: (diagonal: [Double], offDiagonal: [Double])
  private var twistedScratch = _TwistedGivensScratch()

  /// `twisted` nil: two-ended from ``_SplinePenalty/twistedQRMinimumCount`` knots on.
  init(penalty: _SplinePenalty, data: Matrix, twisted: Bool? = nil) {
    self.penalty = penalty
    self.data = data
    (r, m) = penalty.bands()
    let useTwisted =
      (twisted ?? (penalty.count >= _SplinePenalty.twistedQRMinimumCount))
      && penalty.interiorCount >= 6
    self.twisted = useTwisted
    let factors = penalty._rFactorsFromBothEnds()
    rFactor = factors.top
    mirroredRFactor = useTwisted ? factors.mirrored : ([], [])
    factor = useTwisted ? [] : [Double](repeating: 0, count: r.storage.count)
  }

  /// A second search over the same problem, sharing the λ-independent parts (not the buffers).
  private init(sharing other: _GCVSearch) {
    penalty = other.penalty
    data = other.data
    r = other.r
    m = other.m
    rFactor = other.rFactor
    twisted = other.twisted
    mirroredRFactor = other.mirroredRFactor
    factor = [Double](repeating: 0, count: other.factor.count)
  }

  /// GCV and tr S at λ = 10^logLambda, always through the Givens factorisation: it is as
  /// accurate as the Cholesky route where that one works (agreement to about 10⁻¹² relative
  /// for well-conditioned λ), stays accurate where R + λM cannot be formed, and avoids the
  /// per-column BLAS calls of LAPACK's unblocked dpbtf2, so it is also the faster of the two.
  func score(logLambda: Double) throws(ApproximationError) -> (
    score: Double, degreesOfFreedom: Double
  ) {
    scoreByQR(lambda: _pow10(logLambda))
  }

  /// The GCV score through the Givens factorisation (ill-conditioned R + λM): one sweep gives U
  /// and the residuals, and the degrees of freedom come from tr S = 2 + tr((R + λM)⁻¹R), which
  /// needs no cancellation (R + λM = UᵀU). Reuses the search's buffers; allocates nothing.
  func scoreByQR(lambda: Double) -> (score: Double, degreesOfFreedom: Double) {
    let n = penalty.count
    let interior = penalty.interiorCount
    if qrZ.count != n * data.columns { qrZ = [Double](repeating: 0, count: n * data.columns) }
    if twisted { return scoreTwisted(lambda: lambda) }
    if qrRHS.count != 4 * data.columns { qrRHS = [Double](repeating: 0, count: 4 * data.columns) }
    if qrInverse.count != interior { qrInverse = [Double](repeating: 0, count: interior) }
    var rss = 0.0
    var traceSigmaR = 0.0
    factor.withUnsafeMutableBufferPointer { u in
      // The Givens sweep writes only the slots inside the matrix; clear the two unused ones.
      for k in 0..<min(u.count, 3) where k != 2 { u[k] = 0 }
      if u.count > 3 { u[3] = 0 }
      qrInverse.withUnsafeMutableBufferPointer { inverse in
        qrZ.withUnsafeMutableBufferPointer { z in
          qrRHS.withUnsafeMutableBufferPointer { rhs in
            rFactor.diagonal.withUnsafeBufferPointer { vd in
              rFactor.offDiagonal.withUnsafeBufferPointer { vo in
                rss = penalty._sweepForGCV(
                  data: data, lambda: lambda, u: u, inverse: inverse, z: z, rhs: rhs,
                  rFactor: (vd.baseAddress!, vo.baseAddress!))
              }
            }
          }
        }
        r.storage.withUnsafeBufferPointer { rr in
          traceSigmaR = BandCholesky._traceOfInverseTimes(
            factor: UnsafePointer(u.baseAddress!),
            inverseDiagonal: UnsafePointer(inverse.baseAddress!),
            order: interior, band: rr.baseAddress!)
        }
      }
    }
    let df = 2 + traceSigmaR
    let residualDF = Double(n) - df
    let score = Double(n) * rss / (residualDF * residualDF)
    return (score, df)
  }

  /// ``scoreByQR(lambda:)`` through the two-ended sweep, whose back substitution carries the
  /// trace recursion along.
  private func scoreTwisted(lambda: Double) -> (score: Double, degreesOfFreedom: Double) {
    let n = penalty.count
    let columns = data.columns
    let traceSigmaR = qrZ.withUnsafeMutableBufferPointer { z in
      data.storage.withUnsafeBufferPointer { y in
        r.storage.withUnsafeBufferPointer { band in
          rFactor.diagonal.withUnsafeBufferPointer { vd in
            rFactor.offDiagonal.withUnsafeBufferPointer { vo in
              mirroredRFactor.diagonal.withUnsafeBufferPointer { md in
                mirroredRFactor.offDiagonal.withUnsafeBufferPointer { mo in
                  penalty._twistedGivens(
                    y: y.baseAddress!, columns: columns, lambda: lambda, z: z.baseAddress!,
                    scratch: &twistedScratch,
                    rFactors: _RFactorPointers(
                      diagonal: vd.baseAddress!, offDiagonal: vo.baseAddress!,
                      mirroredDiagonal: md.baseAddress!, mirroredOffDiagonal: mo.baseAddress!),
                    band: band.baseAddress!)
                }
              }
            }
          }
        }
      }
    }
    let rss = qrZ.withUnsafeBufferPointer { z in
      penalty._residualForGCV(z: z.baseAddress!, columns: columns, lambda: lambda)
    }
    let df = 2 + traceSigmaR
    let residualDF = Double(n) - df
    return (Double(n) * rss / (residualDF * residualDF), df)
  }

  /// ``score(logLambda:)``, with a factorisation failure reported as an infinite score: the
  /// search steps over λ so large that R + λM is singular in floating point.
  func scoreOrInfinity(logLambda: Double) -> (score: Double, degreesOfFreedom: Double) {
    do { return try score(logLambda: logLambda) } catch { return (.infinity, .nan) }
  }

  /// The criterion at every grid point. For n ≥ 10⁵ (a direct call on large data, not a
  /// coded-computing decoder) the points are shared between two threads, each with its own
  /// instance and buffers; the scores are the same numbers either way.
  func coarseScores(_ grid: [Double]) -> [(score: Double, degreesOfFreedom: Double)] {
    guard penalty.count >= 100_000, ProcessInfo.processInfo.activeProcessorCount > 1 else {
      return grid.map { scoreOrInfinity(logLambda: $0) }
    }
    let searches = [self, _GCVSearch(sharing: self)]
    let results = Mutex(
      [(score: Double, degreesOfFreedom: Double)](
        repeating: (.infinity, .nan), count: grid.count))
    DispatchQueue.concurrentPerform(iterations: 2) { part in
      for index in stride(from: part, to: grid.count, by: 2) {
        let s = searches[part].scoreOrInfinity(logLambda: grid[index])
        results.withLock { $0[index] = s }
      }
    }
    return results.withLock { $0 }
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
    guard low.isFinite, high.isFinite else {
      throw .outOfRange(
        "GCV cannot place its search: the knots' natural scale tr R / tr M = "
          + "\(traceR)/\(traceM) is not a finite positive number (knot spacings too uneven for "
          + "a Double)"
      )
    }
    // Coarse grid, then Brent's method (golden section with parabolic steps) on the bracket
    // around the best grid point; about 14 + 10 evaluations at n = 10⁶. The grid has a fixed
    // number of points (its bounds are finite), so the search always ends.
    let step = n <= 1e5 ? 0.5 : 2.0
    let count = Int(((high - low) / step + 1e-12).rounded(.down)) + 1
    var grid: [Double] = []
    var u = low
    for _ in 0..<count {
      grid.append(u)
      u += step
    }
    var evaluations = grid.count
    let scores = coarseScores(grid)
    var best = (u: low, score: Double.infinity, df: n)
    for (u, s) in zip(grid, scores) where s.score.isFinite && s.score < best.score {
      best = (u, s.score, s.degreesOfFreedom)
    }
    guard best.score.isFinite else {
      throw .linearAlgebra(
        .numericalFailure(routine: "GCV", index: 0, reason: "the criterion is not finite for any λ")
      )
    }
    let refined = _brentMinimum(
      lower: best.u - step, upper: best.u + step, start: best, tolerance: 5e-4
    ) {
      evaluations += 1
      return scoreOrInfinity(logLambda: $0)
    }
    if refined.score < best.score { best = refined }
    return GCVResult(
      lambda: _pow10(best.u), score: best.score, degreesOfFreedom: best.df, evaluations: evaluations
    )
  }
}

@inline(__always) func _pow10(_ x: Double) -> Double { pow(10, x) }

/// Brent's minimiser on [lower, upper] (golden section with parabolic interpolation; Brent 1973,
/// ch. 5), started at `start`, stopping when the bracket is below about 4·tolerance.
func _brentMinimum(
  lower: Double, upper: Double, start: (u: Double, score: Double, df: Double), tolerance: Double,
  _ f: (Double) -> (score: Double, degreesOfFreedom: Double)
) -> (u: Double, score: Double, df: Double) {
  let golden = 0.5 * (3 - 5.0.squareRoot())
  var a = lower
  var b = upper
  var x = start.u
  var fx = start.score
  var dfx = start.df
  var w = x
  var v = x
  var fw = fx
  var fv = fx
  var d = 0.0
  var e = 0.0
  for _ in 0..<60 {
    let middle = 0.5 * (a + b)
    let tol1 = tolerance
    let tol2 = 2 * tol1
    if abs(x - middle) <= tol2 - 0.5 * (b - a) { break }
    var useGolden = true
    if abs(e) > tol1 {
      // Parabola through (v, fv), (w, fw), (x, fx).
      let r = (x - w) * (fx - fv)
      var q = (x - v) * (fx - fw)
      var p = (x - v) * q - (x - w) * r
      q = 2 * (q - r)
      if q > 0 { p = -p }
      q = abs(q)
      let previous = e
      e = d
      if abs(p) < abs(0.5 * q * previous) && p > q * (a - x) && p < q * (b - x) {
        d = p / q
        let trial = x + d
        if trial - a < tol2 || b - trial < tol2 { d = middle >= x ? tol1 : -tol1 }
        useGolden = false
      }
    }
    if useGolden {
      e = x >= middle ? a - x : b - x
      d = golden * e
    }
    let trial = abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1)
    let result = f(trial)
    let ft = result.score.isFinite ? result.score : Double.greatestFiniteMagnitude
    if ft <= fx {
      if trial >= x { a = x } else { b = x }
      v = w
      fv = fw
      w = x
      fw = fx
      x = trial
      fx = ft
      dfx = result.degreesOfFreedom
    } else {
      if trial < x { a = trial } else { b = trial }
      if ft <= fw || w == x {
        v = w
        fv = fw
        w = trial
        fw = ft
      } else if ft <= fv || v == x || v == w {
        v = trial
        fv = ft
      }
    }
  }
  return (x, fx, dfx)
}
