import Foundation
import Synchronization
import Testing

@testable import CodedComputing

/// The smoother's construction and the checks around a fit: the condition estimate's percentile
/// read off the knots, selection instead of sorting, the parts formed on first use (1/h, unit
/// weights, the Cholesky factor on the state-space route), and the one-pass input checks in C,
/// each against the straightforward computation it replaced.
@Suite("Spline construction and input checks")
struct SplineConstructionTests {
  /// Knot sets with every kind of spacing: equispaced, Chebyshev-clustered, random, and a
  /// cluster holding a fifth of the knots.
  static func knotSets() -> [[Double]] {
    var generator = SplitMix64(seed: 11)
    var random = (0..<50_003).map { _ in Double.random(in: 0..<1, using: &generator) }
    random.sort()
    random = zip(random, random.dropFirst()).filter { $0 < $1 }.map { $0.0 }
    let cluster = (0..<2000).map { Double($0) * 1e-9 } + (1...8000).map { Double($0) * 1e-3 }
    return [
      [0, 1], [0, 1, 3], NodeFamily.equispaced.nodes(count: 100),
      NodeFamily.chebyshevSecondKind.nodes(count: 1000),
      NodeFamily.chebyshevFirstKind.nodes(count: 4097), random, cluster,
    ]
  }

  /// The percentile as it was computed before: all n − 1 reciprocals, a strided sample, sorted.
  static func referenceDecile(_ t: [Double]) -> Double {
    let inverse = (0..<(t.count - 1)).map { 1 / (t[$0 + 1] - t[$0]) }
    let stride = max(1, inverse.count / 4096)
    let sample = Swift.stride(from: 0, to: inverse.count, by: stride).map { inverse[$0] }.sorted()
    return sample[min(sample.count - 1, (sample.count * 9) / 10)]
  }

  @Test("The condition estimate's percentile, read off the knots, is the sorted sample's")
  func upperDecileMatchesSortedSample() throws {
    for t in Self.knotSets() {
      let expected = Self.referenceDecile(t)
      #expect(_upperDecileOfInverseSpacings(t) == expected, "n = \(t.count)")
      let penalty = try _SplinePenalty(knots: t, weights: nil)
      #expect(penalty.typicalInverseSpacing == expected)
      let inverse = penalty.inverseSpacing
      #expect(_upperDecile(count: inverse.count) { inverse[$0] } == expected)
    }
  }

  @Test("Selection finds the value of every rank, with ties, sorted and reversed runs")
  func selectionMatchesSorting() {
    var generator = SplitMix64(seed: 3)
    var inputs: [[Double]] = [
      [5], [2, 1], [1, 1, 1, 1], Array(repeating: 0.25, count: 33),
      (0..<40).map(Double.init), (0..<40).map { Double(40 - $0) },
      (0..<41).map { Double($0 % 3) }, [.infinity, 1, 0, .infinity, 2],
    ]
    for count in [7, 64, 257] {
      inputs.append((0..<count).map { _ in Double.random(in: -1..<1, using: &generator) })
      inputs.append((0..<count).map { _ in Double(Int.random(in: 0..<5, using: &generator)) })
    }
    for values in inputs {
      let sorted = values.sorted()
      for rank in values.indices {
        var scratch = values
        #expect(_select(&scratch, rank: rank) == sorted[rank], "\(values) rank \(rank)")
      }
    }
  }

  @Test("1/h and max 1/h, formed on first use, are the elementwise reciprocals")
  func lazySpacingsAreExact() throws {
    for t in Self.knotSets() {
      let penalty = try _SplinePenalty(knots: t, weights: nil)
      #expect(!penalty._spacing.isComputed)
      let expected = (0..<(t.count - 1)).map { 1 / (t[$0 + 1] - t[$0]) }
      #expect(penalty.inverseSpacing == expected)
      #expect(penalty.maxInverseSpacing == expected.max()!)
      #expect(penalty._spacing.isComputed)
      #expect(penalty.q1.count == t.count - 2)
    }
  }

  @Test("A lazy value read by 8 threads at once is computed once, and all see it")
  func lazyIsComputedOnce() {
    let calls = Atomic<Int>(0)
    let lazy = _Lazy<[Double]> {
      calls.add(1, ordering: .relaxed)
      usleep(2000)  // keep the first computation running while the others arrive
      return [1, 2, 3]
    }
    let seen = Mutex<[[Double]]>([])
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      let value = lazy.value
      seen.withLock { $0.append(value) }
    }
    #expect(calls.load(ordering: .relaxed) == 1)
    #expect(seen.withLock { $0 } == Array(repeating: [1, 2, 3], count: 8))
    #expect(_Lazy(computed: 5).isComputed && _Lazy(computed: 5).value == 5)
  }

  @Test("Absent weights read as ones; given weights as given; the public weights unchanged")
  func unitWeights() throws {
    let t = NodeFamily.equispaced.nodes(count: 50)
    let plain = try _SplinePenalty(knots: t, weights: nil)
    #expect(plain.givenWeights == nil && plain.unitWeights && !plain._ones.isComputed)
    #expect(plain.weights == Array(repeating: 1, count: 50))
    #expect(_unitWeights(count: 7) == Array(repeating: 1, count: 7))
    #expect(plain.weights == Array(repeating: 1, count: 50))
    let w = (0..<50).map { 1 + Double($0) / 10 }
    let weighted = try _SplinePenalty(knots: t, weights: w)
    #expect(weighted.weights == w && !weighted.unitWeights && weighted.minWeight == 1)
    #expect(try SplineSmoother(knots: t, lambda: 0.1).weights == Array(repeating: 1, count: 50))
    #expect(try SplineSmoother(knots: t, weights: w, lambda: 0.1).weights == w)
  }

  /// From 2¹⁴ knots at λ > 0 the state-space route fits without 1/h or the Cholesky factor;
  /// the factor, formed when the operator path asks, is the one formed in init before.
  @Test("State-space sizes: 1/h and the factor wait for a route that needs them")
  func deferredFactorIsTheSame() throws {
    let n = _SplinePenalty.stateSpaceMinimumCount + 5
    let t = NodeFamily.equispaced.nodes(count: n)
    // λ with κ ≈ 9λ/h³ ≈ 10⁴: the Cholesky route's condition, formerly factorised in init.
    let h = 2.0 / Double(n - 1)
    let lambda = 1e3 * h * h * h
    let smoother = try SplineSmoother(knots: t, lambda: lambda)
    #expect(!smoother._usesQR && !smoother._isLine)
    #expect(!smoother._factorState.isComputed && !smoother._penalty._spacing.isComputed)
    var generator = SplitMix64(seed: 8)
    let y = (0..<n).map { _ in Double.random(in: -1..<1, using: &generator) }
    let spline = try smoother.fit(y)
    #expect(!smoother._factorState.isComputed)
    let factor = try #require(smoother._factor)
    let direct = try smoother._penalty.factorized(lambda: lambda)
    #expect(factor.factor == direct.factor)
    // The operator path (Cholesky, fused) agrees with the state-space fit to rounding.
    let points = stride(from: -1.0, through: 1.0, by: 0.01).map { $0 }
    let applied = try smoother.apply(
      Matrix(column: y), at: SplineEvaluationPlan(knots: t, points: points))
    let evaluated = spline.evaluate(at: points)
    let worst = (0..<points.count).map { abs(applied[$0, 0] - evaluated[$0, 0]) }.max()!
    #expect(worst < 1e-10)
    // Below 2¹⁴ knots, and at λ = 0 (interpolation, no state-space route), init factorises.
    let small = try SplineSmoother(knots: Array(t.prefix(1000)), lambda: lambda)
    #expect(small._factorState.isComputed && small._factor != nil)
    #expect(try SplineSmoother(knots: t, lambda: 0)._factorState.isComputed)
  }

  /// Where the first bad node is: ends, inside and across the C kernel's blocks of eight, tail.
  static func positions(_ n: Int) -> [Int] {
    Array(Set([0, 1, 2, 7, 8, 9, 15, 16, 17, n / 2, n - 2, n - 1].filter { $0 >= 0 && $0 < n }))
      .sorted()
  }

  @Test("Unsorted, repeated and non-finite knots: the same error at every position")
  func knotErrors() {
    for n in [2, 3, 8, 9, 15, 16, 17, 24, 25, 100, 1001] {
      let good = (0..<n).map { Double($0) }
      #expect(throws: Never.self) { try _validateNodes(good, minimum: 2) }
      for i in Self.positions(n) {
        for bad in [Double.nan, .infinity, -.infinity] {
          var t = good
          t[i] = bad
          // The first non-finite node is reported, wherever it is.
          #expect(throws: ApproximationError.nonFinite(what: "knots", index: i)) {
            try SplineSmoother(knots: t, lambda: 1)
          }
        }
        guard i > 0 else { continue }
        var repeated = good
        repeated[i] = repeated[i - 1]
        let expected = ApproximationError.nodesNotIncreasing(
          index: i, previous: Double(i - 1), value: Double(i - 1))
        #expect(throws: expected) { try SplineSmoother(knots: repeated, lambda: 1) }
        #expect(expected.description.contains("is repeated after"))
        var swapped = good
        swapped.swapAt(i - 1, i)
        #expect(
          throws: ApproximationError.nodesNotIncreasing(
            index: i, previous: Double(i), value: Double(i - 1))
        ) { try SplineSmoother(knots: swapped, lambda: 1) }
      }
    }
    #expect(throws: ApproximationError.tooFewPoints(count: 1, minimum: 2)) {
      try SplineSmoother(knots: [0], lambda: 1)
    }
  }

  @Test("Non-finite data: the same error at the first bad index; the scale as _dataExponent")
  func dataChecks() throws {
    for n in [1, 7, 8, 9, 16, 17, 1000] {
      let good = (0..<n).map { Double($0) - 3.5 }
      #expect(try _validatedDataExponent(good, what: "data") == 0)
      for i in Self.positions(n) {
        for bad in [Double.nan, .infinity, -.infinity] {
          var y = good
          y[i] = bad
          if i + 1 < n { y[n - 1] = .nan }  // a later one too: the first is named
          #expect(throws: ApproximationError.nonFinite(what: "data", index: i)) {
            try _validatedDataExponent(y, what: "data")
          }
          #expect(throws: ApproximationError.nonFinite(what: "data", index: i)) {
            try _validateFinite(y, what: "data")
          }
        }
      }
    }
    #expect(try _validatedDataExponent([], what: "data") == 0)
    let scales = [0.0, 0x1p-1030, 1e-100, 0x1p-257, 0x1p-256, 1, 0x1p256, 0x1p257, 1e300, -1.7e308]
    // The exponent of max |y| = |scale|, or 0 within 2^±256 (log₂ 1e-100 ≈ −332.2, log₂ 1e300 ≈
    // 996.6, log₂ 1.7e308 ≈ 1023.9).
    let exponents = [0, -1030, -333, -257, 0, 0, 0, 257, 996, 1023]
    for (scale, exponent) in zip(scales, exponents) {
      let y = [0.5, -0.25, 0.125, 0, 0, 0, 0, 0, 1, 0.75].map { $0 * scale }
      #expect(try _validatedDataExponent(y, what: "data") == _dataExponent(y), "\(scale)")
      #expect(_dataExponent(y) == exponent, "\(scale)")
    }
    let t = (0..<20).map { Double($0) }
    var y = Matrix(rows: 20, columns: 2)
    y[13, 1] = .nan
    #expect(throws: ApproximationError.nonFinite(what: "data", index: 33)) {
      try SplineSmoother(knots: t, lambda: 1).fit(y)
    }
  }
}
