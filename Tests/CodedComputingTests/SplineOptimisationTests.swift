import Foundation
import Testing

@testable import CodedComputing

@Suite("Route choice on non-uniform knots")
struct SplineRouteTests {
  /// 900 Chebyshev (2nd kind, N = 1000) knots, the first 100 dropped (a straggler window), data
  /// t·sin 4t + 0.01·N(0, 1) from SplitMix64 seed 5. Reference: the same penalised problem solved
  /// in 40-digit arithmetic (mpmath 1.3.0: banded Cholesky of R + λM, then g = y − λQγ), fitted
  /// values at knots 0, 1, 2, 450, 897, 898, 899.
  static let reference: [Double: [Double]] = [
    1e-8: [-0.5852032262740443, -0.5845556880172972, -0.5836953537771716, 0.09839359034924683,
           -0.7582918651501923, -0.7583359266544893, -0.758350614427235],
    1e-6: [-0.589321980918222, -0.5855507607770233, -0.5817371533445275, 0.09337619620657146,
           -0.7581370817487957, -0.7581932531699126, -0.7582119770443176],
    1e-4: [-0.5881311577221421, -0.584472352611552, -0.5807783315707097, 0.09278792790225805,
           -0.7578967215734652, -0.7579480661597231, -0.7579651810782853],
  ]

  @Test("Chebyshev knots fit to 1e-12 of a 40-digit solution", arguments: [1e-8, 1e-6, 1e-4])
  func chebyshevAccuracy(lambda: Double) throws {
    let knots = Array(NodeFamily.chebyshevSecondKind.nodes(count: 1000)[100...])
    var generator = SplitMix64(seed: 5)
    let y = knots.map { $0 * sin(4 * $0) + 0.01 * standardNormal(using: &generator) }
    let spline = try SmoothingSpline(knots: knots, data: y, lambda: lambda)
    let expected = try #require(Self.reference[lambda])
    for (i, index) in [0, 1, 2, 450, 897, 898, 899].enumerated() {
      #expect(abs(spline.values[index, 0] - expected[i]) <= 1e-12)
    }
    // These decoders are cheap again: the bulk spacing (not the 1/N² end spacing) sets the route.
    #expect(!(try SplineSmoother(knots: knots, lambda: lambda))._usesQR)
  }
}

/// The optimised spline engine against straightforward references: a dense solve of Reinsch's
/// system, 60-digit mpmath fits where R + λM is too ill-conditioned for double precision, and the
/// plain Hutchinson–de Hoog recursion.
@Suite("Spline engine optimisations")
struct SplineOptimisationTests {
  /// Reinsch's system straight from the textbook (Green & Silverman 1994, §2.1) with dense
  /// matrices and LAPACK dgesv: the fitted values g = y − λW⁻¹Qγ, (R + λQᵀW⁻¹Q)γ = Qᵀy.
  static func denseReference(
    knots t: [Double], weights w: [Double], data y: [Double], lambda: Double
  )
    throws -> [Double]
  {
    let n = t.count
    let m = n - 2
    var q = Matrix(rows: n, columns: m)
    var r = Matrix(rows: m, columns: m)
    for c in 0..<m {
      let h0 = t[c + 1] - t[c]
      let h1 = t[c + 2] - t[c + 1]
      q[c, c] = 1 / h0
      q[c + 1, c] = -1 / h0 - 1 / h1
      q[c + 2, c] = 1 / h1
      r[c, c] = (h0 + h1) / 3
      if c + 1 < m {
        r[c, c + 1] = h1 / 6
        r[c + 1, c] = h1 / 6
      }
    }
    var winvQ = q
    for i in 0..<n { for c in 0..<m { winvQ[i, c] /= w[i] } }
    var system = try Matrix.multiply(q, winvQ, transposeA: true)
    for i in 0..<m { for j in 0..<m { system[i, j] = r[i, j] + lambda * system[i, j] } }
    let qty = try Matrix.multiply(q, Matrix(column: y), transposeA: true)
    let gamma = try Matrix.solve(system, qty)
    let correction = try Matrix.multiply(winvQ, gamma)
    return (0..<n).map { y[$0] - lambda * correction[$0, 0] }
  }

  @Test(
    "The Cholesky route matches a dense solve of Reinsch's system",
    arguments: [(7, 1e-3), (30, 1e-5), (30, 1e-2), (200, 1e-7), (200, 1e-4)])
  func choleskyMatchesDense(n: Int, lambda: Double) throws {
    var generator = SplitMix64(seed: UInt64(n) &* 7919 &+ UInt64(lambda.exponent + 100))
    // A jittered grid: spacings at least 0.5/n keep 9λ/h³ far below the switch to Givens.
    let t = (0..<n).map {
      (Double($0) + 0.5 * Double.random(in: 0..<1, using: &generator)) / Double(n)
    }
    let y = t.map { sin(6 * $0) + Double.random(in: -0.1..<0.1, using: &generator) }
    let w = (0..<n).map { _ in Double.random(in: 0.5..<2, using: &generator) }
    let smoother = try SplineSmoother(knots: t, weights: w, lambda: lambda)
    // These cases are well conditioned, so the factorisation route (dpbtrf) is the one taken.
    #expect(!smoother._usesQR)
    let fitted = try smoother.fit(y).values.storage
    let reference = try Self.denseReference(knots: t, weights: w, data: y, lambda: lambda)
    #expect(relativeGap(fitted, reference) < 1e-10)
  }

  @Test(
    "The Givens route agrees with the Cholesky route where both are accurate",
    arguments: [1e-9, 1e-7, 1e-5, 1e-4])
  func givensMatchesCholesky(lambda: Double) throws {
    // n = 2000 equispaced on [0, 1] (h = 1/1999, h³ ≈ 1.25e-10): 9λ/h³ from about 70 to 7e6,
    // all below the switch at 1e8, so SplineSmoother factorises; the Givens route is forced here.
    let n = 2000
    var generator = SplitMix64(seed: 42)
    let t = (0..<n).map { Double($0) / Double(n - 1) }
    let y = t.map { sin(2 * .pi * $0) + Double.random(in: -0.1..<0.1, using: &generator) }
    let penalty = try _SplinePenalty(knots: t, weights: nil)
    let cholesky = try SplineSmoother(_penalty: penalty, lambda: lambda)
    #expect(!cholesky._usesQR)
    let viaCholesky = try cholesky.fit(y)
    let (values, second) = penalty.fitByQR(data: Matrix(column: y), lambda: lambda)
    #expect(relativeGap(values, viaCholesky.values) < 1e-10)
    #expect(relativeGap(second, viaCholesky.secondDerivatives) < 1e-8)
  }

  // 12 knots 1e-3 apart; y_i = cos(250 t_i) + 0.01·(−1)^i; weights 1 + (i mod 3).
  static let tinyKnots = [
    0, 0.001, 0.0021, 0.003, 0.0042, 0.005, 0.0061, 0.007, 0.008, 0.0093, 0.01, 0.011,
  ]
  static let tinyData = [
    1.01, 0.9589124217106447, 0.8753239416229414, 0.7216888688738209, 0.507571047891727,
    0.3053223623952686, 0.055780320340397094, -0.18824605564949212, -0.4061468365471424,
    -0.6947085092917306, -0.7911436155469337, -0.9343023786324635,
  ]

  /// Fitted values at the knots from Reinsch's system solved densely in 60-digit arithmetic
  /// (mpmath 1.3, `mp.dps = 60`, `mp.lu_solve(R + lam*Q.T*Winv*Q, Q.T*Y)`, g = Y − lam*Winv*Q*γ;
  /// the script is in the commit that added this test: /tmp/spl/mpcase.py, reproduced in
  /// Guides/SmoothingSpline-Performance.md).
  static let tinyReference: [(lambda: Double, weighted: Bool, values: [Double])] = [
    (
      1e6, false,
      [
        1.2047967640310744, 1.009331852468769, 0.7943204497502332, 0.6184020293441579,
        0.3838441354693901, 0.2274722062195443, 0.012460803501005698, -0.16345761690507168,
        -0.35892252846738026, -0.6130269134983815, -0.7498523515919977, -0.9453172631543063,
      ]
    ),
    (
      1e6, true,
      [
        1.2361149398660987, 1.0371126789622298, 0.8182101919679738, 0.6391081571544911,
        0.40030544406984636, 0.24110363534674906, 0.022201148352489382, -0.15690088646099629,
        -0.3559031473648696, -0.6146060865399049, -0.7539076691726165, -0.9529099300764897,
      ]
    ),
    (
      1e9, false,
      [
        1.2047967640310786, 1.0093318524687713, 0.7943204497502331, 0.6184020293441563,
        0.38384413546938745, 0.22747220621954142, 0.012460803501003169, -0.1634576169050735,
        -0.35892252846738093, -0.6130269134983805, -0.7498523515919958, -0.9453172631543032,
      ]
    ),
    (
      1e9, true,
      [
        1.2361149398661055, 1.0371126789622336, 0.8182101919679743, 0.6391081571544894,
        0.40030544406984314, 0.24110363534674542, 0.022201148352486162, -0.15690088646099862,
        -0.3559031473648706, -0.614606086539904, -0.7539076691726146, -0.9529099300764865,
      ]
    ),
  ]

  @Test("Ill-conditioned λ (9λ/h³ up to 1e19): the Givens route matches 60-digit values")
  func illConditionedMatchesMultiprecision() throws {
    for (lambda, weighted, expected) in Self.tinyReference {
      let weights = weighted ? (0..<12).map { 1 + Double($0 % 3) } : nil
      let smoother = try SplineSmoother(knots: Self.tinyKnots, weights: weights, lambda: lambda)
      #expect(smoother._usesQR)
      let values = try smoother.fit(Self.tinyData).values.storage
      #expect(relativeGap(values, expected) < 1e-9, "λ = \(lambda), weighted = \(weighted)")
    }
  }

  @Test(
    "GCV at n = 20 000 with 9λ/h³ ≫ 10¹⁶ near the optimum gives finite, monotone degrees of freedom"
  )
  func gcvCurveIsWellBehaved() throws {
    // h = 5e-5: h³ = 1.25e-13, so λ = 1e-2 means 9λ/h³ ≈ 7e11 and λ = 1e3 ≈ 7e16, beyond the
    // point where dpbtrf reports R + λM indefinite.
    let n = 20_000
    var generator = SplitMix64(seed: 7)
    let t = (0..<n).map { Double($0) / Double(n - 1) }
    let y = t.map { sin(2 * .pi * $0) + 0.1 * Double.random(in: -1.7..<1.7, using: &generator) }
    var previous = Double.infinity
    for exponent in stride(from: -4.0, through: 4.0, by: 1.0) {
      let (score, df) = try SplineSmoother.gcvScore(
        knots: t, data: Matrix(column: y), lambda: pow(10, exponent))
      #expect(score.isFinite && score > 0)
      #expect(df > 2 && df < previous, "df must fall as λ grows: \(df) after \(previous)")
      previous = df
    }
    #expect(previous < 3)  // λ = 1e4: essentially the least-squares line
  }

  @Test("Galloping interval search: shuffled points give the same values as sorted ones")
  func unsortedPointsMatchSorted() throws {
    var generator = SplitMix64(seed: 3)
    let t = (0..<50).map { Double($0) / 49 }
    let y = t.map { $0 * $0 + Double.random(in: -0.01..<0.01, using: &generator) }
    let spline = try SmoothingSpline(knots: t, data: y, lambda: 1e-4)
    let sorted = (0..<500).map { -0.2 + 1.4 * Double($0) / 499 }
    let shuffled = sorted.shuffled(using: &generator)
    let a = spline.evaluate(at: sorted)
    let b = spline.evaluate(at: shuffled)
    let plan = SplineEvaluationPlan(knots: t, points: shuffled)
      .apply(values: spline.values, secondDerivatives: spline.secondDerivatives)
    for (k, z) in shuffled.enumerated() {
      let index = sorted.firstIndex(of: z)!
      #expect(b[k, 0] == a[index, 0])
      #expect(plan[k, 0] == b[k, 0])
    }
    // The galloping search finds the binary search's interval from any hint.
    t.withUnsafeBufferPointer { knots in
      for z in shuffled + [-1, 0, 1, 2, .nan] {
        for hint in [0, 1, 17, 47, 48] {
          #expect(_locate(knots, z, hint: hint) == _intervalIndex(t, z), "z = \(z), hint = \(hint)")
        }
      }
    }
  }

  @Test("The streaming trace tr(A⁻¹B) equals the trace from the stored band of A⁻¹")
  func streamingTraceMatchesBand() throws {
    var generator = SplitMix64(seed: 11)
    for order in [1, 2, 3, 4, 9, 40] {
      var a = SymmetricBandMatrix(order: order, bandwidth: 2)
      var b = SymmetricBandMatrix(order: order, bandwidth: 2)
      for i in 0..<order {
        a[i, i] = 6 + Double.random(in: 0..<1, using: &generator)
        b[i, i] = Double.random(in: -1..<1, using: &generator)
        if i + 1 < order {
          a[i, i + 1] = Double.random(in: -1..<1, using: &generator)
          b[i, i + 1] = Double.random(in: -1..<1, using: &generator)
        }
        if i + 2 < order {
          a[i, i + 2] = Double.random(in: -1..<1, using: &generator)
          b[i, i + 2] = Double.random(in: -1..<1, using: &generator)
        }
      }
      let factor = try a.choleskyFactorized()
      let sigma = factor.bandOfInverse()
      var expected = 0.0
      for i in 0..<order {
        for j in max(0, i - 2)...min(order - 1, i + 2) { expected += sigma[i, j] * b[j, i] }
      }
      let inverse = (0..<order).map { 1 / factor.factor[3 * $0 + 2] }
      let trace = factor.factor.withUnsafeBufferPointer { u in
        inverse.withUnsafeBufferPointer { v in
          b.storage.withUnsafeBufferPointer { band in
            BandCholesky._traceOfInverseTimes(
              factor: u.baseAddress!, inverseDiagonal: v.baseAddress!, order: order,
              band: band.baseAddress!)
          }
        }
      }
      #expect(abs(trace - expected) <= 1e-13 * max(1, abs(expected)), "order \(order)")
    }
  }
}
