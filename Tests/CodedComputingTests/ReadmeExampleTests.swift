import Foundation
import Testing

@testable import CodedComputing

/// The README's library example, kept compiling and checked for sense.
@Suite("README example")
struct ReadmeExampleTests {
  @Test("the README's LeTCC example decodes f(x) closely")
  func readmeExample() async throws {
    let x = uniformInputs(count: 10, dimension: 3, range: -1...1, seed: 1)
    let code = try SplineCode(
      inputCount: 10, workerCount: 200, layout: .chebyshev, encoderLambda: 0, decoderLambda: .gcv)
    let coded = try code.encode(x)
    let survivors = Array(20..<200)
    let results = BuiltinFunction.xsinx.evaluate(batch: coded.selectingRows(survivors))
    let estimates = try code.decode(results, survivors: survivors)
    // Workers 0..<20 are the end of Ω, so the decoder extrapolates past β₂₀ ≈ −0.95 to the first
    // α ≈ −0.99 (the edge effect of Guides/LeTCC.md); measured MSE 1.07e-3. f(x) is O(1).
    #expect(meanSquaredError(estimates, BuiltinFunction.xsinx.evaluate(batch: x)) < 1e-2)

    let result = try await runExperiment(
      ExperimentSetup(
        scheme: .letcc, workload: BuiltinFunction.xsinx, inputs: x, workers: 200, stragglers: 20,
        stragglerModel: .worstWindow, decoderLambda: .fixed(0)))
    // The worst of all 181 windows (measured 4.8e-3) is at least the edge window's interpolating fit.
    #expect(result.mse < 1e-2)

    let outcome = try await InProcessWorkerPool().run(
      Round(inputs: coded, workload: BuiltinFunction.xsinx, stoppingRule: .count(180)))
    let decoded = try code.decode(outcome.outputs, survivors: outcome.survivors)
    #expect(outcome.survivors.count == 180 && decoded.rows == 10)
    // 180 of 200 interpolating survivors, wherever the 20 stragglers fell: close to f(x).
    #expect(meanSquaredError(decoded, BuiltinFunction.xsinx.evaluate(batch: x)) < 1e-2)

    let t = (0..<50).map { Double($0) / 49 }
    let y = Matrix(rows: 50, columns: 2, columnMajor: t.map { sin(6 * $0) } + t.map { $0 * $0 })
    let spline = try SmoothingSpline(knots: t, data: y, lambda: 0.1)
    let (smoother, gcv) = try SplineSmoother.byGCV(knots: t, data: y)
    #expect(spline.columns == 2 && smoother.lambda == gcv.lambda)
  }
}
