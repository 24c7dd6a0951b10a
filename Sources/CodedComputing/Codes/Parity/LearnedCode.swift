/// A learned code (Kosaian, Rashmi & Venkataraman, "Learning a code: machine learning for
/// approximate non-linear coded computation", arXiv 1806.01259), r = 1: a small MLP **encoder**
/// maps the k queries (concatenated, k·d features) to one parity query P (d features); the parity
/// worker runs the *base* model F on it; a small MLP **decoder** maps the k base outputs — the
/// missing one replaced by zeros — and F(P) ((k + 1)·m features) to the missing output. Both are
/// trained end to end through the frozen base model (``train(base:data:options:using:)``).
///
/// Both networks are ordinary ``SequentialNetwork``s (dense + ReLU), so they save in the
/// coded-nn weight format; their input shapes are flat (k·d and (k + 1)·m).
///
/// ```swift
/// var rng = SplitMix64(seed: 0)
/// var code = try LearnedCode.make(base: base, queryCount: 2, using: &rng)
/// let losses = try code.train(base: base, data: train, options: .init(epochs: 20), using: &rng)
/// let (accuracy, rmse, _) = try code.degradedMode(base: base, data: test)
/// ```
public struct LearnedCode: Sendable, Equatable {
  /// k·d → d.
  public var encoder: SequentialNetwork
  /// (k + 1)·m → m.
  public var decoder: SequentialNetwork
  /// k.
  public let queryCount: Int

  /// A code from trained networks, checked against the base model.
  /// - Throws: ``ParityModelError/mismatchedArchitecture(_:)`` when the encoder does not map k·d
  ///   features to d or the decoder (k + 1)·m to m; ``ParityModelError/unsupportedQueryCount(_:)``
  ///   when k is outside {2, 3, 4}.
  public init(
    encoder: SequentialNetwork, decoder: SequentialNetwork, queryCount k: Int,
    base: SequentialNetwork
  ) throws(ParityModelError) {
    guard (2...4).contains(k) else {
      throw .unsupportedQueryCount("k must be 2, 3 or 4 (r = 1 learned codes), got \(k)")
    }
    let (d, m) = (base.inputShape.count, base.outputCount)
    guard encoder.inputShape.count == k * d, encoder.outputCount == d else {
      throw .mismatchedArchitecture(
        "the learned encoder maps \(encoder.inputShape.count) → \(encoder.outputCount) features, k = \(k) queries of the base model need \(k * d) → \(d)"
      )
    }
    guard decoder.inputShape.count == (k + 1) * m, decoder.outputCount == m else {
      throw .mismatchedArchitecture(
        "the learned decoder maps \(decoder.inputShape.count) → \(decoder.outputCount) features, k = \(k) needs \((k + 1) * m) → \(m)"
      )
    }
    self.encoder = encoder
    self.decoder = decoder
    self.queryCount = k
  }

  /// A freshly initialised code: encoder k·d → `encoderHidden` → d, decoder (k + 1)·m →
  /// `decoderHidden` → m, ReLU between, Glorot-uniform weights from `generator`.
  public static func make(
    base: SequentialNetwork, queryCount k: Int, encoderHidden: Int = 128, decoderHidden: Int = 64,
    using generator: inout some RandomNumberGenerator
  ) throws(ParityModelError) -> LearnedCode {
    guard (2...4).contains(k) else {
      throw .unsupportedQueryCount("k must be 2, 3 or 4 (r = 1 learned codes), got \(k)")
    }
    let (d, m) = (base.inputShape.count, base.outputCount)
    do {
      let encoder = try SequentialNetwork(
        inputShape: FeatureShape(flat: k * d),
        layers: [
          .dense(DenseLayer(inputs: k * d, outputs: encoderHidden, using: &generator)),
          .activation(.relu),
          .dense(DenseLayer(inputs: encoderHidden, outputs: d, using: &generator)),
        ], name: "learned-encoder-k\(k)")
      let decoder = try SequentialNetwork(
        inputShape: FeatureShape(flat: (k + 1) * m),
        layers: [
          .dense(DenseLayer(inputs: (k + 1) * m, outputs: decoderHidden, using: &generator)),
          .activation(.relu),
          .dense(DenseLayer(inputs: decoderHidden, outputs: m, using: &generator)),
        ], name: "learned-decoder-k\(k)")
      return try LearnedCode(encoder: encoder, decoder: decoder, queryCount: k, base: base)
    } catch let error as NetworkError {
      throw .network(error)
    } catch let error as ParityModelError {
      throw error
    } catch {
      throw .invalidInput("\(error)")
    }
  }

  /// The encoder's input for G groups: row g holds queries g·k … g·k + k − 1 side by side.
  func _encoderInput(_ samples: [[Double]], groups: [[Int]]) -> Matrix {
    let d = samples.first?.count ?? 0
    var input = Matrix(rows: groups.count, columns: queryCount * d)
    for (g, members) in groups.enumerated() {
      for (slot, index) in members.enumerated() {
        for j in 0..<d { input[g, slot * d + j] = samples[index][j] }
      }
    }
    return input
  }

  /// The decoder's input row: the k base outputs with position `missing` zeroed, then F(P).
  func _decoderRow(
    _ row: Int, of input: inout Matrix, outputs: [[Double]], parity: Matrix, parityRow: Int,
    missing: Int
  ) {
    let m = parity.columns
    for slot in 0..<queryCount where slot != missing {
      for c in 0..<m { input[row, slot * m + c] = outputs[slot][c] }
    }
    for c in 0..<m { input[row, queryCount * m + c] = parity[parityRow, c] }
  }

  /// Trains encoder and decoder end to end with the base model frozen.
  ///
  /// Each step draws a mini-batch of k-subsets of the training samples (distinct samples) and, per
  /// subset, a uniformly random missing position j; the loss is the mean squared error between the
  /// decoder's output and F(Xⱼ). Gradients flow from the decoder through F(P) and the frozen base
  /// model (its input gradient) into the encoder; Adam updates encoder and decoder together.
  /// Seeded and bit-for-bit reproducible with one BLAS thread.
  /// - Returns: the mean training loss of each epoch.
  /// - Throws: ``ParityModelError/invalidInput(_:)`` when the data do not fit the base model;
  ///   ``ParityModelError/network(_:)`` with ``NetworkError/diverged(_:)`` when the loss or a
  ///   weight stops being finite.
  /// - Complexity: O(epochs · queriesPerEpoch · (encoder + 2 base + decoder) forward-and-backward).
  @discardableResult
  public mutating func train(
    base: SequentialNetwork, data: LabeledDataset, options: ParityTrainingOptions,
    using generator: inout some RandomNumberGenerator
  ) throws(ParityModelError) -> [Double] {
    guard data.features.columns == base.inputShape.count, data.count >= queryCount else {
      throw .invalidInput(
        "the training data (\(data.count) samples of \(data.features.columns) features) do not fit k = \(queryCount) queries of \(base.inputShape.count) features"
      )
    }
    let baseLogits: Matrix
    do { baseLogits = try base.logits(data.features) } catch { throw .network(error) }
    let samples = (0..<data.count).map { data.features.row($0) }
    let outputs = (0..<data.count).map { baseLogits.row($0) }
    let (k, m) = (queryCount, base.outputCount)
    let encoderCount = encoder.parameterCount
    var parameters = encoder.flatParameters + decoder.flatParameters
    var adam = _AdamState(parameterCount: parameters.count)
    return try _epochs(of: options, samples: data.count) { size throws(ParityModelError) in
      let groups = (0..<size).map { _ in _distinctIndices(k, below: data.count, using: &generator) }
      let missing = (0..<size).map { _ in Int.random(in: 0..<k, using: &generator) }
      let encoderInput = _encoderInput(samples, groups: groups)
      let parityQueries = encoder._layerInputs(encoderInput)[encoder.layers.count]
      let parityOutputs = base._layerInputs(parityQueries)[base.layers.count]
      var decoderInput = Matrix(rows: size, columns: (k + 1) * m)
      var targets = Matrix(rows: size, columns: m)
      for b in 0..<size {
        _decoderRow(
          b, of: &decoderInput, outputs: groups[b].map { outputs[$0] }, parity: parityOutputs,
          parityRow: b, missing: missing[b])
        for c in 0..<m { targets[b, c] = outputs[groups[b][missing[b]]][c] }
      }
      let (loss, decoderGradient, decoderInputGradient) = decoder.backpropagate(decoderInput) {
        _meanSquaredError($0, targets: targets)
      }
      var parityGradient = Matrix(rows: size, columns: m)
      for b in 0..<size {
        for c in 0..<m { parityGradient[b, c] = decoderInputGradient[b, k * m + c] }
      }
      let queryGradient = base.backpropagate(parityQueries) { _ in (0, parityGradient) }
        .inputGradient
      let encoderGradient = encoder.backpropagate(encoderInput) { _ in (0, queryGradient) }
        .gradient
      adam.update(
        &parameters, gradient: encoderGradient + decoderGradient,
        learningRate: options.learningRate)
      let finite = parameters.allSatisfy(\.isFinite)
      if finite {
        encoder.setFlatParameters(Array(parameters[0..<encoderCount]))
        decoder.setFlatParameters(Array(parameters[encoderCount...]))
      }
      return (loss, finite)
    }
  }

  /// Degraded-mode accuracy and RMSE on `data` exactly as for parity models
  /// (``ParityModelCode/degradedMode(queryCount:baseOutputs:parityOutputs:labels:)``): file order,
  /// ⌊n/k⌋ groups, every (group, position) rebuilt in turn by the decoder.
  /// - Throws: ``ParityModelError/invalidInput(_:)`` when the data do not fit or hold fewer than k
  ///   samples.
  /// - Complexity: one encoder pass per group, one base pass per query and parity query, one
  ///   decoder pass per (group, position).
  public func degradedMode(base: SequentialNetwork, data: LabeledDataset) throws(ParityModelError)
    -> (accuracy: Double, rmse: Double, cases: Int)
  {
    let k = queryCount
    let groups = data.count / k
    guard data.features.columns == base.inputShape.count, groups >= 1 else {
      throw .invalidInput(
        "the test data (\(data.count) samples of \(data.features.columns) features) do not fit k = \(k) queries of \(base.inputShape.count) features"
      )
    }
    let used = data.features.selectingRows(Array(0..<(groups * k)))
    do {
      let baseLogits = try base.logits(used)
      let (decoderInput, _) = try _degradedDecoderInput(
        base: base, images: used, baseLogits: baseLogits)
      let rebuilt = try decoder.logits(decoderInput)
      return _scoreRebuilt(rebuilt, baseLogits: baseLogits, labels: data.labels)
    } catch { throw .network(error) }
  }

  /// For G groups of k rows of `images`: the decoder inputs of every (group, position), row
  /// g·k + j, and the parity outputs F(encoder(group)) (G × m).
  func _degradedDecoderInput(base: SequentialNetwork, images: Matrix, baseLogits: Matrix)
    throws(NetworkError) -> (Matrix, Matrix)
  {
    let k = queryCount
    let groups = images.rows / k
    let samples = (0..<images.rows).map { images.row($0) }
    let members = (0..<groups).map { g in Array((g * k)..<((g + 1) * k)) }
    let parityQueries = try encoder.logits(_encoderInput(samples, groups: members))
    let parityOutputs = try base.logits(parityQueries)
    let m = base.outputCount
    var decoderInput = Matrix(rows: groups * k, columns: (k + 1) * m)
    for g in 0..<groups {
      let outputs = members[g].map { baseLogits.row($0) }
      for j in 0..<k {
        _decoderRow(
          g * k + j, of: &decoderInput, outputs: outputs, parity: parityOutputs, parityRow: g,
          missing: j)
      }
    }
    return (decoderInput, parityOutputs)
  }
}

/// Accuracy and RMSE of rebuilt outputs (row r stands for base output r).
func _scoreRebuilt(_ rebuilt: Matrix, baseLogits: Matrix, labels: [Int]) -> (
  accuracy: Double, rmse: Double, cases: Int
) {
  var correct = 0
  var squaredError = 0.0
  for r in 0..<rebuilt.rows {
    if _argmax(rebuilt.row(r)) == labels[r] { correct += 1 }
    for c in 0..<rebuilt.columns {
      let difference = rebuilt[r, c] - baseLogits[r, c]
      squaredError += difference * difference
    }
  }
  let cases = rebuilt.rows
  return (
    Double(correct) / Double(cases),
    (squaredError / Double(cases * rebuilt.columns)).squareRoot(), cases
  )
}
