/// Non-overlapping s × s pooling (stride s) of every channel: average or maximum.
///
/// LeNet-5 (LeCun et al. 1998) subsamples by averaging; average pooling is linear, so it keeps a
/// smooth network smooth, while max pooling adds kinks like ReLU does. Height and width must be
/// multiples of s.
public struct PoolingLayer: Equatable, Sendable {
  public enum Kind: String, Sendable, CaseIterable { case average, maximum }

  public let kind: Kind
  /// The window side and stride s.
  public let size: Int

  public init(_ kind: Kind, size: Int) {
    precondition(size > 0, "Pooling size must be positive")
    self.kind = kind
    self.size = size
  }

  /// The output shape, or nil when s does not divide the height and width.
  public func outputShape(for input: FeatureShape) -> FeatureShape? {
    guard input.height % size == 0, input.width % size == 0 else { return nil }
    return FeatureShape(
      channels: input.channels, height: input.height / size, width: input.width / size)
  }

  /// The B × (C·H/s·W/s) pooled batch.
  /// - Complexity: O(B · C·H·W).
  public func forward(_ input: Matrix, shape: FeatureShape) -> Matrix {
    guard let out = outputShape(for: shape) else {
      preconditionFailure("Pooling \(size) does not divide \(shape)")
    }
    let batch = input.rows
    var output = Matrix(
      rows: batch, columns: out.count, repeating: kind == .average ? 0 : -.infinity)
    let scale = 1 / Double(size * size)
    output.storage.withUnsafeMutableBufferPointer { dst in
      input.storage.withUnsafeBufferPointer { src in
        for c in 0..<shape.channels {
          for oh in 0..<out.height {
            for ow in 0..<out.width {
              let dstBase = (c * out.height * out.width + oh * out.width + ow) * batch
              for i in 0..<size {
                for j in 0..<size {
                  let srcBase =
                    (c * shape.height * shape.width + (oh * size + i) * shape.width + ow * size + j)
                    * batch
                  switch kind {
                  case .average: for b in 0..<batch { dst[dstBase + b] += scale * src[srcBase + b] }
                  case .maximum:
                    for b in 0..<batch {
                      dst[dstBase + b] = max(dst[dstBase + b], src[srcBase + b])
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return output
  }

  /// ∂L/∂input: spread evenly over each window (average) or routed to the window's first maximum.
  /// - Complexity: O(B · C·H·W).
  public func backward(input: Matrix, shape: FeatureShape, outputGradient: Matrix) -> Matrix {
    guard let out = outputShape(for: shape) else {
      preconditionFailure("Pooling \(size) does not divide \(shape)")
    }
    let batch = input.rows
    var gradient = Matrix(rows: batch, columns: shape.count)
    let scale = 1 / Double(size * size)
    gradient.storage.withUnsafeMutableBufferPointer { dst in
      input.storage.withUnsafeBufferPointer { src in
        outputGradient.storage.withUnsafeBufferPointer { dy in
          for c in 0..<shape.channels {
            for oh in 0..<out.height {
              for ow in 0..<out.width {
                let outBase = (c * out.height * out.width + oh * out.width + ow) * batch
                func inputBase(_ i: Int, _ j: Int) -> Int {
                  (c * shape.height * shape.width + (oh * size + i) * shape.width + ow * size + j)
                    * batch
                }
                for b in 0..<batch {
                  switch kind {
                  case .average:
                    for i in 0..<size {
                      for j in 0..<size { dst[inputBase(i, j) + b] += scale * dy[outBase + b] }
                    }
                  case .maximum:
                    var best = inputBase(0, 0)
                    for i in 0..<size {
                      for j in 0..<size where src[inputBase(i, j) + b] > src[best + b] {
                        best = inputBase(i, j)
                      }
                    }
                    dst[best + b] += dy[outBase + b]
                  }
                }
              }
            }
          }
        }
      }
    }
    return gradient
  }
}
