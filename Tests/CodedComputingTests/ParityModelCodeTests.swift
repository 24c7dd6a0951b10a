import CodedComputing
import Foundation
import Testing

@Suite("Parity models and learned codes")
struct ParityModelCodeTests {
  /// A one-layer linear network with zero bias: F(Σ Xᵢ) = Σ F(Xᵢ), so the base model is its own
  /// exact parity model.
  func linearBase(inputs d: Int, outputs m: Int, seed: UInt64) throws -> SequentialNetwork {
    var rng = SplitMix64(seed: seed)
    let weight = randomMatrix(rows: m, columns: d, using: &rng)
    return try SequentialNetwork(
      inputShape: FeatureShape(flat: d),
      layers: [.dense(DenseLayer(weight: weight, bias: Array(repeating: 0, count: m)))])
  }

  @Test(
    "the subtraction decoder is exact for a linear base model that is its own parity model",
    arguments: [2, 3, 4])
  func subtractionExactForLinear(k: Int) throws {
    let base = try linearBase(inputs: 6, outputs: 4, seed: UInt64(k))
    let code = try ParityModelCode(queryCount: k, encoder: .sum)
    var rng = SplitMix64(seed: 40 + UInt64(k))
    let x = randomMatrix(rows: k, columns: 6, using: &rng)
    let coded = try code.encode(x)
    #expect(coded.rows == k + 1)
    let outputs = try base.evaluate(batch: coded)
    let truth = try base.evaluate(batch: x)
    for lost in 0...k {
      let survivors = (0...k).filter { $0 != lost }
      let decoded = try code.decode(outputs.selectingRows(survivors), survivors: survivors)
      #expect(relativeGap(decoded, truth) < 1e-13, "lost worker \(lost)")
    }
    // Fewer than k survivors cannot decode.
    #expect(throws: CodingError.tooFewSurvivors(scheme: "parity", survivors: k - 1, minimum: k)) {
      _ = try code.decode(outputs.selectingRows(Array(0..<(k - 1))), survivors: Array(0..<(k - 1)))
    }
  }

  @Test("a round with two workloads on the in-process pool; the slow data worker is rebuilt")
  func roundOnPool() async throws {
    let base = try linearBase(inputs: 5, outputs: 3, seed: 9)
    let code = try ParityModelCode(queryCount: 3, encoder: .sum)
    var rng = SplitMix64(seed: 10)
    let x = randomMatrix(rows: 3, columns: 5, using: &rng)
    var round = try code.round(queries: x, base: base, parity: base)
    #expect(round.assignment == [0, 0, 0, 1])
    round.injectedDelays = [.zero, .milliseconds(400), .zero, .zero]
    let outcome = try await InProcessWorkerPool().run(round)
    #expect(outcome.survivors.sorted() == [0, 2, 3])
    let decoded = try code.decode(outcome.outputs, survivors: outcome.survivors)
    #expect(relativeGap(decoded, try base.evaluate(batch: x)) < 1e-13)
  }

  @Test("the experiment harness runs SchemeFactory.parity: exact for a linear f, not for sigmoid")
  func experimentHarness() async throws {
    var rng = SplitMix64(seed: 11)
    let x = randomMatrix(rows: 3, columns: 5, using: &rng)
    func mse(_ workload: BuiltinFunction) async throws -> (Double, Int) {
      let result = try await runExperiment(
        ExperimentSetup(
          scheme: .parity, workload: workload, inputs: x, workers: 4, stragglers: 1,
          stragglerModel: .random, trials: 12, seed: 2))
      return (result.mse, result.failedTrials)
    }
    // The harness runs one workload everywhere, so the parity worker computes f itself (no
    // learned parity model): subtraction is exact only when f is linear.
    let (linear, failed) = try await mse(.identity)
    #expect(linear < 1e-28)
    #expect(failed == 0)
    let (sigmoid, _) = try await mse(.sigmoid)
    #expect(sigmoid > 1e-3)
    await #expect(throws: ExperimentError.self) {
      _ = try await runExperiment(
        ExperimentSetup(
          scheme: .parity, workload: BuiltinFunction.identity, inputs: x, workers: 5,
          stragglers: 1, stragglerModel: .random))
    }
  }

  @Test("concat tiles k = 2 side by side (width halved) and k = 4 as 2 × 2 (both halved)")
  func concatLayout() throws {
    let shape = FeatureShape(channels: 1, height: 2, width: 4)
    let x = Matrix(rows: [[1, 2, 3, 4, 5, 6, 7, 8], Array(repeating: 10, count: 8)])
    let p = try ParityEncoder.concat.encode(x, shape: shape)
    #expect(p.row(0) == [1.5, 3.5, 10, 10, 5.5, 7.5, 10, 10])
    let small = FeatureShape(channels: 1, height: 2, width: 2)
    let four = Matrix(rows: [[1, 2, 3, 4], [0, 0, 0, 8], [4, 4, 4, 4], [-1, 1, -1, 1]])
    #expect(try ParityEncoder.concat.encode(four, shape: small).row(0) == [2.5, 2, 4, 0])
    #expect(try ParityEncoder.sum.encode(four, shape: small).row(0) == [4, 7, 6, 17])
  }

  @Test("k outside {2, 3, 4} and untileable k are typed errors")
  func badQueryCounts() {
    let digits = FeatureShape(channels: 1, height: 8, width: 8)
    for k in [0, 1, 5] {
      #expect(throws: ParityModelError.self) {
        _ = try ParityModelCode(queryCount: k, encoder: .sum, inputShape: digits)
      }
    }
    #expect(throws: ParityModelError.self) {
      _ = try ParityModelCode(queryCount: 3, encoder: .concat, inputShape: digits)
    }
    #expect(throws: ParityModelError.self) {
      _ = try ParityModelCode(
        queryCount: 2, encoder: .concat, inputShape: FeatureShape(channels: 1, height: 8, width: 7))
    }
    #expect(throws: ParityModelError.self) {
      _ = try ParityModelCode(queryCount: 2, encoder: .concat, inputShape: nil)
    }
  }

  @Test("degraded-mode accuracy counts every (group, position) of ⌊n/k⌋ groups in file order")
  func degradedCounting() {
    // 5 queries, k = 2: groups (0, 1) and (2, 3); query 4 is left out.
    let base = Matrix(rows: [[1, 0], [0, 1], [2, 0], [0, 0], [9, 9]])
    let parity = Matrix(rows: [[1, 1], [0, 3]])
    // Rebuilt: (0,0) [1,0]→0 ✓; (0,1) [0,1]→1 ✓; (1,0) [0,3]→1 vs 0 ✗; (1,1) [−2,3]→1 ✓.
    let score = ParityModelCode.degradedMode(
      queryCount: 2, baseOutputs: base, parityOutputs: parity, labels: [0, 1, 0, 1, 0])
    #expect(score.cases == 4)
    #expect(score.accuracy == 0.75)
    // Squared errors 0, 0, 4 + 9, 4 + 9 over 4 · 2 entries.
    #expect(abs(score.rmse - 3.25.squareRoot()) < 1e-15)
  }

  @Test("a parity model of another architecture is refused")
  func mismatchedArchitecture() throws {
    let a = try linearBase(inputs: 6, outputs: 4, seed: 1)
    let b = try linearBase(inputs: 6, outputs: 3, seed: 1)
    let c = try linearBase(inputs: 5, outputs: 4, seed: 1)
    #expect(throws: ParityModelError.self) {
      try ParityModelCode.checkCompatible(parity: b, base: a)
    }
    #expect(throws: ParityModelError.self) {
      try ParityModelCode.checkCompatible(parity: c, base: a)
    }
    try ParityModelCode.checkCompatible(parity: a, base: a)
  }

  /// A small tanh MLP on random 2 × 2 images with 3 classes.
  func tinyProblem() throws -> (SequentialNetwork, LabeledDataset) {
    var rng = SplitMix64(seed: 77)
    let base = try SequentialNetwork.make(
      .mlp, inputShape: FeatureShape(channels: 1, height: 2, width: 2), classes: 3,
      activation: .tanh, hidden: [6], using: &rng)
    let features = randomMatrix(rows: 40, columns: 4, using: &rng)
    let labels = (0..<40).map { $0 % 3 }
    return (base, LabeledDataset(features: features, labels: labels))
  }

  @Test(
    "parity training is seeded, bit-for-bit reproducible, and lowers the loss",
    arguments: [ParityEncoder.sum, .concat])
  func parityTraining(encoder: ParityEncoder) throws {
    let (base, data) = try tinyProblem()
    let code = try ParityModelCode(queryCount: 2, encoder: encoder, inputShape: base.inputShape)
    let options = ParityTrainingOptions(epochs: 60, batchSize: 8, learningRate: 0.01)
    var first = SplitMix64(seed: 5)
    var second = SplitMix64(seed: 5)
    let (a, lossesA) = try code.trainParityModel(
      base: base, data: data, options: options, using: &first)
    let (b, lossesB) = try code.trainParityModel(
      base: base, data: data, options: options, using: &second)
    #expect(a.flatParameters == b.flatParameters)
    #expect(lossesA == lossesB)
    #expect(lossesA.count == 60)
    // On the fixed queries (0, 1), (2, 3), …: the trained parity model beats its starting point,
    // the base model itself.
    func parityError(_ model: SequentialNetwork) throws -> Double {
      let queries = Matrix(
        rows: (0..<20).map { g in
          try! code.encode(data.features.selectingRows([2 * g, 2 * g + 1])).row(2)
        })
      let out = try model.logits(queries)
      let own = try base.logits(data.features)
      var total = 0.0
      for g in 0..<20 {
        for c in 0..<3 {
          let d = out[g, c] - own[2 * g, c] - own[2 * g + 1, c]
          total += d * d
        }
      }
      return total / 60
    }
    let before = try parityError(base)
    let after = try parityError(a)
    // Concat averages away half of each 2 × 2 image, so it cannot get as close as sum.
    #expect(after < (encoder == .sum ? 0.5 : 0.7) * before, "\(before) → \(after)")
    try ParityModelCode.checkCompatible(parity: a, base: base)
  }

  @Test("backpropagation of the mean squared error matches central differences in the input")
  func inputGradient() throws {
    let (base, data) = try tinyProblem()
    let x = data.features.selectingRows([0, 1, 2])
    let targets = Matrix(rows: [[1, 0, -1], [0.5, 0.5, 0], [0, 2, 1]])
    func loss(_ batch: Matrix) throws -> Double {
      let out = try base.logits(batch)
      var total = 0.0
      for i in out.storage.indices {
        total += (out.storage[i] - targets.storage[i]) * (out.storage[i] - targets.storage[i])
      }
      return total / Double(out.storage.count)
    }
    let gradient = base.backpropagate(x) { output in
      var g = Matrix(rows: output.rows, columns: output.columns)
      for i in g.storage.indices {
        g.storage[i] = 2 * (output.storage[i] - targets.storage[i]) / Double(g.storage.count)
      }
      return (0, g)
    }.inputGradient
    let h = 1e-6
    for i in 0..<x.rows {
      for j in 0..<x.columns {
        var plus = x
        var minus = x
        plus[i, j] += h
        minus[i, j] -= h
        let numeric = (try loss(plus) - loss(minus)) / (2 * h)
        #expect(abs(numeric - gradient[i, j]) < 1e-7, "(\(i), \(j))")
      }
    }
  }

  @Test("the learned code trains end to end through the frozen base, reproducibly")
  func learnedCode() throws {
    let (base, data) = try tinyProblem()
    func trained() throws -> (LearnedCode, [Double]) {
      var rng = SplitMix64(seed: 8)
      var code = try LearnedCode.make(
        base: base, queryCount: 2, encoderHidden: 8, decoderHidden: 8, using: &rng)
      let losses = try code.train(
        base: base, data: data,
        options: ParityTrainingOptions(epochs: 20, batchSize: 8, learningRate: 0.01),
        using: &rng)
      return (code, losses)
    }
    let (a, lossesA) = try trained()
    let (b, lossesB) = try trained()
    #expect(a == b)
    #expect(lossesA == lossesB)
    #expect(lossesA[19] < 0.5 * lossesA[0], "\(lossesA)")
    let score = try a.degradedMode(base: base, data: data)
    #expect(score.cases == 40)
    #expect(score.rmse.isFinite)
    #expect(throws: ParityModelError.self) {
      _ = try LearnedCode(encoder: a.decoder, decoder: a.encoder, queryCount: 2, base: base)
    }
  }
}
