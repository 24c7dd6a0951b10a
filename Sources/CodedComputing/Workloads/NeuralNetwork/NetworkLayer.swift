/// One layer of a ``SequentialNetwork``.
public enum NetworkLayer: Equatable, Sendable {
  case dense(DenseLayer)
  case convolution(ConvolutionLayer)
  case pooling(PoolingLayer)
  case activation(Activation)

  /// The name used in weight files and messages.
  public var typeName: String {
    switch self {
    case .dense: return "dense"
    case .convolution: return "conv2d"
    case .pooling(let pool): return pool.kind == .average ? "avgpool" : "maxpool"
    case .activation: return "activation"
    }
  }

  /// The number of trainable parameters.
  public var parameterCount: Int {
    switch self {
    case .dense(let d): return d.weight.storage.count + d.bias.count
    case .convolution(let c): return c.weight.storage.count + c.bias.count
    case .pooling, .activation: return 0
    }
  }

  /// The output shape for `input`, or a message saying why the layer cannot take it.
  func _outputShape(for input: FeatureShape) -> Result<FeatureShape, NetworkError> {
    switch self {
    case .dense(let d):
      guard d.inputCount == input.count else {
        return .failure(
          .wrongShape(
            "dense layer takes \(d.inputCount) inputs but receives \(input.count) (\(input))"))
      }
      return .success(FeatureShape(flat: d.outputCount))
    case .convolution(let c):
      guard let out = c.outputShape(for: input) else {
        return .failure(
          .wrongShape(
            "conv2d layer (\(c.inputChannels) channels, kernel \(c.kernel), padding \(c.padding)) cannot take \(input)"
          ))
      }
      return .success(out)
    case .pooling(let p):
      guard let out = p.outputShape(for: input) else {
        return .failure(.wrongShape("pooling size \(p.size) does not divide \(input)"))
      }
      return .success(out)
    case .activation:
      return .success(input)
    }
  }
}
