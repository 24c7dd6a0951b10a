/// How ``ParityModelCode/trainParityModel(base:data:options:using:)`` fits a parity model.
public struct ParityTrainingOptions: Sendable, Equatable {
  public var epochs: Int
  public var batchSize: Int
  public var learningRate: Double
  /// Parity queries drawn per epoch (nil: as many as there are training samples).
  public var queriesPerEpoch: Int?

  public init(
    epochs: Int = 30, batchSize: Int = 32, learningRate: Double = 1e-3, queriesPerEpoch: Int? = nil
  ) {
    precondition(epochs >= 0 && batchSize > 0 && learningRate > 0, "invalid training options")
    precondition((queriesPerEpoch ?? 1) > 0, "queriesPerEpoch must be positive")
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.queriesPerEpoch = queriesPerEpoch
  }
}

extension ParityModelCode {
  /// Checks that `parity` can stand in for `base` on the parity worker: the same input shape,
  /// the same layers (kinds, sizes, activations) and the same output size.
  /// - Throws: ``ParityModelError/mismatchedArchitecture(_:)`` naming the first difference.
  public static func checkCompatible(parity: SequentialNetwork, base: SequentialNetwork)
    throws(ParityModelError)
  {
    guard parity.inputShape == base.inputShape else {
      throw .mismatchedArchitecture(
        "input shape \(parity.inputShape), the base model takes \(base.inputShape)")
    }
    guard parity.layers.count == base.layers.count else {
      throw .mismatchedArchitecture(
        "\(parity.layers.count) layers, the base model has \(base.layers.count)")
    }
    for index in base.layers.indices {
      let (p, b) = (parity.layers[index], base.layers[index])
      guard p.typeName == b.typeName, parity.shapes[index + 1] == base.shapes[index + 1],
        p.parameterCount == b.parameterCount
      else {
        throw .mismatchedArchitecture(
          "layer \(index) is \(p.typeName) → \(parity.shapes[index + 1]), the base model's is \(b.typeName) → \(base.shapes[index + 1])"
        )
      }
      if case .activation(let pa) = p, case .activation(let ba) = b, pa != ba {
        throw .mismatchedArchitecture(
          "layer \(index) is \(pa.rawValue), the base model's is \(ba.rawValue)")
      }
    }
  }

  /// Trains a parity model for this code and `base` (Kosaian et al. 2019, §3.3).
  ///
  /// The parity model starts as a copy of the base model's weights. Each epoch draws
  /// `queriesPerEpoch` parity queries, each from a uniformly random k-subset of the training
  /// samples (distinct samples); the input is the encoded query P and the target the sum of the
  /// frozen base model's logits Σᵢ F(Xᵢ). Mini-batches of `batchSize` queries minimise the mean
  /// squared error with Adam (β₁ = 0.9, β₂ = 0.999). With a seeded generator and one BLAS thread
  /// the result is the same bit for bit on every run.
  ///
  /// ```swift
  /// var rng = SplitMix64(seed: 1)
  /// let code = try ParityModelCode(queryCount: 2, encoder: .sum, inputShape: base.inputShape)
  /// let (parity, losses) = try code.trainParityModel(base: base, data: train,
  ///                                                  options: .init(epochs: 20), using: &rng)
  /// ```
  /// - Returns: the parity model and the mean training loss of each epoch.
  /// - Throws: ``ParityModelError/invalidInput(_:)`` when the data do not fit the base model or
  ///   hold fewer than k samples, ``ParityModelError/mismatchedArchitecture(_:)`` when the code's
  ///   query shape is not the base model's, ``ParityModelError/network(_:)`` with
  ///   ``NetworkError/diverged(_:)`` when the loss or a weight stops being finite.
  /// - Complexity: O(epochs · queriesPerEpoch · (k·d + 3 · forward cost)).
  public func trainParityModel(
    base: SequentialNetwork, data: LabeledDataset, options: ParityTrainingOptions,
    using generator: inout some RandomNumberGenerator
  ) throws(ParityModelError) -> (model: SequentialNetwork, losses: [Double]) {
    if let inputShape, inputShape != base.inputShape {
      throw .mismatchedArchitecture(
        "the code's queries are \(inputShape), the base model takes \(base.inputShape)")
    }
    guard data.features.columns == base.inputShape.count else {
      throw .invalidInput(
        "the training data have \(data.features.columns) features, the base model takes \(base.inputShape.count) (\(base.inputShape))"
      )
    }
    let n = data.count
    guard n >= inputCount else {
      throw .invalidInput("\(n) training samples are fewer than k = \(inputCount)")
    }
    let baseLogits: Matrix
    do { baseLogits = try base.logits(data.features) } catch { throw .network(error) }
    let samples = (0..<n).map { data.features.row($0) }
    let shape = base.inputShape
    let (d, m, k) = (shape.count, base.outputCount, inputCount)
    var model = base
    var parameters = model.flatParameters
    var adam = _AdamState(parameterCount: parameters.count)
    let losses = try _epochs(of: options, samples: n) { size throws(ParityModelError) in
      var queries = Matrix(rows: size, columns: d)
      var targets = Matrix(rows: size, columns: m)
      for b in 0..<size {
        let chosen = _distinctIndices(k, below: n, using: &generator)
        let parity = encoder._encode(rows: chosen.map { samples[$0] }, shape: shape)
        for j in 0..<d { queries[b, j] = parity[j] }
        for i in chosen { for j in 0..<m { targets[b, j] += baseLogits[i, j] } }
      }
      let (loss, gradient, _) = model.backpropagate(queries) {
        _meanSquaredError($0, targets: targets)
      }
      adam.update(&parameters, gradient: gradient, learningRate: options.learningRate)
      let finite = parameters.allSatisfy(\.isFinite)
      if finite { model.setFlatParameters(parameters) }
      return (loss, finite)
    }
    model.sourcePath = nil
    return (model, losses)
  }
}

/// k distinct indices in 0..<n drawn uniformly (each redrawn until new), in drawing order.
func _distinctIndices(
  _ k: Int, below n: Int, using generator: inout some RandomNumberGenerator
) -> [Int] {
  precondition(k <= n)
  var chosen: [Int] = []
  chosen.reserveCapacity(k)
  while chosen.count < k {
    let candidate = Int.random(in: 0..<n, using: &generator)
    if !chosen.contains(candidate) { chosen.append(candidate) }
  }
  return chosen
}

/// Runs `options.epochs` epochs of mini-batches: `step(size)` trains on one batch of `size`
/// queries and returns its mean loss; an epoch is `queriesPerEpoch` queries (default `samples`).
/// - Returns: the mean loss of each epoch.
/// - Throws: ``ParityModelError/network(_:)`` with ``NetworkError/diverged(_:)`` when a batch's
///   loss is not finite.
func _epochs(
  of options: ParityTrainingOptions, samples: Int,
  step: (Int) throws(ParityModelError) -> (loss: Double, finite: Bool)
) throws(ParityModelError) -> [Double] {
  let perEpoch = options.queriesPerEpoch ?? samples
  var losses: [Double] = []
  for _ in 0..<options.epochs {
    var lossSum = 0.0
    var drawn = 0
    while drawn < perEpoch {
      let size = min(options.batchSize, perEpoch - drawn)
      drawn += size
      let (loss, finite) = try step(size)
      guard loss.isFinite, finite else {
        throw .network(
          .diverged(
            "training diverged at epoch \(losses.count + 1): the loss, a gradient or a weight is not finite (learning rate \(options.learningRate); try a smaller --learning-rate)"
          ))
      }
      lossSum += loss * Double(size)
    }
    losses.append(lossSum / Double(perEpoch))
  }
  return losses
}
