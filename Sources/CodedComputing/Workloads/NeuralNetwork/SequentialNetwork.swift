/// A feed-forward network: layers applied in order to a batch, each dense or convolutional layer
/// one GEMM.
///
/// A batch is a B × d ``Matrix`` with one sample per row (d = `inputShape.count`, image pixels in
/// row-major order); the forward pass returns B × m logits. The network is a ``Workload``, so a
/// worker in a coded computation evaluates it on coded inputs like any other f: in
/// coded inference (Moradi et al. 2024, Table 1) the rows are coded images.
///
/// ```swift
/// var rng = SomeSeededGenerator()
/// var net = SequentialNetwork.make(.lenet, inputShape: FeatureShape(channels: 1, height: 8, width: 8),
///                                  classes: 10, activation: .tanh, using: &rng)
/// let logits = try net.evaluate(batch: images)      // B × 10
/// ```
public struct SequentialNetwork: Equatable, Sendable {
  /// The shape of one input sample.
  public let inputShape: FeatureShape
  /// The layers, first to last.
  public private(set) var layers: [NetworkLayer]
  /// The input shape of each layer followed by the network's output shape (layers.count + 1).
  public let shapes: [FeatureShape]
  /// Free-form facts recorded with the weights (training seed, data, test accuracy, …).
  public var metadata: [String: String]
  /// The name used in CSV output.
  public var name: String
  /// The weight file this network was loaded from, if any: what its ``Workload/descriptor``
  /// names so that other processes can load the same weights. Not part of equality.
  public var sourcePath: String? = nil

  /// A network after checking that each layer accepts the previous layer's output.
  /// - Throws: ``NetworkError/wrongShape(_:)`` naming the first layer that does not fit.
  public init(
    inputShape: FeatureShape, layers: [NetworkLayer], name: String = "network",
    metadata: [String: String] = [:]
  ) throws(NetworkError) {
    var shapes = [inputShape]
    for (index, layer) in layers.enumerated() {
      switch layer._outputShape(for: shapes[index]) {
      case .success(let shape): shapes.append(shape)
      case .failure(.wrongShape(let message)):
        throw .wrongShape("layer \(index) (\(layer.typeName)): \(message)")
      case .failure(let error): throw error
      }
    }
    self.inputShape = inputShape
    self.layers = layers
    self.shapes = shapes
    self.name = name
    self.metadata = metadata
  }

  /// The number of outputs (logits) per sample.
  public var outputCount: Int { shapes[shapes.count - 1].count }

  /// The number of trainable parameters.
  public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

  /// The activation functions used, in order of first appearance.
  public var activations: [Activation] {
    var seen: [Activation] = []
    for case .activation(let a) in layers where !seen.contains(a) { seen.append(a) }
    return seen
  }

  /// The B × m logits of a B × d batch.
  /// - Throws: ``NetworkError/wrongInputDimension(expected:actual:)`` when d is not `inputShape.count`.
  /// - Complexity: one GEMM per dense/convolution layer: O(B · parameters · positions).
  public func logits(_ batch: Matrix) throws(NetworkError) -> Matrix {
    guard batch.columns == inputShape.count else {
      throw .wrongInputDimension(expected: inputShape.count, actual: batch.columns)
    }
    var x = batch
    for (index, layer) in layers.enumerated() {
      // Activations run in place on the previous layer's output (no copy of the batch).
      if case .activation(let activation) = layer, index > 0 {
        activation._applyInPlace(&x)
      } else {
        x = _forward(layer, x, shape: shapes[index])
      }
    }
    return x
  }

  /// The predicted class (argmax of the logits, first maximum on ties) of every row.
  public func predict(_ batch: Matrix) throws(NetworkError) -> [Int] {
    try logits(batch)._rowArgmax()
  }

  /// The fraction of rows whose predicted class equals the label.
  public func accuracy(on data: LabeledDataset) throws(NetworkError) -> Double {
    let predictions = try predict(data.features)
    return _accuracy(predictions, data.labels)
  }

  func _forward(_ layer: NetworkLayer, _ x: Matrix, shape: FeatureShape) -> Matrix {
    switch layer {
    case .dense(let d): return d.forward(x)
    case .convolution(let c): return c.forward(x, shape: shape)
    case .pooling(let p): return p.forward(x, shape: shape)
    case .activation(let a): return a.forward(x)
    }
  }

  /// Replaces the layers with ones of the same kinds and shapes (used by the optimiser).
  /// Equal layers, shapes, metadata and name; where the weights were loaded from does not count.
  public static func == (lhs: SequentialNetwork, rhs: SequentialNetwork) -> Bool {
    lhs.inputShape == rhs.inputShape && lhs.layers == rhs.layers && lhs.shapes == rhs.shapes
      && lhs.metadata == rhs.metadata && lhs.name == rhs.name
  }

  mutating func _setLayers(_ newLayers: [NetworkLayer]) {
    precondition(newLayers.count == layers.count)
    layers = newLayers
  }
}

/// The fraction of equal entries.
func _accuracy(_ predictions: [Int], _ labels: [Int]) -> Double {
  precondition(predictions.count == labels.count && !labels.isEmpty)
  return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
}
