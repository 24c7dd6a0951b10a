import Foundation
import Testing

@testable import CodedComputing

/// Knots, weights and data far outside the moderate range, λ at its limits (issue 11, §1 and §4).
@Suite("Spline scaling, the λ → ∞ limit, bounded GCV")
struct SplineScalingTests {
  static let t = [0.0, 1, 2, 3]
  static let y = [1.0, 2, 0, 5]
  static let w = [1.0, 2, 3, 4]

  /// The weighted least-squares line of (t, y, w) above, in closed form: Σw = 10, t̄ = 2, ȳ = 2.5,
  /// Σw(t − t̄)(y − ȳ) = 14, Σw(t − t̄)² = 10, so the line is 2.5 + 1.4·(t − 2).
  static func weightedLine(_ z: Double) -> Double { 2.5 + 1.4 * (z - 2) }

  @Test(
    "Above 2⁶⁰·L³·Σw the fit is the weighted least-squares line, up to λ = greatestFiniteMagnitude",
    arguments: [1e22, 1e100, 1e306, Double.greatestFiniteMagnitude])
  func lineLimit(lambda: Double) throws {
    let spline = try SmoothingSpline(knots: Self.t, data: Self.y, weights: Self.w, lambda: lambda)
    let points = [-1.0, 0, 1.5, 3, 10]
    let values = spline.evaluate(at: points)
    for (p, z) in points.enumerated() {
      #expect(abs(values[p, 0] - Self.weightedLine(z)) <= 1e-14 * 10, "λ = \(lambda), z = \(z)")
    }
    #expect(spline.secondDerivatives.storage.allSatisfy { $0 == 0 } == true)
  }

  @Test("Below the switch the spline approaches the line like 1/λ")
  func approachesLine() throws {
    var previous = Double.infinity
    for lambda in [1e2, 1e4, 1e6, 1e8] {
      let spline = try SmoothingSpline(knots: Self.t, data: Self.y, weights: Self.w, lambda: lambda)
      let gap = abs(spline(1.5) - Self.weightedLine(1.5))
      #expect(gap > 0 && gap < previous / 50, "λ = \(lambda): gap \(gap)")
      previous = gap
    }
  }

  @Test(
    "Knots scaled by 2^k with λ·2^(3k) give the same bits (even k up to ±330)",
    arguments: [-330, -100, -26, 26, 100, 330])
  func knotEquivariance(k: Int) throws {
    let base = try SmoothingSpline(knots: Self.t, data: Self.y, weights: Self.w, lambda: 0.1)
    let scale = { (x: Double) in Double(sign: .plus, exponent: k, significand: x) }
    let scaled = try SmoothingSpline(
      knots: Self.t.map(scale), data: Self.y, weights: Self.w, lambda: scale(scale(scale(0.1))))
    #expect(scaled.values == base.values)
    let points = [-0.5, 0.25, 1.5, 2.75, 4]
    #expect(scaled.evaluate(at: points.map(scale)) == base.evaluate(at: points))
  }

  @Test("Subnormal knot spacing at λ = 0 interpolates like the unit-spaced spline")
  func subnormalKnots() throws {
    let unit = Double.leastNonzeroMagnitude  // 2^-1074
    let knots = [0.0, 2, 4, 6].map { $0 * unit }
    let tiny = try SmoothingSpline(knots: knots, data: Self.y, lambda: 0)
    let base = try SmoothingSpline(knots: [0, 1, 2, 3], data: Self.y, lambda: 0)
    #expect(tiny.evaluate(at: knots).column(0) == Self.y)
    #expect(tiny(3 * unit) == base(1.5))
  }

  @Test("Data of ±1e308 fit at λ = 0 and 1 without overflow; scaling data by 2^600 scales the fit")
  func hugeData() throws {
    let big = [1e308, -1e308, 1e308, -1e308]
    let interpolant = try SmoothingSpline(knots: Self.t, data: big, lambda: 0)
    #expect(interpolant.evaluate(at: Self.t).column(0) == big)
    // Antisymmetric about t = 1.5: the spline vanishes there (to rounding of 1e308).
    #expect(abs(interpolant(1.5)) < 1e293)
    let smooth = try SmoothingSpline(knots: Self.t, data: big, lambda: 1)
    #expect(smooth.evaluate(at: [0, 1, 2, 3, 1.5, -2]).storage.allSatisfy { $0.isFinite })
    let base = try SmoothingSpline(knots: Self.t, data: Self.y, lambda: 0.3)
    let up = try SmoothingSpline(
      knots: Self.t, data: Self.y.map { $0 * 0x1p600 }, lambda: 0.3)
    #expect(up.evaluate(at: [0.5, 2.5]).storage == base.evaluate(at: [0.5, 2.5]).storage.map { $0 * 0x1p600 })
  }

  @Test("All weights 5e-324 at λ = 0.1 give the (unweighted) least-squares line 2 + (t − 1.5)")
  func tinyWeights() throws {
    let spline = try SmoothingSpline(
      knots: Self.t, data: Self.y, weights: [Double](repeating: 5e-324, count: 4), lambda: 0.1)
    #expect(abs(spline(0) - 0.5) < 1e-14)
    #expect(abs(spline(1.5) - 2) < 1e-14)
  }

  @Test("Weights whose ratio underflows are refused")
  func weightRatio() throws {
    #expect(throws: ApproximationError.self) {
      try SplineSmoother(knots: Self.t, weights: [1e300, 1, 1, 1e-300], lambda: 1)
    }
  }

  @Test("Far beyond the knots the line continues without ∞ − ∞")
  func farExtrapolation() throws {
    // Knots 1e-10 apart: (z − t)/h overflows at z = 1e308, the value itself does not.
    let knots = [0.0, 1e-10, 2e-10, 3e-10]
    let spline = try SmoothingSpline(knots: knots, data: knots, lambda: 0)
    #expect(spline(1e308) == 1e308)
    let flat = try SmoothingSpline(knots: knots, data: [2, 2, 2, 2], lambda: 0)
    #expect(flat(-1e308) == 2)
  }

  @Test(
    "GCV on knots scaled by 2^k chooses λ·2^(3k) exactly, and refuses a λ a Double cannot hold",
    arguments: [-200, -30, 30, 200])
  func gcvEquivariance(k: Int) throws {
    var generator = SplitMix64(seed: 11)
    let knots = (0..<40).map { Double($0) / 39 }
    let data = knots.map { sin(6 * $0) + Double.random(in: -0.1..<0.1, using: &generator) }
    let (_, base) = try SplineSmoother.byGCV(knots: knots, data: Matrix(column: data))
    let scaled = knots.map { Double(sign: .plus, exponent: k, significand: $0) }
    let (_, gcv) = try SplineSmoother.byGCV(knots: scaled, data: Matrix(column: data))
    // The same criterion in exactly scaled units; the searches' grids differ by the decimal log of
    // the scale, so the two minima agree to Brent's tolerance (5e-4 in log₁₀ λ), not to the bit.
    let expected = Double(sign: .plus, exponent: 3 * k, significand: base.lambda)
    #expect(abs(gcv.lambda / expected - 1) < 3e-3, "\(gcv.lambda) vs \(expected)")
    // 2^(3·400) is beyond a Double: said, not returned as ∞ (and the search ends).
    let far = knots.map { Double(sign: .plus, exponent: k > 0 ? 400 : -400, significand: $0) }
    #expect(throws: ApproximationError.self) {
      try SplineSmoother.byGCV(knots: far, data: Matrix(column: data))
    }
  }

  /// The least-squares line through (t, y) (unit weights) evaluated at `points`, in closed form.
  static func line(_ t: [Double], _ y: [Double], at points: [Double]) -> [Double] {
    let n = Double(t.count)
    let tMean = t.reduce(0, +) / n
    let yMean = y.reduce(0, +) / n
    var cross = 0.0
    var spread = 0.0
    for (ti, yi) in zip(t, y) {
      cross += (ti - tMean) * (yi - yMean)
      spread += (ti - tMean) * (ti - tMean)
    }
    let slope = cross / spread
    return points.map { yMean + slope * ($0 - tMean) }
  }

  @Test("LeTCC with λ_dec = 1e303 decodes to the survivors' least-squares line; λ_enc = 1e306 encodes the inputs' line")
  func letccLineLimit() throws {
    let x = Matrix(column: [0.3, -0.8, 0.5, 0.9, -0.2, 0.1])
    let decoderLine = try SplineCode(
      inputCount: 6, workerCount: 14, encoderLambda: .fixed(0), decoderLambda: .fixed(1e303))
    let coded = try decoderLine.encode(x)
    let survivors = Array(3..<14)
    let results = coded.selectingRows(survivors)
    let decoded = try decoderLine.decode(results, survivors: survivors)
    let expected = Self.line(
      survivors.map { decoderLine.beta[$0] }, results.column(0), at: decoderLine.alpha)
    #expect(relativeGap(decoded.column(0), expected) < 1e-14)
    let encoderLine = try SplineCode(
      inputCount: 6, workerCount: 14, encoderLambda: .fixed(1e306), decoderLambda: .fixed(0))
    let encoded = try encoderLine.encode(x)
    #expect(
      relativeGap(encoded.column(0), Self.line(encoderLine.alpha, x.column(0), at: encoderLine.beta))
        < 1e-14)
  }
}
