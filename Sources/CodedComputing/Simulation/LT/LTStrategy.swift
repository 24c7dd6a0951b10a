/// A way to spread Σⱼ fⱼ(x), j = 1…m, over W workers, as compared by Mallick, Smith & Joshi
/// (SIGMETRICS 2020; ISTC 2021).
///
/// CLI names (``init(parsing:)``, ``description``): `one`, `uncoded`, `replication:R`, `lt1`,
/// `ltr:R`, `rateless` (and `rateless:R`, rateless over groups of R).
public enum LTStrategy: Sendable, Hashable, CustomStringConvertible {
  /// One worker computes all m functions: T = X₀ + τ·m.
  case allAtOne
  /// The m functions split evenly over the W workers; T = maxⱼ (Xⱼ + τ·mⱼ).
  case uncoded
  /// W/R groups of R workers; each group's functions are computed by all R members and the
  /// group is done at its fastest member; T = max over groups.
  case replication(Int)
  /// LT over ⌈m/R⌉ groups of R functions with a fixed number of symbols per worker
  /// (⌈α·m′⌉ symbols in all, split evenly); workers send each symbol as it is done and the master
  /// peels in arrival order. R = 1 is "LT-1" (`lt1`), R > 1 "LT-R" (`ltr:R`).
  case fixedLT(groupSize: Int)
  /// Every worker emits LT symbols until the master has decoded (no fixed quota).
  case rateless(groupSize: Int)

  /// The strategy names of the CLI grammar.
  public static let names = ["one", "uncoded", "replication:R", "lt1", "ltr:R", "rateless"]

  /// Parses a CLI name (`one`, `uncoded`, `replication:2`, `lt1`, `ltr:2`, `rateless`,
  /// `rateless:2`).
  ///
  /// - Throws: ``LTError/unknownStrategy(_:known:)`` for an unknown name;
  ///   ``LTError/invalidParameter(name:value:requirement:)`` for a bad R.
  public init(parsing text: String) throws(LTError) {
    let trimmed = text.trimmingSpaces
    let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    let name = String(parts[0])
    func factor() throws(LTError) -> Int {
      guard parts.count == 2 else {
        throw .invalidParameter(
          name: "factor of \(name)", value: "''", requirement: "an integer ≥ 1")
      }
      guard let r = Int(parts[1]), r >= 1 else {
        throw .invalidParameter(
          name: "factor of \(name)", value: "'\(parts[1])'", requirement: "an integer ≥ 1")
      }
      return r
    }
    switch name {
    case "one" where parts.count == 1: self = .allAtOne
    case "uncoded" where parts.count == 1: self = .uncoded
    case "replication": self = .replication(try factor())
    case "lt1" where parts.count == 1: self = .fixedLT(groupSize: 1)
    case "ltr": self = .fixedLT(groupSize: try factor())
    case "rateless": self = .rateless(groupSize: parts.count == 1 ? 1 : try factor())
    default: throw .unknownStrategy(trimmed, known: Self.names)
    }
  }

  /// The CLI name, which ``init(parsing:)`` reads back.
  public var description: String {
    switch self {
    case .allAtOne: return "one"
    case .uncoded: return "uncoded"
    case .replication(let r): return "replication:\(r)"
    case .fixedLT(let r): return r == 1 ? "lt1" : "ltr:\(r)"
    case .rateless(let r): return r == 1 ? "rateless" : "rateless:\(r)"
    }
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
