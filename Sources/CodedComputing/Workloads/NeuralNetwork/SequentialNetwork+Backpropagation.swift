extension SequentialNetwork {
  /// The input of every layer followed by the network's output, for a B × d batch
  /// (`layers.count + 1` matrices): what ``backpropagate(_:outputGradient:)`` reuses.
  /// - Complexity: one forward pass.
  func _layerInputs(_ batch: Matrix) -> [Matrix] {
    var inputs: [Matrix] = [batch]
    inputs.reserveCapacity(layers.count + 1)
    for (index, layer) in layers.enumerated() {
      inputs.append(_forward(layer, inputs[index], shape: shapes[index]))
    }
    return inputs
  }

  /// Backpropagation of any loss: the forward pass on `batch`, the loss and its gradient with
  /// respect to the B × m output (from `outputGradient`), and the chain rule back through every
  /// layer.
  ///
  /// ```swift
  /// // mean squared error against targets T (B × m)
  /// let (loss, gradient, inputGradient) = net.backpropagate(batch) { output in
  ///   _meanSquaredError(output, targets: T)
  /// }
  /// ```
  /// - Parameters:
  ///   - batch: B × `inputShape.count`, one sample per row.
  ///   - outputGradient: maps the network's output to (loss, ∂loss/∂output).
  /// - Returns: the loss, ∂L/∂θ in the order of ``flatParameters``, and ∂L/∂input (B × d).
  /// - Complexity: about three times the forward pass.
  public func backpropagate(
    _ batch: Matrix, outputGradient: (Matrix) -> (loss: Double, gradient: Matrix)
  ) -> (loss: Double, gradient: [Double], inputGradient: Matrix) {
    precondition(
      batch.columns == inputShape.count,
      "batch has \(batch.columns) features, expected \(inputShape.count)")
    let inputs = _layerInputs(batch)
    let (loss, topGradient) = outputGradient(inputs[layers.count])
    precondition(
      topGradient.rows == batch.rows && topGradient.columns == outputCount,
      "the output gradient must be \(batch.rows) × \(outputCount)")
    var upstream = topGradient
    var pieces: [[Double]] = []
    for index in layers.indices.reversed() {
      let x = inputs[index]
      switch layers[index] {
      case .dense(let d):
        let g = d.backward(input: x, outputGradient: upstream)
        pieces.append(g.weight._rowMajor + g.bias)
        upstream = g.input
      case .convolution(let c):
        let g = c.backward(input: x, shape: shapes[index], outputGradient: upstream)
        pieces.append(g.weight._rowMajor + g.bias)
        upstream = g.input
      case .pooling(let p):
        upstream = p.backward(input: x, shape: shapes[index], outputGradient: upstream)
      case .activation(let a):
        upstream = a.backward(input: x, outputGradient: upstream)
      }
    }
    return (loss, Array(pieces.reversed().joined()), upstream)
  }
}

/// The mean squared error (1/(B·m)) Σ (output − target)² and its gradient 2(output − target)/(B·m).
func _meanSquaredError(_ output: Matrix, targets: Matrix) -> (loss: Double, gradient: Matrix) {
  precondition(output.rows == targets.rows && output.columns == targets.columns)
  let scale = 1 / Double(max(1, output.storage.count))
  var gradient = Matrix(rows: output.rows, columns: output.columns)
  var loss = 0.0
  for i in output.storage.indices {
    let difference = output.storage[i] - targets.storage[i]
    loss += difference * difference
    gradient.storage[i] = 2 * difference * scale
  }
  return (loss * scale, gradient)
}
