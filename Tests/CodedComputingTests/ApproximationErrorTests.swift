import CodedComputing
import Testing

/// Bad input to the splines and interpolants throws the matching ``ApproximationError``,
/// naming the index and value, and its description says what is wrong.
@Suite("ApproximationError")
struct ApproximationErrorTests {
  @Test("smoothing spline: knots")
  func knots() {
    #expect(throws: ApproximationError.nodesNotIncreasing(index: 2, previous: 3, value: 2)) {
      try SmoothingSpline(knots: [0, 3, 2, 4], data: [1, 2, 3, 4], lambda: 1)
    }
    #expect(throws: ApproximationError.nodesNotIncreasing(index: 1, previous: 0, value: 0)) {
      try SplineSmoother(knots: [0, 0, 1], lambda: 1)
    }
    #expect(throws: ApproximationError.tooFewPoints(count: 1, minimum: 2)) {
      try SmoothingSpline(knots: [0], data: [1], lambda: 1)
    }
    #expect(throws: ApproximationError.tooFewPoints(count: 0, minimum: 2)) {
      try SplineSmoother(knots: [], lambda: 0)
    }
    #expect(throws: ApproximationError.nonFinite(what: "knots", index: 1)) {
      try SplineSmoother(knots: [0, .nan, 2], lambda: 1)
    }
    #expect(throws: ApproximationError.nonFinite(what: "knots", index: 2)) {
      try SplineSmoother(knots: [0, 1, .infinity], lambda: 1)
    }
    #expect(throws: ApproximationError.nonFinite(what: "knots", index: 0)) {
      try SplineSmoother(knots: [-.infinity, 1, 2], lambda: 1)
    }
  }

  @Test("smoothing spline: λ", arguments: [-1.0, -0.0 - 1e-300, .nan, .infinity, -.infinity])
  func lambda(_ value: Double) {
    do {
      _ = try SplineSmoother(knots: [0, 1, 2], lambda: value)
      Issue.record("λ = \(value) accepted")
    } catch {
      guard case .invalidLambda(let reported) = error else {
        Issue.record("wrong error \(error)")
        return
      }
      #expect(reported.isNaN ? value.isNaN : reported == value)
      #expect(error.description.hasPrefix("lambda must be a finite number >= 0"))
    }
  }

  @Test("smoothing spline: weights and data")
  func weightsAndData() {
    #expect(throws: ApproximationError.nonPositiveWeight(index: 1, value: 0)) {
      try SplineSmoother(knots: [0, 1, 2], weights: [1, 0, 1], lambda: 1)
    }
    #expect(throws: ApproximationError.nonPositiveWeight(index: 2, value: -2)) {
      try SplineSmoother(knots: [0, 1, 2], weights: [1, 1, -2], lambda: 1)
    }
    #expect(throws: ApproximationError.nonPositiveWeight(index: 0, value: .infinity)) {
      try SplineSmoother(knots: [0, 1, 2], weights: [.infinity, 1, 1], lambda: 1)
    }
    do {
      _ = try SplineSmoother(knots: [0, 1, 2], weights: [1, .nan, 1], lambda: 1)
      Issue.record("NaN weight accepted")
    } catch {
      guard case .nonPositiveWeight(let index, let value) = error else {
        Issue.record("wrong error \(error)")
        return
      }
      #expect(index == 1 && value.isNaN)
    }
    #expect(throws: ApproximationError.lengthMismatch(what: "weights", expected: 3, actual: 2)) {
      try SplineSmoother(knots: [0, 1, 2], weights: [1, 1], lambda: 1)
    }
    #expect(throws: ApproximationError.lengthMismatch(what: "data rows", expected: 3, actual: 4)) {
      try SmoothingSpline(knots: [0, 1, 2], data: [1, 2, 3, 4], lambda: 1)
    }
    #expect(throws: ApproximationError.nonFinite(what: "data", index: 2)) {
      try SmoothingSpline(knots: [0, 1, 2], data: [1, 2, .nan], lambda: 1)
    }
    // Flat (column-major) index: row 1 of column 1 in a 3 × 2 matrix is index 4.
    #expect(throws: ApproximationError.nonFinite(what: "data", index: 4)) {
      try SmoothingSpline(
        knots: [0, 1, 2], data: Matrix(rows: [[1, 2], [3, .infinity], [5, 6]]), lambda: 1)
    }
  }

  @Test("smoothing spline: evaluation points and plans")
  func points() throws {
    let smoother = try SplineSmoother(knots: [0, 1, 2], lambda: 1)
    #expect(throws: ApproximationError.nonFinite(what: "evaluation points", index: 1)) {
      try smoother.matrix(at: [0.5, .nan])
    }
    let plan = SplineEvaluationPlan(knots: [0, 1, 2, 3], points: [0.5])
    #expect(
      throws: ApproximationError.lengthMismatch(
        what: "evaluation plan knots", expected: 3, actual: 4)
    ) { try smoother.apply(Matrix(column: [1, 2, 3]), at: plan) }
  }

  /// `SmoothingSpline.evaluate(at:)` and `derivative(at:order:)` do not throw (they are on the
  /// hot path of the codes, whose points are validated where they are made); a NaN point gives
  /// NaN, never a crash or a plausible finite number. `matrix(at:)` validates and throws.
  @Test("non-throwing evaluation propagates NaN")
  func evaluationPropagatesNaN() throws {
    let spline = try SmoothingSpline(knots: [0, 1, 2, 3], data: [0, 1, 0, 1], lambda: 0.1)
    #expect(spline.evaluate(at: [.nan])[0, 0].isNaN)
    #expect(spline.derivative(at: [.nan], order: 1)[0, 0].isNaN)
    #expect(spline.derivative(at: [.nan], order: 2)[0, 0].isNaN)
    #expect(!spline.evaluate(at: [.infinity])[0, 0].isFinite)
  }

  @Test("interpolants")
  func interpolants() {
    #expect(throws: ApproximationError.nodesNotIncreasing(index: 1, previous: 1, value: 0)) {
      try BerrutInterpolant(nodes: [1, 0], values: Matrix(column: [1, 2]))
    }
    #expect(throws: ApproximationError.tooFewPoints(count: 0, minimum: 1)) {
      try BarycentricLagrange(nodes: [], values: Matrix(rows: 0, columns: 1))
    }
    #expect(throws: ApproximationError.lengthMismatch(what: "values rows", expected: 2, actual: 3))
    {
      try BarycentricLagrange(nodes: [0, 1], values: Matrix(column: [1, 2, 3]))
    }
    #expect(throws: ApproximationError.nonFinite(what: "values", index: 0)) {
      try BerrutInterpolant(nodes: [0, 1], values: Matrix(column: [.nan, 2]))
    }
    #expect(throws: ApproximationError.nonFinite(what: "evaluation points", index: 0)) {
      try BerrutInterpolant.matrix(nodes: [0, 1], at: [.infinity])
    }
    #expect(throws: ApproximationError.nonFinite(what: "evaluation points", index: 2)) {
      try BarycentricLagrange(nodes: [0, 1], values: Matrix(column: [1, 2])).evaluate(at: [
        0, 1, .nan,
      ])
    }
  }

  @Test("descriptions name the problem")
  func descriptions() {
    #expect(
      ApproximationError.nodesNotIncreasing(index: 3, previous: 2, value: 2).description
        == "nodes must be strictly increasing: node 3 (2.0) is repeated after 2.0")
    #expect(
      ApproximationError.nodesNotIncreasing(index: 3, previous: 2, value: 1).description
        == "nodes must be strictly increasing: node 3 (1.0) is not increasing after 2.0")
    #expect(
      ApproximationError.tooFewPoints(count: 1, minimum: 2).description
        == "need at least 2 points, got 1")
    #expect(
      ApproximationError.nonPositiveWeight(index: 4, value: -1).description
        == "weights must be finite and > 0: weight 4 is -1.0")
  }
}
