/// A 2-D convolution (stride 1, zero padding) lowered to one GEMM by im2col.
///
/// `weight` is outputChannels × (inputChannels·kernel·kernel), column `c·k² + i·k + j` holding
/// tap (i, j) of input channel c: PyTorch's `nn.Conv2d.weight` (F, C, k, k) reshaped to (F, C·k²).
/// Like PyTorch, the layer computes a cross-correlation:
/// y[f, h, w] = b[f] + Σ_{c,i,j} W[f, c, i, j] · x[c, h + i − p, w + j − p].
///
/// For a batch of B images the layer builds the im2col matrix (Ho·Wo·B) × (C·k²) with row
/// `position·B + image`, multiplies it by Wᵀ, and — because of that row order — the column-major
/// product *is* the B × (F·Ho·Wo) output in the network's feature order, with no transpose.
///
/// ```swift
/// var rng = SplitMix64(seed: 0)
/// let conv = ConvolutionLayer(inputChannels: 1, outputChannels: 6, kernel: 3, padding: 1, using: &rng)
/// let y = conv.forward(images, shape: FeatureShape(channels: 1, height: 8, width: 8))
/// ```
public struct ConvolutionLayer: Equatable, Sendable {
  /// outputChannels × (inputChannels·kernel²).
  public var weight: Matrix
  /// One bias per output channel.
  public var bias: [Double]
  /// The side k of the square kernel.
  public let kernel: Int
  /// Zeros added on every side.
  public let padding: Int

  public init(weight: Matrix, bias: [Double], kernel: Int, padding: Int) {
    precondition(kernel > 0 && padding >= 0, "Convolution needs kernel ≥ 1 and padding ≥ 0")
    precondition(weight.columns % (kernel * kernel) == 0, "Convolution weight columns must be C·k²")
    precondition(
      bias.count == weight.rows,
      "Convolution bias has \(bias.count) values, expected \(weight.rows)")
    self.weight = weight
    self.bias = bias
    self.kernel = kernel
    self.padding = padding
  }

  /// He-uniform weights (U(±√(6/(C·k²)))) and zero biases.
  public init(
    inputChannels: Int, outputChannels: Int, kernel: Int, padding: Int,
    using generator: inout some RandomNumberGenerator
  ) {
    precondition(
      inputChannels > 0 && outputChannels > 0, "Convolution channel counts must be positive")
    let fanIn = inputChannels * kernel * kernel
    let limit = (6.0 / Double(fanIn)).squareRoot()
    var weight = Matrix(rows: outputChannels, columns: fanIn)
    for i in weight.storage.indices {
      weight.storage[i] = limit * (2 * generator._nextUnitDouble() - 1)
    }
    self.init(
      weight: weight, bias: Array(repeating: 0, count: outputChannels), kernel: kernel,
      padding: padding)
  }

  public var inputChannels: Int { weight.columns / (kernel * kernel) }
  public var outputChannels: Int { weight.rows }

  /// The output shape for an input shape, or nil when the kernel does not fit or the channels differ.
  public func outputShape(for input: FeatureShape) -> FeatureShape? {
    let height = input.height + 2 * padding - kernel + 1
    let width = input.width + 2 * padding - kernel + 1
    guard input.channels == inputChannels, height > 0, width > 0 else { return nil }
    return FeatureShape(channels: outputChannels, height: height, width: width)
  }

  /// The im2col matrix of a batch: (Ho·Wo·B) × (C·k²), row `position·B + image`.
  /// - Complexity: O(B · Ho·Wo · C·k²) copies.
  func _im2col(_ input: Matrix, shape: FeatureShape) -> Matrix {
    guard let out = outputShape(for: shape) else {
      preconditionFailure("Convolution does not fit \(shape)")
    }
    let batch = input.rows
    let positions = out.height * out.width
    let rows = positions * batch
    var cols = Matrix(rows: rows, columns: inputChannels * kernel * kernel)
    let (k, p, h, w) = (kernel, padding, shape.height, shape.width)
    cols.storage.withUnsafeMutableBufferPointer { dst in
      input.storage.withUnsafeBufferPointer { src in
        for c in 0..<shape.channels {
          for i in 0..<k {
            for j in 0..<k {
              let column = (c * k + i) * k + j
              for oh in 0..<out.height {
                let ih = oh + i - p
                for ow in 0..<out.width {
                  let iw = ow + j - p
                  let dstBase = column * rows + (oh * out.width + ow) * batch
                  if ih >= 0, ih < h, iw >= 0, iw < w {
                    let srcBase = (c * h * w + ih * w + iw) * batch
                    for b in 0..<batch { dst[dstBase + b] = src[srcBase + b] }
                  }
                }
              }
            }
          }
        }
      }
    }
    return cols
  }

  /// The B × (F·Ho·Wo) output for a B × (C·H·W) batch of `shape` images.
  /// - Complexity: O(B · Ho·Wo · C·k² · F), one `dgemm` plus the im2col copy.
  public func forward(_ input: Matrix, shape: FeatureShape) -> Matrix {
    precondition(
      input.columns == shape.count,
      "Convolution input has \(input.columns) features, shape \(shape) has \(shape.count)")
    let cols = _im2col(input, shape: shape)
    var output = Matrix(rows: cols.rows, columns: outputChannels)
    output.storage.withUnsafeMutableBufferPointer { out in
      for f in 0..<outputChannels {
        let b = bias[f]
        for r in 0..<cols.rows { out[r + f * cols.rows] = b }
      }
    }
    _gemm(cols, weight, into: &output, transposeB: true, beta: 1)
    return Matrix(
      rows: input.rows, columns: cols.rows / input.rows * outputChannels,
      columnMajor: output.storage)
  }

  /// Gradients with respect to the input (col2im of dY·W), the weight (dYᵀ·cols) and the bias.
  /// - Complexity: two `dgemm`s of the forward pass's size plus the im2col/col2im copies.
  public func backward(input: Matrix, shape: FeatureShape, outputGradient: Matrix) -> (
    input: Matrix, weight: Matrix, bias: [Double]
  ) {
    guard let out = outputShape(for: shape) else {
      preconditionFailure("Convolution does not fit \(shape)")
    }
    let batch = input.rows
    let positions = out.height * out.width
    let rows = positions * batch
    let cols = _im2col(input, shape: shape)
    let gradientView = Matrix(
      rows: rows, columns: outputChannels, columnMajor: outputGradient.storage)
    let weightGradient = _product(gradientView, cols, transposeA: true)
    let biasGradient = _columnSums(gradientView)
    let colsGradient = _product(gradientView, weight)
    var inputGradient = Matrix(rows: batch, columns: shape.count)
    let (k, p, h, w) = (kernel, padding, shape.height, shape.width)
    inputGradient.storage.withUnsafeMutableBufferPointer { dst in
      colsGradient.storage.withUnsafeBufferPointer { src in
        for c in 0..<shape.channels {
          for i in 0..<k {
            for j in 0..<k {
              let column = (c * k + i) * k + j
              for oh in 0..<out.height {
                let ih = oh + i - p
                guard ih >= 0, ih < h else { continue }
                for ow in 0..<out.width {
                  let iw = ow + j - p
                  guard iw >= 0, iw < w else { continue }
                  let srcBase = column * rows + (oh * out.width + ow) * batch
                  let dstBase = (c * h * w + ih * w + iw) * batch
                  for b in 0..<batch { dst[dstBase + b] += src[srcBase + b] }
                }
              }
            }
          }
        }
      }
    }
    return (inputGradient, weightGradient, biasGradient)
  }
}
