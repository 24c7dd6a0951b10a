/// How a spline code chooses its decoder's smoothing parameter λ (scipy convention).
public enum SmoothingChoice: Sendable, Equatable, CustomStringConvertible {
  /// A fixed λ ≥ 0; 0 interpolates.
  case fixed(Double)
  /// Generalised cross-validation on the survivors' results, per decode (one λ for all columns).
  case gcv
  /// The plug-in rate-optimal schedule of Guides/LeTCC.md: λ = 0 without noise, otherwise
  /// λ = n·(σ²·(S + 1)/(n·J))^{4/5} with n = |T| and J the roughness of a pilot GCV fit.
  case optimal

  /// Parses `gcv`, `optimal` or a number.
  public init(parsing text: String) throws(CodingError) {
    switch text.lowercased() {
    case "gcv": self = .gcv
    case "optimal": self = .optimal
    default:
      guard let value = Double(text), value.isFinite, value >= 0 else {
        throw .invalidParameter(
          "decoder lambda must be a number >= 0, 'gcv' or 'optimal', got '\(text)'")
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
