extension SequentialNetwork {
  /// Every trainable parameter in one vector: for each dense/conv2d layer in order, its weight in
  /// row-major order (PyTorch's `weight.flatten()`) then its bias. This is also the order of the
  /// weight file's checksum and of ``lossAndGradient(_:labels:)``'s gradient.
  public var flatParameters: [Double] {
    var values: [Double] = []
    values.reserveCapacity(parameterCount)
    for layer in layers {
      switch layer {
      case .dense(let d): values += d.weight._rowMajor + d.bias
      case .convolution(let c): values += c.weight._rowMajor + c.bias
      case .pooling, .activation: break
      }
    }
    return values
  }

  /// Replaces every trainable parameter, in the order of ``flatParameters``.
  public mutating func setFlatParameters(_ values: [Double]) {
    precondition(
      values.count == parameterCount, "expected \(parameterCount) parameters, got \(values.count)")
    var offset = 0
    func take(_ count: Int) -> ArraySlice<Double> {
      defer { offset += count }
      return values[offset..<(offset + count)]
    }
    var newLayers = layers
    for (index, layer) in layers.enumerated() {
      switch layer {
      case .dense(var d):
        d.weight = Matrix(
          rowMajor: Array(take(d.weight.storage.count)), rows: d.weight.rows,
          columns: d.weight.columns)
        d.bias = Array(take(d.bias.count))
        newLayers[index] = .dense(d)
      case .convolution(var c):
        c.weight = Matrix(
          rowMajor: Array(take(c.weight.storage.count)), rows: c.weight.rows,
          columns: c.weight.columns)
        c.bias = Array(take(c.bias.count))
        newLayers[index] = .convolution(c)
      case .pooling, .activation: break
      }
    }
    _setLayers(newLayers)
  }
}
