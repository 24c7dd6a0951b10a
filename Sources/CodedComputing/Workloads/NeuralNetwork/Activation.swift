internal import CKernels
import Foundation

/// An element-wise activation function σ: ℝ → ℝ, applied to every unit of a layer.
///
/// Coded inference (Moradi et al. 2024, LeTCC; Jahani-Nezhad & Maddah-Ali 2022, BACC) decodes
/// f(x̃) by interpolating or smoothing across workers, so the error it leaves depends on how smooth
/// f is along the encoding curve. ``relu`` has a kink (σ″ is a Dirac mass at 0); the others are
/// C^∞. ``isSmooth`` says which is which, and the coded-inference study trains one network of
/// each kind.
///
/// ```swift
/// Activation.tanh.apply(0.5)        // 0.4621…
/// Activation.relu.derivative(-1)    // 0
/// ```
public enum Activation: String, CaseIterable, Sendable, Equatable {
  /// max(0, x); the derivative at 0 is taken as 0.
  case relu
  /// tanh x.
  case tanh
  /// 1/(1 + e⁻ˣ).
  case sigmoid
  /// x·Φ(x) with Φ the standard normal CDF (the exact, erf-based GELU).
  case gelu
  /// log(1 + eˣ), a smooth ReLU.
  case softplus
  /// x.
  case identity

  /// Whether σ is infinitely differentiable (everything but ``relu``).
  public var isSmooth: Bool { self != .relu }

  /// σ(x).
  @inlinable
  public func apply(_ x: Double) -> Double {
    switch self {
    case .relu: return x > 0 ? x : 0
    case .tanh: return Foundation.tanh(x)
    case .sigmoid: return 1 / (1 + Foundation.exp(-x))
    case .gelu: return 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
    case .softplus: return x > 30 ? x : Foundation.log1p(Foundation.exp(x))
    case .identity: return x
    }
  }

  /// σ′(x).
  @inlinable
  public func derivative(_ x: Double) -> Double {
    switch self {
    case .relu: return x > 0 ? 1 : 0
    case .tanh:
      let t = Foundation.tanh(x)
      return 1 - t * t
    case .sigmoid:
      let s = 1 / (1 + Foundation.exp(-x))
      return s * (1 - s)
    case .gelu:
      let cdf = 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot()))
      let pdf = Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
      return cdf + x * pdf
    case .softplus: return 1 / (1 + Foundation.exp(-x))
    case .identity: return 1
    }
  }

  /// σ applied to every element of `input` (any shape).
  ///
  /// ``tanh`` and ``sigmoid`` run vectorised kernels (Cephes's rational forms, compiled for
  /// AVX-512, AVX2 and the baseline, the widest the processor runs): within 2 and 4 ulp of
  /// ``apply(_:)`` (glibc), tested over [−40, 40] and [−708, 760]; ``apply(_:)`` itself stays the
  /// scalar reference.
  /// - Complexity: O(rows · columns).
  public func forward(_ input: Matrix) -> Matrix {
    var output = input
    _applyInPlace(&output)
    return output
  }

  /// ``forward(_:)`` in place (no copy when `values` holds the only reference to its storage).
  func _applyInPlace(_ output: inout Matrix) {
    output.storage.withUnsafeMutableBufferPointer { values in
      // One loop per case, so the switch is hoisted and ReLU's loop vectorises.
      switch self {
      case .relu: for i in values.indices { values[i] = max(values[i], 0) }
      case .tanh: if let base = values.baseAddress { cc_tanh_inplace(base, values.count) }
      case .sigmoid: if let base = values.baseAddress { cc_sigmoid_inplace(base, values.count) }
      case .identity: break
      case .gelu, .softplus: for i in values.indices { values[i] = apply(values[i]) }
      }
    }
  }

  /// ∂L/∂input = ∂L/∂output ⊙ σ′(input).
  /// - Complexity: O(rows · columns).
  public func backward(input: Matrix, outputGradient: Matrix) -> Matrix {
    precondition(input.rows == outputGradient.rows && input.columns == outputGradient.columns)
    var gradient = outputGradient
    gradient.storage.withUnsafeMutableBufferPointer { g in
      input.storage.withUnsafeBufferPointer { x in
        for i in g.indices { g[i] *= derivative(x[i]) }
      }
    }
    return gradient
  }
}
