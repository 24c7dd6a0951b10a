import CodedComputing
import Foundation
import Testing

/// Generalised cross-validation: the criterion against a dense computation, the chosen λ against
/// scipy and against the oracle λ that minimises the true error.
@Suite("GCV")
struct GCVTests {
  static let knots = SplineReferenceData.gcvKnots
  static let data = Matrix(column: SplineReferenceData.gcvData)

  /// Reference: (1/n)‖y − Sy‖²/(1 − tr S/n)² and tr S with S = (I + λQR⁻¹Qᵀ)⁻¹ formed densely
  /// in numpy (scripts/make_spline_test_values.py, `dense_gcv`).
  @Test("score and degrees of freedom equal the dense computation")
  func scoreMatchesDense() throws {
    try Self.expectDenseProbes { lambda in
      try SplineSmoother.gcvScore(knots: Self.knots, data: Self.data, lambda: lambda)
    }
  }

  /// `score(λ)` against the dense probes to 1e-9 relative (also used for the two-ended route).
  static func expectDenseProbes(
    _ score: (Double) throws -> (score: Double, degreesOfFreedom: Double)
  ) rethrows {
    for probe in SplineReferenceData.gcvProbes {
      let ours = try score(probe.lambda)
      #expect(
        abs(ours.score - probe.score) <= 1e-9 * probe.score,
        "λ=\(probe.lambda): \(ours.score) vs \(probe.score)")
      #expect(
        abs(ours.degreesOfFreedom - probe.degreesOfFreedom) <= 1e-9 * probe.degreesOfFreedom,
        "λ=\(probe.lambda): \(ours.degreesOfFreedom) vs \(probe.degreesOfFreedom)")
    }
  }

  /// scipy minimises the same criterion over λ ∈ (0, n) with bounded Brent; we search log λ.
  /// Recorded scipy λ = 0.28033607387471016 (make_smoothing_spline(x, y), lam=None); ours was
  /// measured 0.02% above it.
  @Test("chooses scipy's λ to within 1%")
  func agreesWithScipy() throws {
    let (smoother, gcv) = try SplineSmoother.byGCV(knots: Self.knots, data: Self.data)
    let scipyLambda = SplineReferenceData.gcvScipyLambda
    #expect(abs(gcv.lambda / scipyLambda - 1) <= 0.01, "ours \(gcv.lambda), scipy \(scipyLambda)")
    #expect(smoother.lambda == gcv.lambda)
    // Both sit at the flat minimum: the criterion differs far less than the λ do (measured
    // 1.2e-10 relative; our golden section stops at a 1e-3 bracket in log10 λ).
    let atScipy = try SplineSmoother.gcvScore(
      knots: Self.knots, data: Self.data, lambda: scipyLambda)
    #expect(abs(gcv.score - atScipy.score) <= 1e-8 * atScipy.score)
    let atChosen = try SplineSmoother.gcvScore(
      knots: Self.knots, data: Self.data, lambda: gcv.lambda)
    #expect(abs(atChosen.degreesOfFreedom - gcv.degreesOfFreedom) <= 1e-12 * gcv.degreesOfFreedom)
    #expect(abs(atChosen.score - gcv.score) <= 1e-12 * gcv.score)
  }

  /// The oracle λ minimises the mean squared error of the fit against the noiseless sine
  /// (y = sin t + 0.3·N(0, 1) at n equispaced t on [0, 2π]), found on a grid of 10 points per
  /// decade from 1e-6 to 1e3. GCV does not see the truth. GCV's choice is itself a noisy
  /// statistic with a heavy lower tail (it undersmooths on some samples; Wahba 1990, §4.9), so a
  /// single seed proves little: over 20 seeds per n we measured 19, 16 and 18 of 20 choices within
  /// a factor 10 of the oracle (n = 100, 200, 400), median GCV/oracle ratios 0.72, 1.12 and 0.68,
  /// and a mean MSE(GCV λ)/MSE(oracle λ) of 1.42, 1.46 and 1.28 (worst single sample 3.5). We
  /// require the median ratio within a factor 3, at least 15 of 20 within a factor 10, and a mean
  /// MSE ratio below 2.
  @Test("lands near the oracle λ over 20 seeds", arguments: [100, 200, 400])
  func nearOracle(_ count: Int) throws {
    var ratios: [Double] = []
    var mseRatios: [Double] = []
    let t = (0..<count).map { 2 * Double.pi * Double($0) / Double(count - 1) }
    let truth = t.map { sin($0) }
    for seed in UInt64(1)...20 {
      var generator = SplitMix64(seed: seed)
      let y = truth.map { $0 + 0.3 * standardNormal(using: &generator) }
      func mse(_ lambda: Double) throws -> Double {
        let fit = try SmoothingSpline(knots: t, data: y, lambda: lambda).values.column(0)
        return zip(fit, truth).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(count)
      }
      var best = (lambda: 0.0, mse: Double.infinity)
      for k in -60...30 {
        let lambda = pow(10, Double(k) / 10)
        let error = try mse(lambda)
        if error < best.mse { best = (lambda, error) }
      }
      let (_, gcv) = try SplineSmoother.byGCV(knots: t, data: Matrix(column: y))
      #expect(gcv.degreesOfFreedom > 2 && gcv.degreesOfFreedom < Double(count))
      ratios.append(gcv.lambda / best.lambda)
      mseRatios.append(try mse(gcv.lambda) / best.mse)
    }
    let median = ratios.sorted()[ratios.count / 2]
    let withinTen = ratios.filter { $0 >= 0.1 && $0 <= 10 }.count
    let meanMSERatio = mseRatios.reduce(0, +) / Double(mseRatios.count)
    #expect(median >= 1.0 / 3 && median <= 3, "median GCV/oracle λ ratio \(median): \(ratios)")
    #expect(withinTen >= 15, "\(withinTen) of 20 within a factor 10: \(ratios)")
    #expect(meanMSERatio < 2, "mean MSE ratio \(meanMSERatio): \(mseRatios)")
  }

  /// GCV on n = 400 noisy samples agrees with scipy's GCV. Data: this test's generator
  /// (SplitMix64 seed 3 with the library's Box–Muller `standardNormal`) written to CSV and fed to
  /// `make_smoothing_spline(t, y)` with lam=None, scipy 1.17.1, whose chosen λ (read from
  /// `_compute_optimal_gcv_parameter`) was 0.28113278793251534. scipy's bounded scalar search
  /// stops at a coarser tolerance than our golden section, hence 1%.
  @Test("GCV on 400 noisy samples picks scipy's λ")
  func undersmoothedSampleMatchesScipy() throws {
    var generator = SplitMix64(seed: 3)
    let t = (0..<400).map { 2 * Double.pi * Double($0) / 399 }
    let y = t.map { sin($0) + 0.3 * standardNormal(using: &generator) }
    let (_, gcv) = try SplineSmoother.byGCV(knots: t, data: Matrix(column: y))
    #expect(abs(gcv.lambda / 0.28113278793251534 - 1) <= 0.01, "\(gcv.lambda)")
  }

  @Test("all columns share one λ: identical columns choose the single-column λ")
  func columnsShareLambda() throws {
    let single = try SplineSmoother.byGCV(knots: Self.knots, data: Self.data).1
    var three = Matrix(rows: Self.knots.count, columns: 3)
    for c in 0..<3 {
      for i in 0..<Self.knots.count { three[i, c] = Self.data[i, 0] }
    }
    let shared = try SplineSmoother.byGCV(knots: Self.knots, data: three).1
    // The two criteria agree to rounding (a mean of three equal terms), which can move Brent's
    // last iterate within its stopping bracket; 1e-9 is far inside that bracket (5e-4 in log10 λ).
    #expect(abs(shared.lambda / single.lambda - 1) <= 1e-9)
    #expect(abs(shared.score / single.score - 1) <= 1e-12)
  }

  @Test("rejects bad input")
  func rejectsBadInput() {
    #expect(throws: ApproximationError.tooFewPoints(count: 2, minimum: 3)) {
      try SplineSmoother.byGCV(knots: [0, 1], data: Matrix(column: [0, 1]))
    }
    #expect(throws: ApproximationError.tooFewPoints(count: 2, minimum: 3)) {
      try SplineSmoother.gcvScore(knots: [0, 1], data: Matrix(column: [0, 1]), lambda: 1)
    }
    #expect(throws: ApproximationError.invalidLambda(0)) {
      try SplineSmoother.gcvScore(knots: [0, 1, 2], data: Matrix(column: [0, 1, 0]), lambda: 0)
    }
    #expect(throws: ApproximationError.nonFinite(what: "data", index: 1)) {
      try SplineSmoother.byGCV(knots: [0, 1, 2], data: Matrix(column: [0, .nan, 0]))
    }
    #expect(throws: ApproximationError.lengthMismatch(what: "data rows", expected: 3, actual: 2)) {
      try SplineSmoother.byGCV(knots: [0, 1, 2], data: Matrix(column: [0, 1]))
    }
    #expect(throws: ApproximationError.nonPositiveWeight(index: 2, value: 0)) {
      try SplineSmoother.byGCV(
        knots: [0, 1, 2], data: Matrix(column: [0, 1, 0]), weights: [1, 1, 0])
    }
    #expect(throws: ApproximationError.nodesNotIncreasing(index: 2, previous: 1, value: 1)) {
      try SplineSmoother.byGCV(knots: [0, 1, 1], data: Matrix(column: [0, 1, 0]))
    }
  }
}
