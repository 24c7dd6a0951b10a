import Foundation
import Testing

@testable import CodedComputing

/// A small network with every layer type: conv → σ → avgpool → conv → σ → maxpool → dense → σ → dense.
private func allLayerNetwork(_ activation: Activation, seed: UInt64) throws -> SequentialNetwork {
  var rng = SplitMix64(seed: seed)
  let shape = FeatureShape(channels: 2, height: 4, width: 4)
  var layers: [NetworkLayer] = [
    .convolution(
      ConvolutionLayer(inputChannels: 2, outputChannels: 3, kernel: 3, padding: 1, using: &rng)),
    .activation(activation),
    .pooling(PoolingLayer(.average, size: 2)),
    .convolution(
      ConvolutionLayer(inputChannels: 3, outputChannels: 2, kernel: 2, padding: 1, using: &rng)),
    .activation(activation),
    .pooling(PoolingLayer(.maximum, size: 3)),
    .dense(DenseLayer(inputs: 2, outputs: 5, using: &rng)),
    .activation(activation),
    .dense(DenseLayer(inputs: 5, outputs: 3, using: &rng)),
  ]
  // Non-zero biases so the bias gradients are exercised away from zero.
  for i in layers.indices {
    switch layers[i] {
    case .dense(var d):
      d.bias = d.bias.map { _ in rng._nextUnitDouble() - 0.5 }
      layers[i] = .dense(d)
    case .convolution(var c):
      c.bias = c.bias.map { _ in rng._nextUnitDouble() - 0.5 }
      layers[i] = .convolution(c)
    default: break
    }
  }
  return try SequentialNetwork(inputShape: shape, layers: layers)
}

private func randomMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
  var rng = SplitMix64(seed: seed)
  return Matrix(
    rows: rows, columns: columns,
    columnMajor: (0..<(rows * columns)).map { _ in 2 * rng._nextUnitDouble() - 1 })
}

@Suite("Neural networks")
struct NeuralNetworkTests {
  @Test(
    "Activations: closed-form values and derivatives against central differences",
    arguments: Activation.allCases)
  func activationValues(_ activation: Activation) {
    // Closed forms: tanh(0.5), Φ(1) (GELU(1) = 1·Φ(1)), log 2 = softplus(0), σ(0) = 1/2.
    let expected: [Activation: (Double, Double)] = [
      .relu: (0.5, 0.5), .tanh: (0.5, 0.46211715726000974), .sigmoid: (0, 0.5),
      .gelu: (1, 0.8413447460685429), .softplus: (0, 0.6931471805599453), .identity: (-2, -2),
    ]
    let (x, y) = expected[activation]!
    #expect(abs(activation.apply(x) - y) <= 1e-15)
    for point in [-1.3, -0.2, 0.7, 2.1] {
      let h = 1e-6
      let numeric = (activation.apply(point + h) - activation.apply(point - h)) / (2 * h)
      #expect(abs(activation.derivative(point) - numeric) <= 1e-8, "σ′(\(point))")
    }
    #expect(activation.isSmooth == (activation != .relu))
  }

  @Test("im2col convolution equals the direct convolution loop", arguments: [0, 1, 2])
  func convolutionMatchesDirectLoop(padding: Int) {
    var rng = SplitMix64(seed: 11)
    let shape = FeatureShape(channels: 2, height: 5, width: 4)
    let conv = ConvolutionLayer(
      inputChannels: 2, outputChannels: 3, kernel: 3, padding: padding, using: &rng)
    var layer = conv
    layer.bias = [0.25, -0.5, 1]
    let batch = randomMatrix(3, shape.count, seed: 12)
    let output = layer.forward(batch, shape: shape)
    let out = layer.outputShape(for: shape)!
    #expect(out.height == 5 + 2 * padding - 2 && out.width == 4 + 2 * padding - 2)
    for b in 0..<3 {
      for f in 0..<3 {
        for oh in 0..<out.height {
          for ow in 0..<out.width {
            var direct = layer.bias[f]
            for c in 0..<2 {
              for i in 0..<3 {
                for j in 0..<3 {
                  let (ih, iw) = (oh + i - padding, ow + j - padding)
                  guard ih >= 0, ih < 5, iw >= 0, iw < 4 else { continue }
                  direct += layer.weight[f, c * 9 + i * 3 + j] * batch[b, c * 20 + ih * 4 + iw]
                }
              }
            }
            let got = output[b, f * out.height * out.width + oh * out.width + ow]
            #expect(abs(got - direct) <= 1e-13, "b \(b) f \(f) (\(oh), \(ow))")
          }
        }
      }
    }
  }

  @Test("Dense and pooling layers: hand-computed values")
  func denseAndPooling() throws {
    let dense = DenseLayer(weight: Matrix(rows: [[1, 2], [-1, 0.5]]), bias: [0.5, -1])
    let y = dense.forward(Matrix(rows: [[1, 1], [2, -2]]))
    #expect(y == Matrix(rows: [[3.5, -1.5], [-1.5, -4]]))
    // One 1-channel 4 × 4 image holding 0…15 in row-major order.
    let image = Matrix(rows: [(0..<16).map(Double.init)])
    let shape = FeatureShape(channels: 1, height: 4, width: 4)
    let average = PoolingLayer(.average, size: 2).forward(image, shape: shape)
    #expect(average == Matrix(rows: [[2.5, 4.5, 10.5, 12.5]]))
    let maximum = PoolingLayer(.maximum, size: 2).forward(image, shape: shape)
    #expect(maximum == Matrix(rows: [[5, 7, 13, 15]]))
  }

  @Test(
    "Backpropagation equals central differences for every layer type",
    arguments: Activation.allCases)
  func gradientCheck(_ activation: Activation) throws {
    var network = try allLayerNetwork(activation, seed: 3)
    let batch = randomMatrix(4, network.inputShape.count, seed: 4)
    let labels = [0, 2, 1, 2]
    let (_, gradient, inputGradient) = network.lossAndGradient(batch, labels: labels)
    let parameters = network.flatParameters
    #expect(gradient.count == parameters.count)
    let h = 1e-6
    var worst = 0.0
    for i in parameters.indices {
      var plus = parameters
      plus[i] += h
      network.setFlatParameters(plus)
      let lossPlus = network.lossAndGradient(batch, labels: labels).loss
      var minus = parameters
      minus[i] -= h
      network.setFlatParameters(minus)
      let lossMinus = network.lossAndGradient(batch, labels: labels).loss
      let numeric = (lossPlus - lossMinus) / (2 * h)
      worst = max(worst, abs(numeric - gradient[i]) / max(1e-3, abs(numeric)))
    }
    network.setFlatParameters(parameters)
    #expect(worst <= 1e-5, "worst relative parameter-gradient error \(worst)")
    var worstInput = 0.0
    for i in batch.storage.indices {
      var plus = batch
      plus.storage[i] += h
      var minus = batch
      minus.storage[i] -= h
      let numeric =
        (network.lossAndGradient(plus, labels: labels).loss
          - network.lossAndGradient(minus, labels: labels).loss) / (2 * h)
      worstInput = max(
        worstInput, abs(numeric - inputGradient.storage[i]) / max(1e-3, abs(numeric)))
    }
    #expect(worstInput <= 1e-5, "worst relative input-gradient error \(worstInput)")
  }

  @Test("Batched logits equal row-by-row evaluation")
  func batchedEqualsSingle() throws {
    let network = try allLayerNetwork(.gelu, seed: 5)
    let batch = randomMatrix(6, network.inputShape.count, seed: 6)
    let logits = try network.evaluate(batch: batch)
    for i in 0..<6 {
      let single = try network.evaluate(batch.row(i))
      for j in 0..<3 { #expect(abs(single[j] - logits[i, j]) <= 1e-14) }
    }
    #expect(throws: NetworkError.wrongInputDimension(expected: 32, actual: 31)) {
      try network.logits(Matrix(rows: 2, columns: 31))
    }
    #expect(throws: WorkloadError.wrongInputDimension(expected: 32, actual: 31)) {
      try network.evaluate(batch: Matrix(rows: 2, columns: 31))
    }
  }

  @Test("Training reaches 100% on a separable problem and is deterministic")
  func trainingSeparableAndDeterministic() throws {
    // 60 points in [−1, 1]²; class 1 iff x₀ + x₁ > 0, points within 0.2 of the boundary dropped.
    var rng = SplitMix64(seed: 21)
    var rows: [[Double]] = []
    var labels: [Int] = []
    while rows.count < 60 {
      let p = [2 * rng._nextUnitDouble() - 1, 2 * rng._nextUnitDouble() - 1]
      guard abs(p[0] + p[1]) > 0.2 else { continue }
      rows.append(p)
      labels.append(p[0] + p[1] > 0 ? 1 : 0)
    }
    let data = LabeledDataset(features: Matrix(rows: rows), labels: labels)
    let options = TrainingOptions(epochs: 60, batchSize: 8, learningRate: 0.02, optimizer: .adam)
    var first = try SequentialNetwork.make(
      .mlp, inputShape: FeatureShape(flat: 2), classes: 2, activation: .tanh, hidden: [8], seed: 7)
    try first.train(on: data, options: options, seed: 7)
    #expect(try first.accuracy(on: data) == 1)
    var second = try SequentialNetwork.make(
      .mlp, inputShape: FeatureShape(flat: 2), classes: 2, activation: .tanh, hidden: [8], seed: 7)
    try second.train(on: data, options: options, seed: 7)
    #expect(first.flatParameters == second.flatParameters)
    var other = try SequentialNetwork.make(
      .mlp, inputShape: FeatureShape(flat: 2), classes: 2, activation: .tanh, hidden: [8], seed: 8)
    try other.train(on: data, options: options, seed: 8)
    #expect(first.flatParameters != other.flatParameters)
    // Plain SGD also separates it.
    var sgd = try SequentialNetwork.make(
      .mlp, inputShape: FeatureShape(flat: 2), classes: 2, activation: .relu, hidden: [8], seed: 9)
    try sgd.train(
      on: data,
      options: TrainingOptions(epochs: 100, batchSize: 8, learningRate: 0.2, optimizer: .sgd),
      seed: 9)
    #expect(try sgd.accuracy(on: data) == 1)
  }

  @Test("Weight file: save → load is exact")
  func weightFileRoundTrip() throws {
    var network = try allLayerNetwork(.softplus, seed: 31)
    network.metadata = ["seed": "31", "note": "quote \" and backslash \\"]
    network.name = "all-layers"
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "nn-roundtrip-\(UUID()).json"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try network.save(to: path)
    let loaded = try SequentialNetwork.load(from: path)
    #expect(loaded == network)
    #expect(loaded.flatParameters == network.flatParameters)
  }

  @Test("Weight file: damaged, wrong-shape and unknown files are rejected with the right error")
  func weightFileErrors() throws {
    let network = try allLayerNetwork(.relu, seed: 41)
    let text = network.weightFileText()
    func load(_ s: String) throws(NetworkError) -> SequentialNetwork {
      try SequentialNetwork(weightFileData: Data(s.utf8))
    }
    // Truncated.
    #expect(throws: NetworkError.corrupted("not valid JSON (truncated or damaged)")) {
      try load(String(text.prefix(text.count / 2)))
    }
    // A changed digit that still parses: the checksum catches it.
    let firstWeight = text.range(of: "\"weight\": [")!.upperBound
    var damaged = text
    let digit = damaged[firstWeight...].firstIndex(where: { $0.isNumber && $0 != "0" })!
    damaged.replaceSubrange(digit...digit, with: damaged[digit] == "1" ? "2" : "1")
    #expect {
      _ = try load(damaged)
    } throws: { error in
      guard case NetworkError.corrupted(let message) = error else { return false }
      return message.hasPrefix("checksum mismatch")
    }
    // One weight removed (checksum dropped so the shape check speaks).
    var json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    json["checksum"] = nil
    var layers = json["layers"] as! [[String: Any]]
    var dense = layers[6]
    dense["weight"] = Array((dense["weight"] as! [Any]).dropLast())
    layers[6] = dense
    json["layers"] = layers
    #expect(
      throws: NetworkError.wrongShape(
        "layer 6 (dense): \"weight\" has 9 values, expected 10 (5 × 2)")
    ) {
      try SequentialNetwork(weightFileData: try! JSONSerialization.data(withJSONObject: json))
    }
    // A dense layer that does not take the previous layer's output.
    let mismatched = """
      {"format": "coded-nn", "version": 1, "input": [1, 2, 2], "layers": [
        {"type": "dense", "in": 3, "out": 1, "weight": [1, 2, 3], "bias": [0]}]}
      """
    #expect(
      throws: NetworkError.wrongShape(
        "layer 0 (dense): dense layer takes 3 inputs but receives 4 (1×2×2)")
    ) {
      try load(mismatched)
    }
    #expect(throws: NetworkError.unsupportedFormat("format is 'keras', expected 'coded-nn'")) {
      try load(#"{"format": "keras", "version": 1}"#)
    }
    #expect(throws: NetworkError.unsupportedFormat("version 2, this build reads version 1")) {
      try load(#"{"format": "coded-nn", "version": 2}"#)
    }
    #expect(
      throws: NetworkError.unknownName(
        kind: "activation", name: "swish", known: Activation.allCases.map(\.rawValue))
    ) {
      try load(
        #"{"format": "coded-nn", "version": 1, "input": [1, 1, 2], "layers": [{"type": "activation", "function": "swish"}]}"#
      )
    }
    #expect(
      throws: NetworkError.unreadableFile(path: "/nonexistent/model.json", reason: "no such file")
    ) {
      try SequentialNetwork.load(from: "/nonexistent/model.json")
    }
    #expect(
      throws: NetworkError.unknownName(kind: "model", name: "resnet", known: ["mlp", "lenet"])
    ) {
      try NetworkArchitecture(named: "resnet")
    }
  }

  @Test("Data set CSV: parsed, and malformed rows are rejected")
  func datasetCSV() throws {
    let directory = FileManager.default.temporaryDirectory
    let good = directory.appendingPathComponent("nn-good-\(UUID()).csv").path
    let bad = directory.appendingPathComponent("nn-bad-\(UUID()).csv").path
    defer {
      try? FileManager.default.removeItem(atPath: good)
      try? FileManager.default.removeItem(atPath: bad)
    }
    try "label,x0,x1\n1,0.5,0.25\n0,-1,2\n".write(toFile: good, atomically: true, encoding: .utf8)
    let data = try LabeledDataset.load(csv: good)
    #expect(data.labels == [1, 0])
    #expect(data.features == Matrix(rows: [[0.5, 0.25], [-1, 2]]))
    try "label,x0,x1\n1,0.5\n".write(toFile: bad, atomically: true, encoding: .utf8)
    #expect(throws: NetworkError.invalidData("\(bad) line 2: 2 fields, the header has 3")) {
      try LabeledDataset.load(csv: bad)
    }
    try "label,x0,x1\n1.5,0.5,1\n".write(toFile: bad, atomically: true, encoding: .utf8)
    #expect(
      throws: NetworkError.invalidData("\(bad) line 2: label '1.5' is not a non-negative integer")
    ) {
      try LabeledDataset.load(csv: bad)
    }
  }
}

@Suite("Coded inference")
struct CodedInferenceTests {
  /// A small trained-looking network and data: random weights, 30 random 2 × 4 "images".
  private func fixture() throws -> (SequentialNetwork, LabeledDataset) {
    var rng = SplitMix64(seed: 51)
    let network = try SequentialNetwork.make(
      .mlp, inputShape: FeatureShape(channels: 1, height: 2, width: 4), classes: 3,
      activation: .tanh, hidden: [6],
      using: &rng)
    let images = randomMatrix(30, 8, seed: 52)
    let labels = (0..<30).map { $0 % 3 }
    return (network, LabeledDataset(features: images, labels: labels))
  }

  @Test(
    "Scores equal a direct group-by-group recomputation",
    arguments: [SchemeKind.letcc, .bacc, .replication])
  func matchesDirectComputation(_ kind: SchemeKind) throws {
    let (network, data) = try fixture()
    let (k, n, s) = (4, 12, 3)
    let results = try runCodedInference(
      CodedInferenceSetup(
        network: network, data: data, scheme: kind.factory, inputCount: k, workerCount: n,
        stragglerCounts: [s], seed: 9))
    #expect(results.count == 1)
    let result = results[0]
    #expect(result.groups == 7 && result.images == 28)
    // Independent path: per group, encode, evaluate each coded image alone, drop the same seeded
    // stragglers, decode, and accumulate the definitions of Guides/CodedInference.md.
    let scheme = try kind.make(
      inputCount: k, workerCount: n, layout: .chebyshev, decoderLambda: .optimal,
      plannedStragglers: s)
    var generator = SplitMix64(seed: 9 ^ UInt64(s))
    var squared = 0.0
    var correct = 0
    var ownCorrect = 0
    for g in 0..<7 {
      let rows = Array((g * k)..<((g + 1) * k))
      let coded = try scheme.encode(data.features.selectingRows(rows))
      let lost = StragglerModel.random.stragglerSets(workers: n, stragglers: s, using: &generator)[
        0]
      let survivors = (0..<n).filter { !lost.contains($0) }
      let received = Matrix(rows: try survivors.map { try network.evaluate(coded.row($0)) })
      let decoded = try scheme.decode(received, survivors: survivors)
      for (i, row) in rows.enumerated() {
        let own = try network.evaluate(data.features.row(row))
        let estimate = decoded.row(i)
        for j in 0..<3 { squared += (estimate[j] - own[j]) * (estimate[j] - own[j]) }
        if estimate.indices.max(by: { estimate[$0] < estimate[$1] }) == data.labels[row] {
          correct += 1
        }
        if own.indices.max(by: { own[$0] < own[$1] }) == data.labels[row] { ownCorrect += 1 }
      }
    }
    let rmse = (squared / Double(28 * 3)).squareRoot()
    #expect(abs(result.rmse - rmse) <= 1e-12 * max(1, rmse))
    #expect(result.decodedAccuracy == Double(correct) / 28)
    #expect(result.ownAccuracy == Double(ownCorrect) / 28)
    #expect(abs(result.relativeAccuracy - Double(correct) / Double(ownCorrect)) <= 1e-15)
  }

  @Test("Replication without stragglers is exact; coded schemes are not")
  func replicationExact() throws {
    let (network, data) = try fixture()
    let exact = try runCodedInference(
      CodedInferenceSetup(
        network: network, data: data, scheme: .replication, inputCount: 5, workerCount: 10,
        stragglerCounts: [0]))
    #expect(exact[0].rmse <= 1e-15)
    #expect(exact[0].relativeAccuracy == 1 && exact[0].agreement == 1)
    let coded = try runCodedInference(
      CodedInferenceSetup(
        network: network, data: data, scheme: .bacc, inputCount: 5, workerCount: 10,
        stragglerCounts: [0]))
    #expect(coded[0].rmse > 1e-6)
  }

  @Test("Bad setups are refused")
  func refusals() throws {
    let (network, data) = try fixture()
    #expect(throws: CodedInferenceError.invalidSetup("S = 10 must be in 0..<N = 10")) {
      try runCodedInference(
        CodedInferenceSetup(
          network: network, data: data, scheme: .bacc, inputCount: 5, workerCount: 10,
          stragglerCounts: [10]))
    }
    #expect(throws: CodedInferenceError.invalidSetup("K = 31 is more than the 30 test images")) {
      try runCodedInference(
        CodedInferenceSetup(
          network: network, data: data, scheme: .bacc, inputCount: 31, workerCount: 40,
          stragglerCounts: [0]))
    }
    let wrongSize = LabeledDataset(
      features: Matrix(rows: 10, columns: 7), labels: Array(repeating: 0, count: 10))
    #expect(throws: CodedInferenceError.network(.wrongInputDimension(expected: 8, actual: 7))) {
      try runCodedInference(
        CodedInferenceSetup(
          network: network, data: wrongSize, scheme: .bacc, inputCount: 5, workerCount: 10,
          stragglerCounts: [0]))
    }
  }

  @Test("The committed digits models load and reach at least 95% test accuracy")
  func committedModels() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let test = try LabeledDataset.load(
      csv: root.appendingPathComponent("notebooks-data/digits/test.csv").path)
    #expect(test.count == 450)
    for name in ["lenet-relu", "lenet-tanh", "lenet-gelu", "mlp-relu", "mlp-tanh", "mlp-gelu"] {
      let network = try SequentialNetwork.load(
        from: root.appendingPathComponent("notebooks-data/models/digits-\(name).json").path)
      let accuracy = try network.accuracy(on: test)
      #expect(accuracy >= 0.95, "\(name): \(accuracy)")
      // The accuracy the file records is the one it reproduces.
      #expect(network.metadata["test_accuracy"] == "\(accuracy)")
    }
  }
}

@Suite("Network workload names")
struct NetworkWorkloadTests {
  @Test("model:PATH loads a weight file; other names are not networks")
  func spec() throws {
    #expect(try networkWorkload(named: "xsinx") == nil)
    let network = try SequentialNetwork.make(
      .mlp, inputShape: FeatureShape(flat: 3), classes: 2, activation: .gelu, hidden: [4], seed: 1)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "nn-spec-\(UUID()).json"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try network.save(to: path)
    #expect(try networkWorkload(named: "model:" + path) == network)
    #expect(throws: NetworkError.unreadableFile(path: "/nonexistent.json", reason: "no such file"))
    {
      try networkWorkload(named: "model:/nonexistent.json")
    }
  }
}
