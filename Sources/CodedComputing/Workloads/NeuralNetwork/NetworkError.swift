/// What a user or a file can get wrong about a network, its weights or its data.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file cannot be read at all (missing, unreadable).
  case unreadableFile(path: String, reason: String)
  /// The file is not a well-formed weight file: not JSON, truncated, a missing or mistyped field,
  /// a non-finite value or a checksum that does not match.
  case corrupted(String)
  /// The file is well formed but a layer's parameters do not have the shape the layer (or the
  /// layer before it) requires.
  case wrongShape(String)
  /// The file's format or version is not one this build reads.
  case unsupportedFormat(String)
  /// A model, architecture or activation name nobody knows.
  case unknownName(kind: String, name: String, known: [String])
  /// Inputs of the wrong size for the network.
  case wrongInputDimension(expected: Int, actual: Int)
  /// A data set CSV that cannot be used.
  case invalidData(String)
  /// Training stopped because a loss, gradient or weight stopped being finite.
  case diverged(String)

  public var description: String {
    switch self {
    case .unreadableFile(let path, let reason): return "cannot read '\(path)': \(reason)"
    case .corrupted(let message): return "corrupted weight file: \(message)"
    case .wrongShape(let message): return "shape mismatch: \(message)"
    case .unsupportedFormat(let message): return "unsupported weight file: \(message)"
    case .unknownName(let kind, let name, let known):
      return "unknown \(kind) '\(name)' (known: \(known.joined(separator: ", ")))"
    case .wrongInputDimension(let expected, let actual):
      return "the network takes inputs of \(expected) features, got \(actual)"
    case .invalidData(let message): return message
    case .diverged(let message): return message
    }
  }
}
