/// How a spline code chooses its encoder's or decoder's smoothing parameter λ (scipy convention).
public enum SmoothingChoice: Sendable, Equatable, CustomStringConvertible {
  /// A fixed λ ≥ 0; 0 interpolates.
  case fixed(Double)
  /// Generalised cross-validation on the data being fitted, one λ for all columns: the
  /// survivors' results per decode, or the inputs per encode.
  case gcv
  /// The plug-in rate-optimal schedules of Guides/LeTCC.md. Decoder: λ = 0 without noise,
  /// otherwise λ = n·(σ²·(S + 1)/(4·n·J))^{4/5} with n = |T| and J the roughness of a pilot GCV
  /// fit. Encoder: λ = K·h³/24, h the widest gap a window of S stragglers can open among the
  /// worker points (``SplineCode/optimalEncoderLambda(alpha:beta:stragglers:)``).
  case optimal

  /// Parses `gcv`, `optimal` or a number; `what` names the parameter in the error.
  public init(parsing text: String, what: String = "decoder lambda") throws(CodingError) {
    switch text.lowercased() {
    case "gcv": self = .gcv
    case "optimal": self = .optimal
    default:
      guard let value = Double(text), value.isFinite, value >= 0 else {
        throw .invalidParameter(
          "\(what) must be a number >= 0, 'gcv' or 'optimal', got '\(text)'")
      }
      self = .fixed(value)
    }
  }

  public var description: String {
    switch self {
    case .fixed(let value): return "\(value)"
    case .gcv: return "gcv"
    case .optimal: return "optimal"
    }
  }
}

extension SmoothingChoice: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
  /// A number literal is a fixed λ: `encoderLambda: 0` means `.fixed(0)`.
  public init(floatLiteral value: Double) { self = .fixed(value) }
  public init(integerLiteral value: Int) { self = .fixed(Double(value)) }
}
