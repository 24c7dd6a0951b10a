/// A fully connected layer y = W·x + b, applied to a batch with one GEMM.
///
/// `weight` is outputs × inputs (PyTorch's `nn.Linear.weight` layout), stored column-major in a
/// ``Matrix``; a batch X (B × inputs, one sample per row) maps to Y = X·Wᵀ + 1·bᵀ (B × outputs).
///
/// ```swift
/// let layer = DenseLayer(weight: Matrix(rows: [[1, 2]]), bias: [0.5])
/// let y = layer.forward(Matrix(rows: [[1, 1]]))   // [[3.5]]
/// ```
public struct DenseLayer: Equatable, Sendable {
  /// outputs × inputs.
  public var weight: Matrix
  /// One bias per output.
  public var bias: [Double]

  public init(weight: Matrix, bias: [Double]) {
    precondition(
      bias.count == weight.rows, "Dense bias has \(bias.count) values, expected \(weight.rows)")
    self.weight = weight
    self.bias = bias
  }

  /// Glorot-uniform weights (U(±√(6/(in+out)))) and zero biases.
  public init(inputs: Int, outputs: Int, using generator: inout some RandomNumberGenerator) {
    precondition(inputs > 0 && outputs > 0, "Dense layer sizes must be positive")
    let limit = (6.0 / Double(inputs + outputs)).squareRoot()
    var weight = Matrix(rows: outputs, columns: inputs)
    for i in weight.storage.indices {
      weight.storage[i] = limit * (2 * generator._nextUnitDouble() - 1)
    }
    self.init(weight: weight, bias: Array(repeating: 0, count: outputs))
  }

  public var inputCount: Int { weight.columns }
  public var outputCount: Int { weight.rows }

  /// Y = X·Wᵀ + 1·bᵀ for a B × inputs batch.
  /// - Complexity: O(B · inputs · outputs), one `dgemm`.
  public func forward(_ input: Matrix) -> Matrix {
    precondition(
      input.columns == inputCount, "Dense layer takes \(inputCount) features, got \(input.columns)")
    // Every element is written by the bias broadcast, so the output starts uninitialised.
    var output = Matrix(_uninitializedRows: input.rows, columns: outputCount)
    // Broadcast the bias, then accumulate X·Wᵀ on top of it (β = 1).
    let batch = input.rows
    output.storage.withUnsafeMutableBufferPointer { out in
      for j in 0..<outputCount {
        let b = bias[j]
        for i in 0..<batch { out[i + j * batch] = b }
      }
    }
    _gemm(input, weight, into: &output, transposeB: true, beta: 1)
    return output
  }

  /// Gradients of the loss with respect to the input, the weight and the bias.
  ///
  /// dX = dY·W, dW = dYᵀ·X, db = Σ_rows dY.
  /// - Complexity: O(B · inputs · outputs), two `dgemm`s.
  public func backward(input: Matrix, outputGradient: Matrix) -> (
    input: Matrix, weight: Matrix, bias: [Double]
  ) {
    let inputGradient = _product(outputGradient, weight)
    let weightGradient = _product(outputGradient, input, transposeA: true)
    return (inputGradient, weightGradient, _columnSums(outputGradient))
  }
}

/// C = op(A)·op(B); the shapes are the network's own, so a mismatch is a programming error.
func _product(_ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false)
  -> Matrix
{
  do {
    return try Matrix.multiply(a, b, transposeA: transposeA, transposeB: transposeB)
  } catch {
    preconditionFailure("network GEMM shape mismatch: \(error)")
  }
}

/// C ← op(A)·op(B) + β·C.
func _gemm(
  _ a: Matrix, _ b: Matrix, into c: inout Matrix, transposeA: Bool = false,
  transposeB: Bool = false, beta: Double
) {
  do {
    try Matrix.multiply(a, b, into: &c, transposeA: transposeA, transposeB: transposeB, beta: beta)
  } catch {
    preconditionFailure("network GEMM shape mismatch: \(error)")
  }
}

/// The sum of each column.
func _columnSums(_ m: Matrix) -> [Double] {
  var sums = [Double](repeating: 0, count: m.columns)
  m.storage.withUnsafeBufferPointer { values in
    for j in 0..<m.columns {
      var s = 0.0
      for i in 0..<m.rows { s += values[i + j * m.rows] }
      sums[j] = s
    }
  }
  return sums
}
