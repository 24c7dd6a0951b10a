import Foundation
import Testing

@testable import CodedComputing

/// The two-ended Givens route (`_SplinePenalty+TwistedQR.swift`): the same spline and the same
/// GCV criterion as the one-ended route, against independent references (the Float80 solve of
/// SplineLDLRouteTests, numpy's dense GCV values, scipy's GCV choice).
@Suite("Spline twisted Givens route")
struct SplineTwistedQRTests {
  typealias Shape = SplineLDLRouteTests.Shape

  /// Largest |a − b| / max|b|.
  static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let scale = b.map(abs).max() ?? 1
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
  }

  /// n = 4001 and 4002 (both parities of the split, so the top lane's extra column is covered),
  /// λ from well to badly conditioned (estimate ≈ 10³ … 10¹⁶): the fitted values are as close to
  /// the Float80 solve as the one-ended route's, and both are within the Givens bound
  /// (ε·√κ-sized). Measured: the twisted route's error at most 1.5× the one-ended one's (and
  /// often smaller), the largest 3e-10 relative at κ ≈ 10¹⁶.
  @Test("fits match the Float80 solve as closely as the one-ended route", arguments: Shape.allCases)
  func fitsMatchFloat80(shape: Shape) throws {
    for n in [4001, 4002] {
      let (t, weights, y) = SplineLDLRouteTests.problem(shape, n: n)
      let penalty = try _SplinePenalty(knots: t, weights: weights)
      let span = t[n - 1] - t[0]
      for scaled in [1e-8, 1e-5, 1e-2, 1.0] {
        let lambda = scaled * span * span * span
        let reference = float80SplineReference(
          knots: t, weights: weights, data: y, lambda: lambda)
        let twisted = penalty.fitByQR(data: Matrix(column: y), lambda: lambda, twisted: true)
        let oneEnded = penalty.fitByQR(data: Matrix(column: y), lambda: lambda, twisted: false)
        let errorTwisted = Self.relativeError(twisted.values.storage, reference)
        let errorOne = Self.relativeError(oneEnded.values.storage, reference)
        let estimate = penalty.conditionEstimate(lambda: lambda)
        let bound = 1e-15 * estimate.squareRoot() + 1e-14
        #expect(
          errorTwisted <= max(2 * errorOne, bound),
          "\(shape) n=\(n) λ=\(lambda): twisted \(errorTwisted), one-ended \(errorOne)")
        #expect(errorTwisted.isFinite && errorTwisted <= 1e-8, "\(shape) n=\(n) λ=\(lambda)")
        // Second derivatives agree as well (γ = z/√λ, compared at the scale of the largest).
        let gammaDifference = Self.relativeError(
          twisted.second.storage, oneEnded.second.storage)
        #expect(gammaDifference <= 1e-6, "\(shape) n=\(n) λ=\(lambda): γ \(gammaDifference)")
      }
    }
  }

  /// Fitted values at λ = 10¹², 10¹⁵, 10¹⁸ on the closed-form problem of `traceProblem` at
  /// n = 4 001 with yᵢ = sin(i/300) + (1 if i > 2000), at 12 knots (the ends, around the jump, the
  /// middle): 60-digit mpmath (scripts/spline_mpmath_reference.py).
  /// The closed-form problem of ``extremeFits`` (`scripts/spline_mpmath_reference.py`): 4 001
  /// uneven weighted knots and a step in the data.
  static func extremeProblem() throws -> (_SplinePenalty, [Double]) {
    let n = 4001
    let t = (0..<n).map { Double($0) + 0.4 * sin(Double($0)) }
    let w = (0..<n).map { 1 + 0.5 * cos(3 * Double($0)) }
    let y = (0..<n).map { sin(Double($0) / 300) + ($0 > 2000 ? 1.0 : 0.0) }
    return (try _SplinePenalty(knots: t, weights: w), y)
  }

  static let extremeKnots = [0, 1, 2, 1000, 1999, 2000, 2001, 2002, 3000, 3998, 3999, 4000]
  static let extremeFits: [(lambda: Double, values: [Double])] = [
    (
      1000000000000.0,
      [
        0.23883095596539015, 0.23888298970165007, 0.23892297616347737, 0.28894076671535223,
        0.4940190332131024, 0.49431756599713122, 0.49451861243119569, 0.49469939979462895,
        0.73164819522923614, 0.92594934155794349, 0.92609605133939624, 0.92622437391534268,
      ]
    ),
    (
      1000000000000000.0,
      [
        0.13418406920388342, 0.13444235480312216, 0.13464084001946311, 0.32750468205332226,
        0.52074615467598124, 0.52094884751172956, 0.5210853465198534, 0.52120808805897251,
        0.71438978709060893, 0.90752178556309833, 0.9076608346795526, 0.90778245670493491,
      ]
    ),
    (
      1e+18,
      [
        0.13404821717335581, 0.13430676135924533, 0.13450544529215257, 0.32754811593774587,
        0.52078960493511107, 0.52099219688860732, 0.52112862793518289, 0.52125130834575475,
        0.714373354110849, 0.90747901221060408, 0.9076180350457858, 0.90773963408373949,
      ]
    ),
  ]

  /// Far beyond any Cholesky route (estimates 7·10¹³ … 7·10¹⁹, near the λ → ∞ line): both routes
  /// against the 60-digit values. Measured: two-ended 4.4e-11, 8.0e-11, 1.8e-11; one-ended
  /// 1.0e-10, 8.0e-11, 4.2e-11 (relative to max |g|).
  @Test("extreme λ: both routes match a 60-digit solve")
  func extremeLambda() throws {
    let (penalty, y) = try Self.extremeProblem()
    for (lambda, exact) in Self.extremeFits {
      for twisted in [true, false] {
        let fit = penalty.fitByQR(data: Matrix(column: y), lambda: lambda, twisted: twisted)
        let ours = Self.extremeKnots.map { fit.values.storage[$0] }
        let error = Self.relativeError(ours, exact)
        #expect(error <= 1e-9, "twisted \(twisted) λ=\(lambda): \(error)")
      }
    }
  }

  /// Columns share the rotations; each column's numbers are its own single-column fit's, bit for
  /// bit (same operations in the same order).
  @Test("several columns: each equals its own fit exactly")
  func columnsAreIndependent() throws {
    let n = 3001
    var columns: [[Double]] = []
    for shape in [Shape.smooth, .noisy, .steps] {
      columns.append(SplineLDLRouteTests.problem(shape, n: n).2)
    }
    let t = SplineLDLRouteTests.problem(.smooth, n: n).0
    let penalty = try _SplinePenalty(knots: t, weights: nil)
    let data = Matrix(rows: n, columns: 3, columnMajor: columns.flatMap { $0 })
    let together = penalty.fitByQR(data: data, lambda: 1e-4, twisted: true)
    for (c, column) in columns.enumerated() {
      let alone = penalty.fitByQR(data: Matrix(column: column), lambda: 1e-4, twisted: true)
      #expect(Array(together.values.storage[(c * n)..<((c + 1) * n)]) == alone.values.storage)
      #expect(Array(together.second.storage[(c * n)..<((c + 1) * n)]) == alone.second.storage)
    }
  }

  /// Both factors reproduce their R (VᵀV = R row by row), the bottom factor is the mirrored
  /// knots' top factor bit for bit (and the other way round), and the twist is real.
  @Test("R's factor from the bottom is the mirrored knots' factor")
  func mirroredFactor() throws {
    let (t, weights, _) = SplineLDLRouteTests.problem(.unevenWeighted, n: 501)
    let penalty = try _SplinePenalty(knots: t, weights: weights)
    let mirrored = try _SplinePenalty(knots: t.reversed().map { -$0 }, weights: nil)
    let both = penalty._rFactorsFromBothEnds()
    let mirror = mirrored._rFactorsFromBothEnds()
    #expect(both.mirrored.diagonal == mirror.top.diagonal)
    #expect(both.mirrored.offDiagonal == mirror.top.offDiagonal)
    #expect(both.top.diagonal == mirror.mirrored.diagonal)
    #expect(both.top.offDiagonal == mirror.mirrored.offDiagonal)
    let m = penalty.interiorCount
    let r = penalty.r
    for (factor, band) in [(both.top, r), (both.mirrored, mirrored.r)] {
      for j in 0..<m {
        let above = j > 0 ? factor.offDiagonal[j - 1] : 0
        let diagonal = factor.diagonal[j] * factor.diagonal[j] + above * above
        #expect(abs(diagonal - band.storage[3 * j + 2]) <= 1e-15 * band.storage[3 * j + 2])
        if j + 1 < m {
          let off = factor.diagonal[j] * factor.offDiagonal[j]
          #expect(abs(off - band.storage[3 * j + 4]) <= 1e-15 * band.storage[3 * j + 4])
        }
      }
    }
    // The twist at a middle column k (the bottom factor's row k + 1 is mirrored row m − 2 − k).
    let k = 200
    let rkk = r.storage[3 * k + 2]
    let topOff = both.top.offDiagonal[k - 1]
    let bottomOff = both.mirrored.offDiagonal[m - 2 - k]
    #expect(rkk - topOff * topOff - bottomOff * bottomOff > 0.5 * rkk)
  }

  /// The GCV criterion through the two-ended sweep (forced on the 60-knot reference problem)
  /// against numpy's dense computation (scripts/make_spline_test_values.py, `dense_gcv`), the
  /// same 1e-9 as GCVTests.
  @Test("GCV score and degrees of freedom equal the dense computation")
  func gcvMatchesDense() throws {
    let penalty = try _SplinePenalty(knots: SplineReferenceData.gcvKnots, weights: nil)
    let data = Matrix(column: SplineReferenceData.gcvData)
    let search = _GCVSearch(penalty: penalty, data: data, twisted: true)
    #expect(search.twisted)
    GCVTests.expectDenseProbes { search.scoreByQR(lambda: $0) }
    // scipy's choice (make_smoothing_spline(x, y), lam=None; GCVTests), within 1%.
    let found = try search.minimise()
    #expect(abs(found.lambda / SplineReferenceData.gcvScipyLambda - 1) <= 0.01)
  }

  /// The closed-form problem of scripts/spline_mpmath_reference.py: tᵢ = i + 0.4·sin(i),
  /// wᵢ = 1 + 0.5·cos(3i), n = 20 001 (above the two-ended threshold).
  static func traceProblem() throws -> _SplinePenalty {
    let n = 20_001
    let t = (0..<n).map { Double($0) + 0.4 * sin(Double($0)) }
    let w = (0..<n).map { 1 + 0.5 * cos(3 * Double($0)) }
    return try _SplinePenalty(knots: t, weights: w)
  }

  /// tr S_λ computed at 45 digits in mpmath (scripts/spline_mpmath_reference.py).
  static let exactDegreesOfFreedom: [(lambda: Double, degreesOfFreedom: Double)] = [
    (100.0, 2233.5909652315429),
    (100000.0, 398.65712402589819),
    (100000000.0, 71.714847389487683),
    (100000000000.0, 13.575083743424554),
    (10000000000000.0, 4.9765941446970811),
  ]

  /// Both routes' degrees of freedom against the exact values, within a Givens-sized bound
  /// 10⁻¹⁴·√κ + 10⁻¹³ relative (κ the condition estimate, up to 2·10¹⁴ here). Measured on the
  /// dumped test problem of the first version of this test (same shape): errors 4e-10, 1.2e-8,
  /// 3.8e-8 two-ended against 1e-10, 1.3e-8, 2.7e-7 one-ended at κ ≈ 2e9, 7e11, 2e14 — the trace
  /// recursion on a Givens factor loses about 5·ε·√κ, whichever end it starts from.
  @Test("GCV degrees of freedom match a 45-digit computation at n = 20 001")
  func degreesOfFreedomMatchExact() throws {
    let penalty = try Self.traceProblem()
    let n = penalty.count
    let y = (0..<n).map { sin(Double($0) / 700) }
    let twisted = _GCVSearch(penalty: penalty, data: Matrix(column: y))
    let oneEnded = _GCVSearch(penalty: penalty, data: Matrix(column: y), twisted: false)
    #expect(twisted.twisted && !oneEnded.twisted)
    for (lambda, exact) in Self.exactDegreesOfFreedom {
      let bound = 1e-14 * penalty.conditionEstimate(lambda: lambda).squareRoot() + 1e-13
      for (name, search) in [("two-ended", twisted), ("one-ended", oneEnded)] {
        let df = search.scoreByQR(lambda: lambda).degreesOfFreedom
        #expect(
          abs(df - exact) <= bound * exact, "\(name) λ=\(lambda): \(df) vs exact \(exact)")
      }
    }
  }

  /// Two data columns on the same problem: the two-ended criterion equals the one-ended one to
  /// rounding where the problem is well conditioned, and both searches choose the same λ to the
  /// search's tolerance (1e-3 in log₁₀ λ).
  @Test("GCV two-ended equals one-ended at n = 20 001, two columns")
  func gcvMatchesOneEnded() throws {
    let penalty = try Self.traceProblem()
    let n = penalty.count
    var generator = SplitMix64(seed: 5)
    let y1 = (0..<n).map { sin(Double($0) / 900) + 0.2 * standardNormal(using: &generator) }
    let y2 = (0..<n).map { Double($0) < 8000 ? 0.0 : 1.0 + 0.1 * standardNormal(using: &generator) }
    let data = Matrix(rows: n, columns: 2, columnMajor: y1 + y2)
    let twisted = _GCVSearch(penalty: penalty, data: data)
    let oneEnded = _GCVSearch(penalty: penalty, data: data, twisted: false)
    for lambda in [1e1, 1e3, 1e5, 1e7] {
      let a = twisted.scoreByQR(lambda: lambda)
      let b = oneEnded.scoreByQR(lambda: lambda)
      #expect(abs(a.score - b.score) <= 1e-11 * b.score, "λ=\(lambda): \(a.score) vs \(b.score)")
    }
    let chosenTwisted = try twisted.minimise()
    let chosenOne = try oneEnded.minimise()
    #expect(abs(log10(chosenTwisted.lambda / chosenOne.lambda)) <= 2e-3)
    #expect(abs(chosenTwisted.score - chosenOne.score) <= 1e-9 * chosenOne.score)
  }
}
