import Foundation
import Testing

@testable import CodedComputing

/// The fused, column-blocked spline operator of LeTCC (`_FusedSplineKernel`) against the
/// unfused route (fit every column, then evaluate the plan) and against closed forms.
@Suite("Fused spline operator")
struct FusedSplineKernelTests {
  /// Knots jittered on [−1, 1], points spread over [−1.2, 1.2] (so some extrapolate linearly),
  /// including every knot itself.
  static func setup(n: Int, points p: Int, seed: UInt64) -> (knots: [Double], points: [Double]) {
    var generator = SplitMix64(seed: seed)
    let knots = (0..<n).map {
      -1 + 2 * (Double($0) + 0.4 * Double.random(in: 0..<1, using: &generator)) / Double(n)
    }
    var points = (0..<p).map { -1.2 + 2.4 * Double($0) / Double(max(p - 1, 1)) }
    points += knots
    return (knots, points.sorted())
  }

  @Test(
    "Fused equals fit-then-evaluate (every column count around the block of 8)",
    arguments: [3, 4, 11, 100, 901], [1, 7, 8, 9, 17])
  func matchesUnfused(n: Int, columns: Int) throws {
    let (knots, points) = Self.setup(n: n, points: 37, seed: UInt64(n * 100 + columns))
    var generator = SplitMix64(seed: UInt64(columns))
    let data = randomMatrix(rows: n, columns: columns, using: &generator)
    let weights = (0..<n).map { _ in Double.random(in: 0.5..<2, using: &generator) }
    let plan = SplineEvaluationPlan(knots: knots, points: points)
    for lambda in [0, 1e-6, 1e-3, 0.3] {
      for w in [nil, weights] {
        let smoother = try SplineSmoother(knots: knots, weights: w, lambda: lambda)
        // 9λ/h³ stays below the Givens switch except at λ = 0.3 with n = 901, where the fused
        // path falls back to the Givens fit (still checked: the same numbers as `fit`).
        if lambda <= 1e-3 || n < 200 { #expect(!smoother._usesQR) }
        let fused = smoother._applyFused(data, at: plan)
        let spline = try smoother.fit(data)
        let unfused = plan.apply(values: spline.values, secondDerivatives: spline.secondDerivatives)
        #expect(fused.rows == points.count && fused.columns == columns)
        #expect(
          relativeGap(fused, unfused) < 1e-12,
          "n \(n) c \(columns) λ \(lambda) weighted \(w != nil)")
      }
    }
  }

  @Test("An interpolating spline reproduces a straight line everywhere, extrapolation included")
  func reproducesLines() throws {
    // Closed form: the natural cubic spline through samples of a + b·t is a + b·t itself (its
    // second derivative is zero), and beyond the ends it continues with the same line.
    let (knots, points) = Self.setup(n: 50, points: 101, seed: 9)
    let columns = 11
    var data = Matrix(rows: knots.count, columns: columns)
    for c in 0..<columns {
      for (i, t) in knots.enumerated() { data[i, c] = Double(c) - 0.5 + (0.25 * Double(c) - 1) * t }
    }
    let smoother = try SplineSmoother(knots: knots, lambda: 0)
    let fused = smoother._applyFused(data, at: SplineEvaluationPlan(knots: knots, points: points))
    var worst = 0.0
    for c in 0..<columns {
      for (q, z) in points.enumerated() {
        worst = max(worst, abs(fused[q, c] - (Double(c) - 0.5 + (0.25 * Double(c) - 1) * z)))
      }
    }
    #expect(worst < 1e-13)
  }

  @Test("The same numbers on 1, 2 or 3 threads", arguments: [1, 23, 784])
  func threadCountDoesNotChangeResults(columns: Int) throws {
    let (knots, points) = Self.setup(n: 300, points: 64, seed: 3)
    var generator = SplitMix64(seed: 5)
    let data = randomMatrix(rows: knots.count, columns: columns, using: &generator)
    let smoother = try SplineSmoother(knots: knots, lambda: 1e-4)
    let plan = SplineEvaluationPlan(knots: knots, points: points)
    let kernel = try #require(
      smoother._factor.map {
        _FusedSplineKernel(penalty: smoother._penalty, factor: $0, lambda: 1e-4, plan: plan)
      })
    func run(_ threads: Int) -> [Double] {
      var out = [Double](repeating: .nan, count: points.count * columns)
      data.storage.withUnsafeBufferPointer { y in
        out.withUnsafeMutableBufferPointer { o in
          kernel.run(
            data: y.baseAddress!, output: o.baseAddress!, columns: columns, threads: threads)
        }
      }
      return out
    }
    let one = run(1)
    #expect(one.allSatisfy { $0.isFinite })
    #expect(run(2) == one)
    #expect(run(3) == one)
  }

  @Test("Threads per call: one per 2¹⁷ values, within the limit")
  func threadHeuristic() {
    #expect(_codingThreadCount(work: 1000) == 1)
    #expect(_codingThreadCount(work: 1 << 17) == 1)
    #expect(_codingThreadCount(work: 1 << 30) == codingThreadCount)
    #expect(codingThreadCount >= 1)
  }
}
