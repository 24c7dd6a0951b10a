/// What is wrong with the parameters or the symbols of an LT code.
///
/// Thrown by ``RobustSoliton``, ``LTCode``, ``LTPeelingDecoder`` and the latency harness for
/// conditions a user can cause (the CLI prints them as one `error:` line).
public enum LTError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A parameter is outside its range: `name` = `value` must satisfy `requirement`.
  case invalidParameter(name: String, value: String, requirement: String)
  /// A symbol names a source outside 0..<sourceCount, or names one twice.
  case invalidSymbol(String)
  /// A symbol's value has the wrong number of entries.
  case shapeMismatch(expected: Int, actual: Int)
  /// The symbols ran out before decoding completed.
  case streamEnded(symbolsSeen: Int, sourcesMissing: Int)
  /// A strategy name the latency harness does not know.
  case unknownStrategy(String, known: [String])

  public var description: String {
    switch self {
    case .invalidParameter(let name, let value, let requirement):
      return "invalid \(name) \(value): must be \(requirement)"
    case .invalidSymbol(let message):
      return "invalid LT symbol: \(message)"
    case .shapeMismatch(let expected, let actual):
      return "shape mismatch: expected \(expected) values, got \(actual)"
    case .streamEnded(let seen, let missing):
      return "the symbol stream ended before decoding completed: \(seen) symbols seen, "
        + "\(missing) sources missing"
    case .unknownStrategy(let name, let known):
      return "unknown strategy '\(name)' (known: \(known.joined(separator: ", ")))"
    }
  }
}
