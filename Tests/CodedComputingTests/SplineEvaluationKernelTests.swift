import Foundation
import Testing

@testable import CodedComputing

/// The one-column evaluation kernel (`cc_spline_evaluate`, CKernels/spline_evaluate.c: a scalar
/// loop and an AVX-512 path over blocks of eight sorted points) against the Swift arithmetic it
/// replaces, point by point: the interval by bisection (``_intervalIndex(_:_:)``), the weights of
/// ``_evaluationWeights(_:_:_:)`` and, where that overflows beyond the knots,
/// ``_extrapolate(_:_:_:_:)``. The two must agree bit for bit.
@Suite("Spline evaluation kernel")
struct SplineEvaluationKernelTests {
  /// The Swift per-point reference, with no search hint and no blocks.
  static func reference(knots: [Double], g: [Double], s: [Double], points: [Double]) -> [Double] {
    knots.withUnsafeBufferPointer { t in
      g.withUnsafeBufferPointer { gp in
        s.withUnsafeBufferPointer { sp in
          points.map { z in
            let i = _intervalIndex(knots, z)
            let w = _evaluationWeights(t, i, z)
            var value = w.0 * g[i] + w.1 * g[i + 1] + w.2 * s[i]
            value += w.3 * s[i + 1]
            if !value.isFinite && (z < knots[0] || z > knots[knots.count - 1]) {
              value = _extrapolate(t, gp.baseAddress!, sp.baseAddress!, z)
            }
            return value
          }
        }
      }
    }
  }

  /// Knots: uniform, squares (spacing growing 1 → 2n) or random spacings over 1e-4…1.
  static func knots(_ n: Int, kind: Int, using generator: inout SplitMix64) -> [Double] {
    switch kind {
    case 0: return (0..<n).map { Double($0) / Double(n - 1) }
    case 1: return (0..<n).map { Double($0 * $0) }
    default:
      var t = [0.0]
      for _ in 1..<n {
        t.append(t[t.count - 1] + 1e-4 + Double.random(in: 0..<1, using: &generator))
      }
      return t
    }
  }

  @Test(
    "Bit for bit the Swift arithmetic: sorted, clustered, sparse and shuffled points",
    arguments: [2, 3, 17, 18, 40, 1000])
  func matchesSwift(n: Int) {
    var generator = SplitMix64(seed: UInt64(n))
    for kind in 0..<3 {
      let t = Self.knots(n, kind: kind, using: &generator)
      let g = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) }
      let s = (0..<n).map { _ in Double.random(in: -1e3...1e3, using: &generator) }
      let span = t[n - 1] - t[0]
      // p around the block (8), the two chains (16) and, for two knot counts, the two-thread
      // threshold (2¹⁵).
      let large = n == 18 || n == 1000 ? [1 << 15 - 1, 1 << 15 + 5] : []
      for p in [0, 1, 7, 8, 15, 16, 17, 31, 33, 250] + large {
        // Sorted, 10 % beyond each end, with knots themselves and repeated points mixed in.
        var sorted = (0..<p).map { _ in
          t[0] - 0.1 * span + 1.2 * span * Double.random(in: 0..<1, using: &generator)
        }
        for j in stride(from: 0, to: p, by: 13) { sorted[j] = t[j % n] }
        for j in stride(from: 1, to: p, by: 29) { sorted[j] = sorted[j - 1] }
        sorted.sort()
        // Sparse: a few points over many knots (windows of sixteen knots do not hold them).
        let sparse = (0..<min(p, 40)).map { t[0] + span * Double($0) / 40 }
        var shuffled = sorted
        shuffled.shuffle(using: &generator)
        var far = sorted
        if p >= 8 { far[0] = -1e300; far[p - 1] = 1e300; far[p / 2] = .nan }
        for (name, z) in [
          ("sorted", sorted), ("sparse", sparse), ("shuffled", shuffled),
          ("far", far),
        ] {
          let expected = Self.reference(knots: t, g: g, s: s, points: z)
          let values = Matrix(column: g)
          let second = Matrix(column: s)
          for threads in [1, 2] {
            let got = _evaluateSpline(
              knots: t, points: z, values: values, second: second, threads: threads)
            let same = zip(got, expected).allSatisfy {
              $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN)
            }
            #expect(same, "n \(n), knots \(kind), \(name), p \(p), \(threads) threads")
          }
        }
      }
    }
  }

  /// A spline that is a straight line (γ = 0, g = 3 − 2t) is that line everywhere, inside and
  /// beyond the knots, to rounding (closed form).
  @Test("A straight line evaluates to itself")
  func straightLine() {
    var generator = SplitMix64(seed: 11)
    let t = Self.knots(500, kind: 2, using: &generator)
    let g = t.map { 3 - 2 * $0 }
    let s = [Double](repeating: 0, count: t.count)
    let span = t[t.count - 1]
    let z = (0..<20_000).map { -0.5 * span + 2 * span * Double($0) / 20_000 }
    let got = _evaluateSpline(
      knots: t, points: z, values: Matrix(column: g), second: Matrix(column: s), threads: 1)
    for (x, value) in zip(z, got) {
      #expect(abs(value - (3 - 2 * x)) <= 1e-13 * (3 + 2 * abs(x)), "z = \(x)")
    }
  }
}
