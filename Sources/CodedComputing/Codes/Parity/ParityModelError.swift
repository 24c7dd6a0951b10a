/// What a user, a file or the data can get wrong about a parity-model code.
public enum ParityModelError: Error, Equatable, Sendable, CustomStringConvertible {
  /// k outside {2, 3, 4}, or a k the encoder cannot tile onto the image.
  case unsupportedQueryCount(String)
  /// A parity model (or learned encoder/decoder) whose architecture or input shape does not fit
  /// the base model.
  case mismatchedArchitecture(String)
  /// Inputs or data of the wrong size or kind.
  case invalidInput(String)
  /// A weight file or data set that cannot be used.
  case network(NetworkError)
  /// The coding layer refused (LeTCC/BACC comparison schemes).
  case coding(CodingError)

  public var description: String {
    switch self {
    case .unsupportedQueryCount(let message): return message
    case .mismatchedArchitecture(let message): return "parity model does not match: \(message)"
    case .invalidInput(let message): return message
    case .network(let error): return error.description
    case .coding(let error): return error.description
    }
  }
}
