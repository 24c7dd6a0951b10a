import Foundation
import Testing

@testable import CodedComputing

/// The state-space route (`_SplineStateSpace.swift`, `CKernels/spline_statespace.c`): against
/// the Float80 solve of Reinsch's system and the 60-digit mpmath fits, across λ, data shapes,
/// chain counts and threads; the join check and its fallback; `fit()` routing.
@Suite("Spline state-space route", .serialized)  // serial: two tests read the rerun counter
struct SplineStateSpaceTests {
  typealias Shape = SplineLDLRouteTests.Shape

  static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
  }

  /// Values and second derivatives within 1e-12 of the Float80 solution (relative to the largest
  /// |y| and |g″|), for κ from about 1 to 5·10¹⁷, with one chain and with eight. Measured: values
  /// within 1.7e-16 … 6.8e-13 (the largest at κ ≥ 5·10¹³, where the refined LDLᵀ route differs
  /// from the reference by the same amount, 6.7e-13, so most of it is the reference's), g″ within
  /// 3e-16 … 5e-14 except near interpolation of smooth data (up to 1.2e-10 of max|g″| at
  /// λ = 1e-12 span³ — the LDLᵀ route too: the rounding of y over h², allowed for below).
  @Test(
    "n = 4000: values and g″ match a Float80 solve over λ = 1e-12 … 1e4 span³",
    arguments: Shape.allCases)
  func matchesFloat80(shape: Shape) throws {
    let n = 4000
    let (t, weights, y) = SplineLDLRouteTests.problem(shape, n: n)
    let penalty = try _SplinePenalty(knots: t, weights: weights)
    let scale = y.map { abs($0) }.max()!
    let span = t[n - 1] - t[0]
    let hMin = zip(t.dropFirst(), t).map { $0 - $1 }.min()!
    for exponent in stride(from: -12.0, through: 4.0, by: 2.0) {
      let lambda = pow(10, exponent) * span * span * span
      let reference = float80SplineReferenceFit(
        knots: t, weights: weights, data: y, lambda: lambda)
      let secondScale = reference.second.map { abs($0) }.max()!
      // Near interpolation g″ carries the rounding of y amplified by 1/h² (Qᵀy's cancellation),
      // in every route: 64·ε·max|y|/h².
      let secondFloor = 64 * Double.ulpOfOne * scale / (hMin * hMin)
      for chains in [1, 8] {
        let fit = try #require(
          penalty.fitByStateSpace(data: Matrix(column: y), lambda: lambda, chains: chains))
        let error = Self.maxDifference(fit.values.storage, reference.values) / scale
        let secondError =
          Self.maxDifference(fit.second.storage, reference.second) / secondScale
        let kappa = penalty.conditionEstimate(lambda: lambda)
        #expect(error <= 1e-12, "λ = 1e\(exponent) span³, κ ≈ \(kappa), \(chains) chains")
        #expect(
          secondError <= 1e-12 + secondFloor / secondScale,
          "g″, λ = 1e\(exponent) span³, \(chains) chains")
      }
    }
  }

  /// The 60-digit fits of `SplineTwistedQRTests` (uneven weighted knots, a step in the data;
  /// condition estimates 7·10¹³ … 7·10¹⁹), where the Givens routes are within 1.1e-10.
  @Test("extreme λ = 1e12, 1e15, 1e18: within 1e-13 of a 60-digit solve")
  func extremeLambda() throws {
    let (penalty, y) = try SplineTwistedQRTests.extremeProblem()
    for (lambda, exact) in SplineTwistedQRTests.extremeFits {
      let fit = try #require(penalty.fitByStateSpace(data: Matrix(column: y), lambda: lambda))
      let ours = SplineTwistedQRTests.extremeKnots.map { fit.values.storage[$0] }
      let error = SplineTwistedQRTests.relativeError(ours, exact)
      #expect(error <= 1e-13, "λ = \(lambda): \(error)")
    }
  }

  /// Chains started inside their neighbour's rows agree with one chain to rounding (the joins
  /// are checked at 2⁻⁴⁴), and the threads only share chains out: the same bits on one or two.
  @Test("16 chains on 1 or 2 threads: the same bits, within 1e-14 of one chain")
  func chainsAgree() throws {
    let n = 100_003
    var generator = SplitMix64(seed: 5)
    let t = (0..<n).map { Double($0) + 0.5 * Double.random(in: 0..<1, using: &generator) }
    let w = (0..<n).map { _ in 0.5 + Double.random(in: 0..<1, using: &generator) }
    let y = t.map { sin($0 / 2000) + 0.1 * standardNormal(using: &generator) }
    let penalty = try _SplinePenalty(knots: t, weights: w)
    // κ ≈ 8·10⁸: decay over about 140 rows, burn-in about 5 000: 16 chains fit.
    let lambda = 1e7
    let decay = penalty.stateSpaceDecayRows(lambda: lambda)
    let plan = _SplinePenalty.stateSpacePlan(
      knots: n, forwardBurn: Int(decay * _SplinePenalty.stateSpaceForwardBurn) + 1,
      backwardBurn: Int(decay * _SplinePenalty.stateSpaceBackwardBurn) + 1, maximumChains: 16)
    #expect(plan.chains == 16)
    let data = Matrix(column: y)
    let one = try #require(penalty.fitByStateSpace(data: data, lambda: lambda, chains: 1))
    let single = try #require(
      penalty.fitByStateSpace(data: data, lambda: lambda, chains: 16, threads: 1))
    let double = try #require(
      penalty.fitByStateSpace(data: data, lambda: lambda, chains: 16, threads: 2))
    #expect(single.values.storage == double.values.storage)
    #expect(single.second.storage == double.second.storage)
    let scale = y.map { abs($0) }.max()!
    let secondScale = one.second.storage.map { abs($0) }.max()!
    #expect(Self.maxDifference(single.values.storage, one.values.storage) <= 1e-14 * scale)
    #expect(Self.maxDifference(single.second.storage, one.second.storage) <= 1e-13 * secondScale)
  }

  /// The benchmark's kind of data (sin 2πt plus noise, λ = 10⁻⁶ on [0, 1]) at n = 2·10⁵ with 16
  /// chains: every join agrees, so no rerun; the result is within 1e-14 of one chain.
  @Test("Benchmark-like data: 16 chains, no join refused")
  func benchmarkDataJoins() throws {
    let n = 200_000
    var generator = SplitMix64(seed: 8)
    let t = (0..<n).map { Double($0) / Double(n - 1) }
    let y = t.map { sin(2 * .pi * $0) + 0.1 * standardNormal(using: &generator) }
    let penalty = try _SplinePenalty(knots: t, weights: nil)
    let data = Matrix(column: y)
    let before = _SplinePenalty.stateSpaceReruns
    let chained = try #require(
      penalty.fitByStateSpace(data: data, lambda: 1e-6, chains: 16, threads: 2))
    #expect(_SplinePenalty.stateSpaceReruns == before)
    let one = try #require(penalty.fitByStateSpace(data: data, lambda: 1e-6, chains: 1))
    #expect(Self.maxDifference(chained.values.storage, one.values.storage) <= 1e-14)
  }

  /// A burn-in far too short (two decay lengths) leaves the joins off by about 10⁻³: the check
  /// refuses them and the fit runs as one chain, bit for bit.
  @Test("A join that disagrees sends the fit to one chain")
  func badJoinFallsBack() throws {
    let n = 50_001
    var generator = SplitMix64(seed: 6)
    let t = (0..<n).map { Double($0) }
    let y = t.map { cos($0 / 900) + 0.2 * standardNormal(using: &generator) }
    let penalty = try _SplinePenalty(knots: t, weights: nil)
    let lambda = 1e8
    let data = Matrix(column: y)
    let one = try #require(penalty.fitByStateSpace(data: data, lambda: lambda, chains: 1))
    let short = try #require(
      penalty.fitByStateSpace(data: data, lambda: lambda, chains: 8, burnFactor: 2))
    #expect(_SplinePenalty.stateSpaceReruns > 0)
    #expect(short.values.storage == one.values.storage)
    #expect(short.second.storage == one.second.storage)
  }

  enum Hard: String, CaseIterable, CustomTestStringConvertible {
    case chebyshevKnots, nearInterpolation, extremeWeights
    var testDescription: String { rawValue }
  }

  /// Hard inputs through `SplineSmoother` at the route's threshold: Chebyshev knots (spacings
  /// from 10⁻⁸ to 10⁻⁴ of the span, so the chains' decay estimate is far off at the ends), λ near
  /// interpolation, weights over twelve orders of magnitude. Within 1e-10 of the Float80 solve;
  /// measured 3.8e-16, 9.5e-17 and 1.6e-11, where the Givens route is off by 8.9e-14, 9.5e-17
  /// and 1.0e-7 (the refined LDLᵀ route declines the third).
  @Test("Hard inputs at n = 2¹⁴ + 1 match the Float80 solve", arguments: Hard.allCases)
  func hardInputs(_ hard: Hard) throws {
    let n = _SplinePenalty.stateSpaceMinimumCount + 1
    var generator = SplitMix64(seed: 9)
    var t = (0..<n).map { Double($0) / Double(n - 1) }
    var weights: [Double]? = nil
    var lambda = 1e-9
    switch hard {
    case .chebyshevKnots:
      t = (0..<n).map { 0.5 - 0.5 * cos(Double.pi * Double($0) / Double(n - 1)) }
      lambda = 1e-8
    case .nearInterpolation:
      lambda = 1e-22
    case .extremeWeights:
      weights = (0..<n).map { _ in pow(10, 12 * Double.random(in: 0..<1, using: &generator) - 6) }
    }
    let y = t.map { sin(7 * $0) + 0.05 * standardNormal(using: &generator) }
    let fit = try SplineSmoother(knots: t, weights: weights, lambda: lambda).fit(y)
    let reference = float80SplineReference(knots: t, weights: weights, data: y, lambda: lambda)
    let scale = y.map { abs($0) }.max()!
    let error = Self.maxDifference(fit.values.storage, reference) / scale
    #expect(error <= 1e-10, "\(hard): \(error)")
  }

  /// Spacings so small that the filter's start (variance over h²) overflows: the route says nil
  /// rather than return a non-finite number.
  @Test("Overflow inside the filter gives nil, not a NaN")
  func overflowGivesNil() throws {
    let t = (0..<64).map { Double($0) * 1e-160 }
    let penalty = try _SplinePenalty(knots: t, weights: nil)
    let y = t.indices.map { Double($0 % 3) }
    #expect(penalty.fitByStateSpace(data: Matrix(column: y), lambda: 1, chains: 1) == nil)
  }

  /// From ``_SplinePenalty/stateSpaceMinimumCount`` knots `fit()` takes this route, for every
  /// column; the result is within 1e-13 of the Float80 solve (including the first two knots,
  /// which come from the costate after row 2).
  @Test("fit() takes the route from 2¹⁴ knots; several columns, each its own fit")
  func fitRoutes() throws {
    let n = _SplinePenalty.stateSpaceMinimumCount
    var generator = SplitMix64(seed: 7)
    let t = (0..<n).map { Double($0) / Double(n - 1) }
    let columns = (0..<2).map { c in
      t.map { sin(Double(c + 2) * 3 * $0) + 0.05 * standardNormal(using: &generator) }
    }
    let lambda = 1e-7
    let smoother = try SplineSmoother(knots: t, lambda: lambda)
    let fit = try smoother.fit(
      Matrix(rows: n, columns: 2, columnMajor: columns.flatMap { $0 }))
    for c in 0..<2 {
      let alone = try #require(
        smoother._penalty.fitByStateSpace(data: Matrix(column: columns[c]), lambda: lambda))
      #expect(Array(fit.values.storage[(c * n)..<((c + 1) * n)]) == alone.values.storage)
      #expect(
        Array(fit.secondDerivatives.storage[(c * n)..<((c + 1) * n)]) == alone.second.storage)
      let reference = float80SplineReferenceFit(
        knots: t, weights: nil, data: columns[c], lambda: lambda)
      let error = Self.maxDifference(alone.values.storage, reference.values)
      #expect(error <= 1e-13, "column \(c): \(error)")
    }
  }
}
