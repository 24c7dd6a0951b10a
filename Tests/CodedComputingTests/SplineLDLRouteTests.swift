import Foundation
import Testing

@testable import CodedComputing

/// Reinsch's system solved in x87 extended precision (Float80, 64-bit significand), as an
/// independent reference for the double-precision routes: R, Q and W⁻¹ from the knots in
/// Float80, a plain top-down LDLᵀ factorisation of R + λQᵀW⁻¹Q in five-band storage, and
/// iterative refinement with the Float80 residual Qᵀg − Rγ, g = y − λW⁻¹Qγ, until the
/// correction stops changing g. With ε = 2⁻⁶⁴ ≈ 5.4·10⁻²⁰ the factor alone is good to ε·κ; the
/// refinement brings the fitted values to about ε·(|y| + λ|γ|/h), below 10⁻¹³ for the cases here.
/// Returns the fitted values at the knots, rounded to Double.
func float80SplineReference(
  knots: [Double], weights: [Double]?, data: [Double], lambda: Double
) -> [Double] {
  float80SplineReferenceFit(knots: knots, weights: weights, data: data, lambda: lambda).values
}

/// ``float80SplineReference(knots:weights:data:lambda:)`` with the second derivatives at the
/// knots too (γ at the interior knots, 0 at both ends).
func float80SplineReferenceFit(
  knots: [Double], weights: [Double]?, data: [Double], lambda: Double
) -> (values: [Double], second: [Double]) {
  typealias X = Float80
  let n = knots.count
  let m = n - 2
  let t = knots.map { X($0) }
  let y = data.map { X($0) }
  let w = (weights ?? [Double](repeating: 1, count: n)).map { X($0) }
  let lam = X(lambda)
  let h = (0..<(n - 1)).map { t[$0 + 1] - t[$0] }
  let ih = h.map { 1 / $0 }
  // Q column c: (ih[c], −ih[c] − ih[c+1], ih[c+1]) at knots c, c+1, c+2.
  func q(_ c: Int, _ j: Int) -> X { j == 0 ? ih[c] : (j == 1 ? -ih[c] - ih[c + 1] : ih[c + 1]) }
  // A(c, c + d) for d = 0, 1, 2.
  var a = [[X]](repeating: [0, 0, 0], count: m)
  for c in 0..<m {
    a[c][0] = (h[c] + h[c + 1]) / 3
    for j in 0..<3 { a[c][0] += lam * q(c, j) * q(c, j) / w[c + j] }
    if c + 1 < m {
      a[c][1] =
        h[c + 1] / 6 + lam * (q(c, 1) * q(c + 1, 0) / w[c + 1] + q(c, 2) * q(c + 1, 1) / w[c + 2])
    }
    if c + 2 < m { a[c][2] = lam * q(c, 2) * q(c + 2, 0) / w[c + 2] }
  }
  // LDLᵀ: l1[c] = L(c, c−1), l2[c] = L(c, c−2).
  var d = [X](repeating: 0, count: m)
  var l1 = [X](repeating: 0, count: m)
  var l2 = [X](repeating: 0, count: m)
  for c in 0..<m {
    if c >= 2 { l2[c] = a[c - 2][2] / d[c - 2] }
    if c >= 1 {
      var value = a[c - 1][1]
      if c >= 2 { value -= l1[c - 1] * l2[c] * d[c - 2] }
      l1[c] = value / d[c - 1]
    }
    var pivot = a[c][0]
    if c >= 1 { pivot -= l1[c] * l1[c] * d[c - 1] }
    if c >= 2 { pivot -= l2[c] * l2[c] * d[c - 2] }
    d[c] = pivot
  }
  func solve(_ b: [X]) -> [X] {
    var x = b
    for c in 0..<m {
      if c >= 1 { x[c] -= l1[c] * x[c - 1] }
      if c >= 2 { x[c] -= l2[c] * x[c - 2] }
    }
    for c in 0..<m { x[c] /= d[c] }
    var c = m - 1
    while c >= 0 {
      if c + 1 < m { x[c] -= l1[c + 1] * x[c + 1] }
      if c + 2 < m { x[c] -= l2[c + 2] * x[c + 2] }
      c -= 1
    }
    return x
  }
  func fitted(_ gamma: [X]) -> [X] {
    (0..<n).map { i in
      var qg: X = 0
      for j in 0..<3 where i - j >= 0 && i - j < m { qg += q(i - j, j) * gamma[i - j] }
      return y[i] - lam * qg / w[i]
    }
  }
  func residual(_ gamma: [X], _ g: [X]) -> [X] {
    (0..<m).map { c in
      var value: X = 0
      for j in 0..<3 { value += q(c, j) * g[c + j] }
      value -= (h[c] + h[c + 1]) / 3 * gamma[c]
      if c >= 1 { value -= h[c] / 6 * gamma[c - 1] }
      if c + 1 < m { value -= h[c + 1] / 6 * gamma[c + 1] }
      return value
    }
  }
  var gamma = solve((0..<m).map { c in (0..<3).reduce(X(0)) { $0 + q(c, $1) * y[c + $1] } })
  var g = fitted(gamma)
  for _ in 0..<6 {
    let correction = solve(residual(gamma, g))
    for c in 0..<m { gamma[c] += correction[c] }
    let next = fitted(gamma)
    let change = zip(next, g).map { abs($0 - $1) }.max() ?? 0
    g = next
    if change <= X(1e-17) * (g.map { abs($0) }.max() ?? 1) { break }
  }
  return (g.map { Double($0) }, [0] + gamma.map { Double($0) } + [0])
}

/// The refined two-sided LDLᵀ route (`_SplinePenalty+LDL.swift`) against the Float80 reference
/// and the Givens route, across λ, data shapes and knot layouts.
@Suite("Spline LDLᵀ route")
struct SplineLDLRouteTests {
  enum Shape: String, CaseIterable, CustomTestStringConvertible {
    case smooth, noisy, steps, unevenWeighted
    var testDescription: String { rawValue }
  }

  /// Knots, weights and data of one case with n knots (SplitMix64 seed 11).
  static func problem(_ shape: Shape, n: Int) -> ([Double], [Double]?, [Double]) {
    var generator = SplitMix64(seed: 11)
    var t = (0..<n).map { Double($0) / Double(n - 1) }
    var weights: [Double]? = nil
    if shape == .unevenWeighted {
      // Spacings varying by a factor of 20, and weights between 0.5 and 4.
      var position = 0.0
      t = (0..<n).map { _ in
        defer { position += 0.05 + Double.random(in: 0..<1, using: &generator) }
        return position
      }
      weights = (0..<n).map { _ in 0.5 + 3.5 * Double.random(in: 0..<1, using: &generator) }
    }
    let span = t[n - 1] - t[0]
    let y = t.map { x -> Double in
      let u = (x - t[0]) / span
      switch shape {
      case .smooth: return sin(2 * .pi * u) + u * u
      case .noisy, .unevenWeighted:
        return sin(2 * .pi * u) + 0.1 * standardNormal(using: &generator)
      case .steps: return u < 0.3 ? 0 : (u < 0.7 ? 1 : -0.5)
      }
    }
    return (t, weights, y)
  }

  @Test(
    "n = 4000: the LDLᵀ route matches a Float80 solve to 1e-12 relative wherever it accepts",
    arguments: Shape.allCases)
  func matchesFloat80(shape: Shape) throws {
    let n = 4000
    let (t, weights, y) = Self.problem(shape, n: n)
    let penalty = try _SplinePenalty(knots: t, weights: weights)
    let scale = y.map { abs($0) }.max() ?? 1
    var accepted = 0
    for exponent in stride(from: -12.0, through: 2.0, by: 1.0) {
      // λ in the knots' units: 10^exponent times span³ (so equal exponents mean equal smoothing).
      let span = t[n - 1] - t[0]
      let lambda = pow(10, exponent) * span * span * span
      let kappa = penalty.conditionEstimate(lambda: lambda)
      let reference = float80SplineReference(
        knots: t, weights: weights, data: y, lambda: lambda)
      let qr = penalty.fitByQR(data: Matrix(column: y), lambda: lambda).values.storage
      let qrError = zip(qr, reference).map { abs($0 - $1) }.max()! / scale
      guard let ldl = penalty.fitByLDL(data: Matrix(column: y), lambda: lambda) else {
        print(shape, exponent, kappa, "declined; givens", qrError)
        continue
      }
      accepted += 1
      let error = zip(ldl.values.storage, reference).map { abs($0 - $1) }.max()! / scale
      print(shape, exponent, kappa, "ldl", error, "givens", qrError)
      #expect(error <= 1e-12, "λ = 1e\(exponent), κ ≈ \(kappa): \(error)")
    }
    #expect(accepted >= 10)
  }

  @Test(
    "Even and odd orders, several columns: each column equals its own fit; fit() takes the route")
  func columnsAndParity() throws {
    for n in [9, 10, 4001, 4002] {
      var generator = SplitMix64(seed: UInt64(n))
      let t = (0..<n).map { Double($0) / Double(n - 1) }
      let columns = (0..<3).map { c in
        t.map { sin(Double(c + 1) * 3 * $0) + 0.05 * standardNormal(using: &generator) }
      }
      let data = Matrix(rows: n, columns: 3, columnMajor: columns.flatMap { $0 })
      // 9λ/h³ ≈ 1e10 whatever n: the LDLᵀ route, not Cholesky.
      let h = 1 / Double(n - 1)
      let lambda = 1e10 * h * h * h / 9
      let smoother = try SplineSmoother(knots: t, lambda: lambda)
      #expect(smoother._usesQR)
      let penalty = smoother._penalty
      let all = try #require(penalty.fitByLDL(data: data, lambda: lambda))
      for c in 0..<3 {
        let one = try #require(penalty.fitByLDL(data: Matrix(column: columns[c]), lambda: lambda))
        let same = one.values.storage == Array(all.values.storage[(c * n)..<((c + 1) * n)])
        #expect(same)
        // fit() takes this route for one column.
        let fitted = try smoother.fit(columns[c])
        let routed =
          fitted.values.storage == one.values.storage
          && fitted.secondDerivatives.storage == one.second.storage
        #expect(routed)
        let reference = float80SplineReference(
          knots: t, weights: nil, data: columns[c], lambda: lambda)
        let error = zip(one.values.storage, reference).map { abs($0 - $1) }.max()!
        #expect(error <= 1e-13, "n = \(n), column \(c): \(error)")
      }
    }
  }

  @Test("n = 200 000, 9λ/h³ ≈ 7e12: within 1e-12 of Float80, where the Givens route is off by more")
  func largeProblem() throws {
    let n = 200_000
    var generator = SplitMix64(seed: 12)
    let t = (0..<n).map { Double($0) / Double(n - 1) }
    let y = t.map { sin(2 * .pi * $0) + 0.1 * standardNormal(using: &generator) }
    let lambda = 1e-4
    let penalty = try _SplinePenalty(knots: t, weights: nil)
    let reference = float80SplineReference(knots: t, weights: nil, data: y, lambda: lambda)
    let ldl = try #require(penalty.fitByLDL(data: Matrix(column: y), lambda: lambda))
    let qr = penalty.fitByQR(data: Matrix(column: y), lambda: lambda).values.storage
    let error = zip(ldl.values.storage, reference).map { abs($0 - $1) }.max()!
    let qrError = zip(qr, reference).map { abs($0 - $1) }.max()!
    #expect(error <= 1e-12)
    #expect(qrError > 10 * error, "Givens \(qrError), LDLᵀ \(error)")
  }

  @Test("Where R is rounded away in R + λM the route declines or stays accurate")
  func hopelessConditioning() throws {
    let n = 2000
    let t = (0..<n).map { Double($0) / Double(n - 1) }
    var generator = SplitMix64(seed: 4)
    let y = t.map { sin(5 * $0) + 0.1 * standardNormal(using: &generator) }
    let penalty = try _SplinePenalty(knots: t, weights: nil)
    for lambda in [1e-2, 1.0, 1e2] {
      // 9λ/h³ ≈ 7e17 … 7e21.
      let reference = float80SplineReference(knots: t, weights: nil, data: y, lambda: lambda)
      if let ldl = penalty.fitByLDL(data: Matrix(column: y), lambda: lambda) {
        let error = zip(ldl.values.storage, reference).map { abs($0 - $1) }.max()!
        print("accepted", lambda, error)
        #expect(error <= 1e-12, "λ = \(lambda): \(error)")
      } else {
        print("declined", lambda)
      }
    }
  }

  /// A noisy sine on n equispaced knots (or uneven knots with weights) and a λ with
  /// 9λ/h³ = `estimate`.
  static func threadCase(n: Int, weighted: Bool, estimate: Double)
    -> ([Double], [Double]?, [Double], Double)
  {
    var generator = SplitMix64(seed: UInt64(n) &* 31 &+ (weighted ? 1 : 0))
    var t = (0..<n).map { Double($0) / Double(n - 1) }
    var weights: [Double]? = nil
    if weighted {
      var position = 0.0
      t = (0..<n).map { _ in
        defer { position += (0.5 + Double.random(in: 0..<1, using: &generator)) / Double(n) }
        return position
      }
      weights = (0..<n).map { _ in 0.5 + 3.5 * Double.random(in: 0..<1, using: &generator) }
    }
    let y = t.map { sin(7 * $0) + 0.1 * standardNormal(using: &generator) }
    let h = (t[n - 1] - t[0]) / Double(n - 1)
    return (t, weights, y, estimate * h * h * h / 9)
  }

  @Test("Two threads give the same bits as one: both parities, tiny and threshold sizes")
  func threadsSameBits() throws {
    let threshold = _SplinePenalty.ldlParallelThreshold
    let sizes = [8, 9, 10, 11, 12, 13, 17, 1000, 1001, threshold - 1, threshold, threshold + 1]
    for n in sizes {
      for weighted in [false, true] {
        for estimate in [1e9, 1e12, 1e14] {
          let (t, weights, y, lambda) = Self.threadCase(
            n: n, weighted: weighted, estimate: estimate)
          let penalty = try _SplinePenalty(knots: t, weights: weights)
          let one = penalty.fitByLDL(data: Matrix(column: y), lambda: lambda, threads: 1)
          let two = penalty.fitByLDL(data: Matrix(column: y), lambda: lambda, threads: 2)
          #expect((one == nil) == (two == nil), "n = \(n), estimate \(estimate)")
          guard let one, let two else { continue }
          let same =
            one.values.storage == two.values.storage && one.second.storage == two.second.storage
          #expect(same, "n = \(n), weighted \(weighted), estimate \(estimate)")
        }
      }
    }
    // The automatic choice: one thread below the threshold, two (where allowed) from it on.
    #expect(_SplinePenalty.ldlThreadCount(knots: threshold - 1) == 1)
    #expect(_SplinePenalty.ldlThreadCount(knots: threshold) == min(2, codingThreadCount))
  }

  @Test("Split sweeps at n = 2¹⁵ + 1 and 2¹⁵ + 2: within 1e-12 of Float80, weighted or not")
  func threadsMatchFloat80() throws {
    let base = _SplinePenalty.ldlParallelThreshold
    for (n, weighted) in [(base + 1, false), (base + 2, true)] {
      // 9λ/h³ = 1e13: three or four refinement steps, so both outcomes of the speculative
      // last-step check are taken.
      let (t, weights, y, lambda) = Self.threadCase(n: n, weighted: weighted, estimate: 1e13)
      let penalty = try _SplinePenalty(knots: t, weights: weights)
      let two = try #require(
        penalty.fitByLDL(data: Matrix(column: y), lambda: lambda, threads: 2))
      let reference = float80SplineReference(knots: t, weights: weights, data: y, lambda: lambda)
      let scale = y.map { abs($0) }.max()!
      let error = zip(two.values.storage, reference).map { abs($0 - $1) }.max()! / scale
      #expect(error <= 1e-12, "n = \(n): \(error)")
    }
  }

  @Test("A recycled scratch mapping gives the same fit as the first one")
  func recycledScratch() throws {
    // 40 bytes of scratch per knot: from about 105 000 knots the scratch is a mapping, kept
    // for the next fit of a similar size.
    let n = 110_000
    let (t, _, y, lambda) = Self.threadCase(n: n, weighted: false, estimate: 1e12)
    let other = y.map { 2 - $0 * $0 }
    let penalty = try _SplinePenalty(knots: t, weights: nil)
    let first = try #require(penalty.fitByLDL(data: Matrix(column: y), lambda: lambda))
    _ = try #require(penalty.fitByLDL(data: Matrix(column: other), lambda: lambda))
    let again = try #require(penalty.fitByLDL(data: Matrix(column: y), lambda: lambda))
    #expect(first.values.storage == again.values.storage)
    #expect(first.second.storage == again.second.storage)
  }

  @Test("One-column evaluation on two threads gives the same bits as on one")
  func evaluationThreads() throws {
    var generator = SplitMix64(seed: 5)
    let n = 1000
    let t = (0..<n).map { Double($0) * Double($0) / 1e6 }
    let spline = try SmoothingSpline(
      knots: t, data: t.map { cos(9 * $0) + 0.1 * standardNormal(using: &generator) },
      lambda: 1e-7)
    // Sorted points with knots themselves, points outside on both sides and far enough out
    // that the weight form overflows; then the same points shuffled.
    var points = (0..<50_000).map { -0.5 + 2 * Double($0) / 50_000 }
    points += t[0..<10] + [-1e300, 1e300, t[n - 1]]
    points.sort()
    var shuffled = points
    shuffled.shuffle(using: &generator)
    for z in [points, shuffled, [0.5], [0.25, 0.75], Array(points[0..<3])] {
      let one = _evaluateSpline(
        knots: t, points: z, values: spline.values, second: spline.secondDerivatives, threads: 1)
      let two = _evaluateSpline(
        knots: t, points: z, values: spline.values, second: spline.secondDerivatives, threads: 2)
      #expect(one == two, "\(z.count) points")
      #expect(one.allSatisfy { $0.isFinite })
    }
  }
}
