/// The architectures `coded train` builds.
public enum NetworkArchitecture: String, CaseIterable, Sendable {
  /// d → hidden → σ → … → classes: a multilayer perceptron on the flattened input.
  case mlp
  /// A LeNet-5-style network (LeCun et al. 1998) scaled to small images:
  /// conv 3×3 (6 channels, padding 1) → σ → 2×2 average pool → conv 3×3 (16 channels, padding 1)
  /// → σ → 2×2 average pool → dense 32 → σ → dense classes. Needs height and width divisible by 4.
  case lenet

  /// Parses a name.
  /// - Throws: ``NetworkError/unknownName(kind:name:known:)``.
  public init(named name: String) throws(NetworkError) {
    guard let value = NetworkArchitecture(rawValue: name) else {
      throw .unknownName(kind: "model", name: name, known: Self.allCases.map(\.rawValue))
    }
    self = value
  }
}

extension Activation {
  /// Parses a name.
  /// - Throws: ``NetworkError/unknownName(kind:name:known:)``.
  public init(named name: String) throws(NetworkError) {
    guard let value = Activation(rawValue: name) else {
      throw .unknownName(kind: "activation", name: name, known: Self.allCases.map(\.rawValue))
    }
    self = value
  }
}

extension SequentialNetwork {
  /// A freshly initialised network of a standard architecture (Glorot-uniform dense weights,
  /// He-uniform convolutions, zero biases), every weight drawn from `generator`.
  /// - Parameters:
  ///   - architecture: `mlp` or `lenet`.
  ///   - inputShape: the shape of one input (channels × height × width, or flat).
  ///   - classes: the number of outputs (logits).
  ///   - activation: the activation of every hidden layer.
  ///   - hidden: the MLP's hidden widths (ignored by LeNet).
  ///   - generator: the source of every initial weight (a seeded ``SplitMix64`` for
  ///     reproducible training).
  /// - Throws: ``NetworkError/wrongShape(_:)`` when LeNet cannot take `inputShape`.
  public static func make(
    _ architecture: NetworkArchitecture, inputShape: FeatureShape, classes: Int,
    activation: Activation,
    hidden: [Int] = [64], using generator: inout some RandomNumberGenerator
  ) throws(NetworkError) -> SequentialNetwork {
    precondition(classes >= 2, "a classifier needs at least two classes")
    var layers: [NetworkLayer] = []
    switch architecture {
    case .mlp:
      var width = inputShape.count
      for h in hidden {
        layers.append(.dense(DenseLayer(inputs: width, outputs: h, using: &generator)))
        layers.append(.activation(activation))
        width = h
      }
      layers.append(.dense(DenseLayer(inputs: width, outputs: classes, using: &generator)))
    case .lenet:
      guard inputShape.height % 4 == 0, inputShape.width % 4 == 0 else {
        throw .wrongShape(
          "lenet needs images whose height and width are multiples of 4, got \(inputShape)")
      }
      let flat = 16 * (inputShape.height / 4) * (inputShape.width / 4)
      layers = [
        .convolution(
          ConvolutionLayer(
            inputChannels: inputShape.channels, outputChannels: 6, kernel: 3, padding: 1,
            using: &generator)),
        .activation(activation),
        .pooling(PoolingLayer(.average, size: 2)),
        .convolution(
          ConvolutionLayer(
            inputChannels: 6, outputChannels: 16, kernel: 3, padding: 1, using: &generator)),
        .activation(activation),
        .pooling(PoolingLayer(.average, size: 2)),
        .dense(DenseLayer(inputs: flat, outputs: 32, using: &generator)),
        .activation(activation),
        .dense(DenseLayer(inputs: 32, outputs: classes, using: &generator)),
      ]
    }
    return try SequentialNetwork(
      inputShape: inputShape, layers: layers,
      name: "\(architecture.rawValue)-\(activation.rawValue)")
  }

  /// `make` with a seeded SplitMix64, for the CLI.
  public static func make(
    _ architecture: NetworkArchitecture, inputShape: FeatureShape, classes: Int,
    activation: Activation,
    hidden: [Int] = [64], seed: UInt64
  ) throws(NetworkError) -> SequentialNetwork {
    var generator = SplitMix64(seed: seed)
    return try make(
      architecture, inputShape: inputShape, classes: classes, activation: activation,
      hidden: hidden, using: &generator)
  }

  /// `train` with a seeded SplitMix64 (seed + 1, so initialisation and shuffling use different streams), for the CLI.
  @discardableResult
  public mutating func train(on data: LabeledDataset, options: TrainingOptions, seed: UInt64)
    throws(NetworkError) -> [EpochSummary]
  {
    var generator = SplitMix64(seed: seed &+ 1)
    return try train(on: data, options: options, using: &generator)
  }
}
