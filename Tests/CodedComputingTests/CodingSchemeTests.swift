import Foundation
import Testing

@testable import CodedComputing

/// Random K × d inputs in [−1, 1] from a seeded generator.
private func randomInputs(_ k: Int, _ d: Int, seed: UInt64) -> Matrix {
  uniformInputs(count: k, dimension: d, range: -1...1, seed: seed)
}

private func maxAbsDifference(_ a: Matrix, _ b: Matrix) -> Double {
  zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
}

@Suite("Coding schemes")
struct CodingSchemeTests {
  @Test("Identity round trip is exact where encoder and decoder interpolate at the same nodes",
    arguments: [SchemeKind.letcc, .bacc, .lcc])
  func exactRoundTripOnSameNodes(kind: SchemeKind) throws {
    // Equispaced layout with N = K puts β = α, so decode(encode(X)) = X for f = identity.
    let x = randomInputs(7, 3, seed: 1)
    let scheme = try kind.make(
      inputCount: 7, workerCount: 7, layout: .equispaced, decoderLambda: .fixed(0))
    let decoded = try scheme.decode(try scheme.encode(x), survivors: Array(0..<7))
    #expect(maxAbsDifference(decoded, x) < 1e-12)
  }

  @Test("Replication and uncoded reproduce f(X) exactly without stragglers")
  func replicationExact() throws {
    let x = randomInputs(5, 2, seed: 2)
    let f = BuiltinFunction.xsinx
    for scheme in [try ReplicationCode(inputCount: 5, workerCount: 15), try ReplicationCode.uncoded(inputCount: 5)] {
      let y = f.evaluate(batch: try scheme.encode(x))
      let decoded = try scheme.decode(y, survivors: Array(0..<scheme.workerCount))
      // Averaging r identical copies is exact up to one rounding of the sum.
      #expect(maxAbsDifference(decoded, f.evaluate(batch: x)) < 1e-15)
    }
  }

  @Test("Replication averages surviving copies and scores a lost input as the mean of received results")
  func replicationLostInput() throws {
    let code = try ReplicationCode(inputCount: 3, workerCount: 6)  // worker n ↦ input n mod 3
    // Survivors 0, 3 (input 0) and 1 (input 1); input 2 (workers 2, 5) is lost.
    let results = Matrix(rows: [[1.0], [10.0], [3.0]])  // workers 0, 1, 3
    let decoded = try code.decode(results, survivors: [0, 1, 3])
    #expect(decoded[0, 0] == 2.0)  // (1 + 3) / 2
    #expect(decoded[1, 0] == 10.0)
    #expect(decoded[2, 0] == (1.0 + 10.0 + 3.0) / 3)
  }

  @Test("LeTCC identity round trip converges as N grows (no stragglers, chebyshev)")
  func letccConverges() throws {
    let x = randomInputs(10, 1, seed: 3)
    var errors: [Double] = []
    for n in [50, 200, 800] {
      let code = try SplineCode(inputCount: 10, workerCount: n, layout: .chebyshev, decoderLambda: .fixed(0))
      errors.append(maxAbsDifference(try code.decode(try code.encode(x), survivors: Array(0..<n)), x))
    }
    // Cubic spline interpolation error is O(h⁴): each 4× increase of N cuts it by ≥ 64×.
    #expect(errors[1] < errors[0] / 64)
    #expect(errors[2] < errors[1] / 64)
    #expect(errors[2] < 1e-6)
  }

  @Test("LeTCC encoder equals the smoothing spline through (α, x) evaluated at β",
    arguments: [0.0, 0.01, 1.0])
  func letccEncoderIsSpline(lambda: Double) throws {
    let x = randomInputs(8, 2, seed: 4)
    let code = try SplineCode(inputCount: 8, workerCount: 30, layout: .midpoints, encoderLambda: .fixed(lambda))
    let spline = try SmoothingSpline(knots: code.alpha, data: x, lambda: lambda)
    #expect(maxAbsDifference(try code.encode(x), spline.evaluate(at: code.beta)) < 1e-13)
  }

  @Test(
    "LeTCC optimal encoder λ is K·h³/24 for the widest gap of S + 1 worker spacings",
    arguments: [(8, 30, 0), (8, 30, 4), (5, 12, 11), (20, 200, 10)])
  func letccOptimalEncoderLambda(k: Int, n: Int, s: Int) throws {
    // Equispaced β: every gap of s + 1 spacings is (s + 1)·2/(N − 1), clamped to the whole of Ω.
    let code = try SplineCode(
      inputCount: k, workerCount: n, layout: .equispaced, encoderLambda: .optimal, plannedStragglers: s)
    let h = min(Double(s + 1), Double(n - 1)) * 2 / Double(n - 1)
    let expected = Double(k) * h * h * h / 24
    let value = try #require(code.encoderLambdaValue)
    #expect(abs(value - expected) <= 1e-14 * expected)
    // Chebyshev β: the widest window sits in the middle, where the spacing is largest.
    let beta = NodeLayout.chebyshev.beta(n)
    let span = min(s + 1, n - 1)
    let widest = (0..<(n - span)).map { beta[$0 + span] - beta[$0] }.max() ?? 0
    #expect(
      SplineCode.optimalEncoderLambda(alpha: NodeLayout.chebyshev.alpha(k), beta: beta, stragglers: s)
        == Double(k) * widest * widest * widest / 24)
    // And the encoder is the smoothing spline with that λ.
    let x = randomInputs(k, 2, seed: 11)
    let spline = try SmoothingSpline(knots: code.alpha, data: x, lambda: value)
    let (coded, used) = try code.encodeReportingLambda(x)
    #expect(used == value)
    #expect(maxAbsDifference(coded, spline.evaluate(at: code.beta)) < 1e-13)
  }

  @Test(
    "encode(into:) and decode(into:) give the allocating results, reusing a buffer of the right shape",
    arguments: [SchemeKind.letcc, .bacc, .lcc, .replication])
  func intoVariants(kind: SchemeKind) throws {
    let code = try kind.make(
      inputCount: 6, workerCount: 40, layout: .chebyshev, decoderLambda: .fixed(1e-5),
      functionDegree: 1)
    let x = randomInputs(6, 11, seed: 21)
    let survivors = Array(3..<40)
    // A buffer of the right shape full of stale NaNs: every element must be overwritten.
    var coded = Matrix(rows: 40, columns: 11, repeating: .nan)
    try code.encode(x, into: &coded)
    let expected = try code.encode(x)
    #expect(coded == expected)
    let results = expected.selectingRows(survivors)
    var decoded = Matrix(rows: 6, columns: 11, repeating: .nan)
    try code.decode(results, survivors: survivors, into: &decoded)
    #expect(decoded == (try code.decode(results, survivors: survivors)))
    // A buffer of the wrong shape is replaced.
    var small = Matrix(rows: 1, columns: 1)
    try code.encode(x, into: &small)
    #expect(small == expected)
    // Errors are the allocating calls' errors.
    #expect(throws: CodingError.self) { try code.encode(Matrix(rows: 5, columns: 11), into: &coded) }
    #expect(throws: CodingError.self) { try code.decode(results, survivors: [1, 2], into: &decoded) }
  }

  @Test("LeTCC GCV encoder: the spline through (α, x) with the GCV λ of the inputs")
  func letccGCVEncoder() throws {
    let x = randomInputs(12, 3, seed: 5)
    let code = try SplineCode(inputCount: 12, workerCount: 50, encoderLambda: .gcv)
    #expect(code.encoderLambdaValue == nil)
    let (chosen, _) = try SplineSmoother.byGCV(knots: code.alpha, data: x)
    let (coded, used) = try code.encodeReportingLambda(x)
    #expect(used == chosen.lambda)
    let spline = try SmoothingSpline(knots: code.alpha, data: x, lambda: chosen.lambda)
    #expect(maxAbsDifference(coded, spline.evaluate(at: code.beta)) < 1e-12)
    #expect(maxAbsDifference(try code.encode(x), coded) == 0)
    // A number literal is a fixed λ.
    let literal: SmoothingChoice = 0.5
    #expect(literal == .fixed(0.5))
    #expect((3 as SmoothingChoice) == .fixed(3))
  }

  @Test("LeTCC decoder equals the smoothing spline through the survivors evaluated at α",
    arguments: [(20, 0.001), (400, 1.0), (400, 1e-4)])
  func letccDecoderIsSpline(workers: Int, lambda: Double) throws {
    // (400, 1) and (400, 1e-4) on Chebyshev knots are ill-conditioned enough for the Givens route.
    let code = try SplineCode(inputCount: 6, workerCount: workers, decoderLambda: .fixed(lambda))
    let survivors = (0..<workers).filter { $0 % 7 != 3 && $0 % 11 != 4 }
    var generator = SplitMix64(seed: 9)
    var y = Matrix(rows: survivors.count, columns: 2)
    for i in y.storage.indices { y.storage[i] = Double.random(in: -1...1, using: &generator) }
    let spline = try SmoothingSpline(knots: survivors.map { code.beta[$0] }, data: y, lambda: lambda)
    #expect(maxAbsDifference(try code.decode(y, survivors: survivors), spline.evaluate(at: code.alpha)) < 1e-13)
  }

  @Test("BACC decoding equals a direct evaluation of Berrut's formula on re-indexed survivors")
  func berrutDirectFormula() throws {
    let code = try BerrutCode(inputCount: 5, workerCount: 12, layout: .chebyshev)
    let survivors = [0, 2, 3, 4, 7, 8, 10, 11]
    let y = Matrix(column: survivors.map { sin(3 * Double($0)) })
    let decoded = try code.decode(y, survivors: survivors)
    for (k, a) in code.alpha.enumerated() {
      var numerator = 0.0
      var denominator = 0.0
      for (i, n) in survivors.enumerated() {
        let term = (i % 2 == 0 ? 1.0 : -1.0) / (a - code.beta[n])
        numerator += term * y[i, 0]
        denominator += term
      }
      #expect(abs(decoded[k, 0] - numerator / denominator) < 1e-13)
    }
  }

  @Test("LCC is exact for polynomials inside its recovery threshold",
    arguments: [(BuiltinFunction.square, 2), (.cube, 3)])
  func lccExact(f: BuiltinFunction, degree: Int) throws {
    let k = 5
    let threshold = (k - 1) * degree + 1
    let n = threshold + 4
    let x = randomInputs(k, 2, seed: 5)
    let code = try LagrangeCode(inputCount: k, workerCount: n, layout: .chebyshev, functionDegree: degree)
    #expect(code.minimumSurvivors == threshold)
    let y = f.evaluate(batch: try code.encode(x))
    let survivors = Array(4..<n)  // exactly the threshold, the first four straggle
    let decoded = try code.decode(y.selectingRows(survivors), survivors: survivors)
    #expect(maxAbsDifference(decoded, f.evaluate(batch: x)) < 1e-10)
  }

  @Test("LCC refuses fewer survivors than its threshold with a clear error")
  func lccRefuses() throws {
    let code = try LagrangeCode(inputCount: 5, workerCount: 12, functionDegree: 2)
    let survivors = Array(0..<8)  // threshold is 9
    #expect(throws: CodingError.tooFewSurvivors(scheme: "lcc", survivors: 8, minimum: 9)) {
      try code.decode(Matrix(rows: 8, columns: 1), survivors: survivors)
    }
    #expect(throws: CodingError.self) { try LagrangeCode(inputCount: 5, workerCount: 8, functionDegree: 2) }
  }

  @Test("Bad survivor lists and shapes are rejected")
  func badSurvivors() throws {
    let code = try BerrutCode(inputCount: 3, workerCount: 6)
    #expect(throws: CodingError.self) { try code.decode(Matrix(rows: 2, columns: 1), survivors: [3, 1]) }
    #expect(throws: CodingError.self) { try code.decode(Matrix(rows: 2, columns: 1), survivors: [1, 6]) }
    #expect(throws: CodingError.self) { try code.decode(Matrix(rows: 3, columns: 1), survivors: [1, 2]) }
    #expect(throws: CodingError.self) { try code.encode(Matrix(rows: 4, columns: 1)) }
    #expect(throws: CodingError.self) { try SplineCode(inputCount: 1, workerCount: 6) }
    #expect(throws: CodingError.self) { try SplineCode(inputCount: 3, workerCount: 6, encoderLambda: -1) }
    #expect(throws: CodingError.self) {
      try SplineCode(inputCount: 3, workerCount: 6, encoderLambda: .fixed(.infinity))
    }
    #expect(throws: CodingError.self) { try SplineCode(inputCount: 2, workerCount: 6, encoderLambda: .gcv) }
    #expect(throws: CodingError.self) { try SchemeKind.uncoded.make(inputCount: 3, workerCount: 6, layout: .chebyshev) }
  }

  @Test("A non-finite result is refused, naming its worker", arguments: [SchemeKind.letcc, .bacc, .lcc])
  func nonFiniteResult(kind: SchemeKind) throws {
    let scheme = try kind.make(inputCount: 4, workerCount: 12, layout: .chebyshev, decoderLambda: .fixed(0.01))
    let survivors = [0, 1, 2, 4, 5, 7, 8, 9, 10, 11]
    for bad in [Double.nan, .infinity] {
      var y = Matrix(rows: survivors.count, columns: 2, repeating: 0.5)
      y[5, 1] = bad  // row 5 is worker 7
      #expect(throws: CodingError.invalidSurvivors("the result of worker 7 is not finite")) {
        try scheme.decode(y, survivors: survivors)
      }
    }
  }

  @Test("The optimal λ schedule is 0 without noise and grows with σ")
  func optimalSchedule() throws {
    let knots = NodeFamily.chebyshevSecondKind.nodes(count: 60)
    var generator = SplitMix64(seed: 11)
    let y = Matrix(column: knots.map { $0 * sin($0) + 0.1 * standardNormal(using: &generator) })
    let quiet = try SplineCode(inputCount: 5, workerCount: 60, decoderLambda: .optimal)
    #expect(try quiet.optimalLambda(knots: knots, results: y) == 0)
    let low = try SplineCode(inputCount: 5, workerCount: 60, decoderLambda: .optimal, noiseLevel: 0.05)
    let high = try SplineCode(inputCount: 5, workerCount: 60, decoderLambda: .optimal, noiseLevel: 0.2)
    let lowLambda = try low.optimalLambda(knots: knots, results: y)
    let highLambda = try high.optimalLambda(knots: knots, results: y)
    // λ ∝ σ^{8/5} for the same data: a 4× larger σ gives 4^{1.6} ≈ 9.19× larger λ.
    #expect(lowLambda > 0)
    #expect(abs(highLambda / lowLambda - pow(4, 1.6)) < 1e-9)
  }
}

@Suite("Built-in functions")
struct BuiltinFunctionTests {
  @Test("Coordinate-wise functions against their closed forms")
  func coordinateWise() {
    let x = [-1.5, 0, 0.3, 2]
    #expect(BuiltinFunction.xsinx.evaluate(x) == x.map { $0 * sin($0) })
    #expect(BuiltinFunction.sigmoid.evaluate(x) == x.map { 1 / (1 + exp(-$0)) })
    #expect(BuiltinFunction.cube.evaluate(x) == x.map { $0 * $0 * $0 })
  }

  @Test("softmax and sumsquares act on the whole vector, in batches too")
  func vectorFunctions() {
    // softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6.
    let s = BuiltinFunction.softmax.evaluate([0, log(2), log(3)])
    for (a, b) in zip(s, [1.0 / 6, 2.0 / 6, 3.0 / 6]) { #expect(abs(a - b) < 1e-15) }
    // Large inputs do not overflow.
    #expect(BuiltinFunction.softmax.evaluate([1000, 1000]) == [0.5, 0.5])
    #expect(BuiltinFunction.sumsquares.evaluate([1, 2, 3]) == [14])
    let batch = Matrix(rows: [[1, 2], [3, 4]])
    #expect(BuiltinFunction.sumsquares.evaluate(batch: batch) == Matrix(rows: [[5], [25]]))
    #expect(BuiltinFunction.sumsquares.polynomialDegree == 2)
  }

  @Test("LCC is exact on sumsquares (degree 2, m = 1) inside its threshold")
  func lccSumSquares() async throws {
    let x = uniformInputs(count: 4, dimension: 3, range: -1...1, seed: 8)
    let result = try await runExperiment(
      ExperimentSetup(
        scheme: .lcc, workload: BuiltinFunction.sumsquares, inputs: x, workers: 9, stragglers: 2,
        stragglerModel: .worstWindow))
    #expect(result.outputDimension == 1)
    #expect(result.mse < 1e-25)
  }
}
