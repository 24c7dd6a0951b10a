import Foundation

/// How ``SequentialNetwork/train(on:options:using:)`` fits a network.
public struct TrainingOptions: Sendable, Equatable {
  public enum Optimizer: String, Sendable, CaseIterable {
    /// Plain mini-batch SGD: θ ← θ − η·g.
    case sgd
    /// Adam (Kingma & Ba 2015) with β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸.
    case adam
  }

  public var epochs: Int
  public var batchSize: Int
  public var learningRate: Double
  public var optimizer: Optimizer

  public init(
    epochs: Int = 30, batchSize: Int = 32, learningRate: Double = 1e-3, optimizer: Optimizer = .adam
  ) {
    precondition(epochs >= 0 && batchSize > 0 && learningRate > 0, "invalid training options")
    self.epochs = epochs
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.optimizer = optimizer
  }
}

/// The mean training loss and training accuracy of one epoch.
public struct EpochSummary: Sendable, Equatable {
  public var epoch: Int
  public var loss: Double
  public var accuracy: Double
}

extension SequentialNetwork {
  /// Mean softmax cross-entropy of a batch and its gradient by backpropagation.
  ///
  /// L = −(1/B) Σ_b log softmax(z_b)[y_b], with z_b the logits of row b. The gradient with respect
  /// to the logits is (softmax(z) − onehot(y))/B; each layer's ``DenseLayer/backward(input:outputGradient:)``
  /// and friends carry it back.
  /// - Returns: the loss, ∂L/∂θ in the order of ``flatParameters``, and ∂L/∂input (B × d).
  /// - Complexity: about three times the forward pass.
  public func lossAndGradient(_ batch: Matrix, labels: [Int]) -> (
    loss: Double, gradient: [Double], inputGradient: Matrix
  ) {
    precondition(
      batch.columns == inputShape.count,
      "batch has \(batch.columns) features, expected \(inputShape.count)")
    precondition(labels.count == batch.rows, "one label per row")
    precondition(
      labels.allSatisfy { $0 >= 0 && $0 < outputCount }, "labels must be in 0..<\(outputCount)")
    return backpropagate(batch) { _softmaxCrossEntropy($0, labels: labels) }
  }

  /// Fits the network to `data` by mini-batch gradient descent on the softmax cross-entropy.
  ///
  /// Each epoch shuffles the training rows with `generator` (Fisher–Yates) and takes batches of
  /// `options.batchSize` (the last one may be smaller). With a seeded generator and one BLAS thread
  /// the result is the same bit for bit on every run.
  /// - Returns: one ``EpochSummary`` per epoch.
  /// - Throws: ``NetworkError/invalidData(_:)`` when the data's features or labels do not fit the network;
  ///   ``NetworkError/diverged(_:)`` when a loss, gradient or weight stops being finite.
  /// - Complexity: O(epochs · forward-and-backward cost of the data set).
  @discardableResult
  public mutating func train(
    on data: LabeledDataset, options: TrainingOptions,
    using generator: inout some RandomNumberGenerator
  ) throws(NetworkError) -> [EpochSummary] {
    guard data.features.columns == inputShape.count else {
      throw .invalidData(
        "the data has \(data.features.columns) features, the network takes \(inputShape.count)")
    }
    if let bad = data.labels.first(where: { $0 < 0 || $0 >= outputCount }) {
      throw .invalidData(
        "label \(bad) is outside 0..<\(outputCount) for a network with \(outputCount) outputs")
    }
    var parameters = flatParameters
    var adam = _AdamState(parameterCount: parameters.count)
    var step = 0
    var summaries: [EpochSummary] = []
    var order = Array(0..<data.count)
    guard options.epochs > 0 else { return [] }
    for epoch in 1...options.epochs {
      order.shuffle(using: &generator)
      var lossSum = 0.0
      var start = 0
      while start < order.count {
        let rows = Array(order[start..<min(start + options.batchSize, order.count)])
        start += rows.count
        let batch = data.features.selectingRows(rows)
        let labels = rows.map { data.labels[$0] }
        let (loss, gradient, _) = lossAndGradient(batch, labels: labels)
        guard loss.isFinite, gradient.allSatisfy(\.isFinite) else {
          throw .diverged(
            "training diverged at epoch \(epoch), step \(step + 1): the loss or its gradient is not finite (learning rate \(options.learningRate); try a smaller --learning-rate)")
        }
        lossSum += loss * Double(rows.count)
        step += 1
        switch options.optimizer {
        case .sgd:
          for i in parameters.indices { parameters[i] -= options.learningRate * gradient[i] }
        case .adam:
          adam.update(&parameters, gradient: gradient, learningRate: options.learningRate)
        }
        guard parameters.allSatisfy(\.isFinite) else {
          throw .diverged(
            "training diverged at epoch \(epoch), step \(step): a weight overflowed (learning rate \(options.learningRate); try a smaller --learning-rate)")
        }
        setFlatParameters(parameters)
      }
      summaries.append(
        EpochSummary(
          epoch: epoch, loss: lossSum / Double(data.count), accuracy: try accuracy(on: data)))
    }
    return summaries
  }
}

/// Mean cross-entropy of softmax(logits) against the labels and its gradient (softmax − onehot)/B.
func _softmaxCrossEntropy(_ logits: Matrix, labels: [Int]) -> (loss: Double, gradient: Matrix) {
  let batch = logits.rows
  var gradient = Matrix(rows: batch, columns: logits.columns)
  var loss = 0.0
  for b in 0..<batch {
    var peak = -Double.infinity
    for j in 0..<logits.columns { peak = max(peak, logits[b, j]) }
    var total = 0.0
    for j in 0..<logits.columns { total += Foundation.exp(logits[b, j] - peak) }
    let logTotal = Foundation.log(total) + peak
    loss += logTotal - logits[b, labels[b]]
    for j in 0..<logits.columns {
      let p = Foundation.exp(logits[b, j] - logTotal)
      gradient[b, j] = (p - (j == labels[b] ? 1 : 0)) / Double(batch)
    }
  }
  return (loss / Double(batch), gradient)
}
