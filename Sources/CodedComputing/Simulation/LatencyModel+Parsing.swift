/// What is wrong with a latency model given on the command line or built in code.
public enum LatencyModelError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The text before `:` is not a model name.
  case unknownModel(String, known: [String])
  /// The model got the wrong number of numeric parameters.
  case wrongParameterCount(model: String, expected: Int, actual: Int, usage: String)
  /// A token that should be a number is not one.
  case invalidNumber(model: String, parameter: String, token: String)
  /// A number is outside its range.
  case outOfRange(model: String, parameter: String, value: Double, requirement: String)
  /// A token of a `slow-set` worker list is not a non-negative integer.
  case invalidWorkerIndex(model: String, token: String)
  /// A `slow-set` names a worker that does not exist.
  case slowWorkerOutOfRange(worker: Int, workers: Int)
  /// A `slow-set` without the `@` between the worker list and the times.
  case missingSlowSetTimes(String)

  public var description: String {
    switch self {
    case .unknownModel(let name, let known):
      return "unknown latency model '\(name)' (known: \(known.joined(separator: ", ")))"
    case .wrongParameterCount(let model, let expected, let actual, let usage):
      return "latency model '\(model)' takes \(expected) parameter\(expected == 1 ? "" : "s"), "
        + "got \(actual) (usage: \(usage))"
    case .invalidNumber(let model, let parameter, let token):
      return "invalid \(parameter) '\(token)' in latency model '\(model)': not a number"
    case .outOfRange(let model, let parameter, let value, let requirement):
      return "invalid \(parameter) \(value) in latency model '\(model)': must be \(requirement)"
    case .invalidWorkerIndex(let model, let token):
      return "invalid worker index '\(token)' in latency model '\(model)': "
        + "must be an integer ≥ 0"
    case .slowWorkerOutOfRange(let worker, let workers):
      return "slow worker \(worker) does not exist: there are \(workers) workers (0…\(workers - 1))"
    case .missingSlowSetTimes(let text):
      return "latency model '\(text)' lacks '@FAST,SLOW' (usage: slow-set:I,J,...@FAST,SLOW)"
    }
  }
}

extension LatencyModel {
  static let _usage: [String: String] = [
    "constant": "constant:SECONDS",
    "exponential": "exponential:RATE",
    "shifted-exponential": "shifted-exponential:SHIFT,RATE",
    "pareto": "pareto:SCALE,SHAPE",
    "slow-set": "slow-set:I,J,...@FAST,SLOW",
  ]

  /// Parses the CLI form `name:parameters` (grammar in ``LatencyModel``), e.g. `exponential:1`,
  /// `shifted-exponential:0.5,2`, `pareto:1,2.5`, `slow-set:0,3,7@1,10`, `constant:0.1`.
  ///
  /// - Parameter text: the model; spaces around tokens are ignored.
  /// - Throws: ``LatencyModelError`` naming the bad token: an unknown model name, a wrong number
  ///   of parameters, a token that is not a number or worker index, or a value out of range.
  ///   Worker indices are checked against N later, by ``validate(workerCount:)``.
  /// - Complexity: O(length of `text`).
  public init(parsing text: String) throws(LatencyModelError) {
    let trimmed = text._trimmed
    let (rawName, rest) = trimmed._split(at: ":")
    let name = rawName._trimmed
    guard let usage = Self._usage[name] else {
      throw .unknownModel(name, known: Self.names)
    }
    let parameters = rest ?? ""

    func numbers(_ text: String, labels: [String]) throws(LatencyModelError) -> [Double] {
      let tokens = text._trimmed.isEmpty ? [] : text._fields(separatedBy: ",")
      guard tokens.count == labels.count else {
        throw .wrongParameterCount(
          model: name, expected: labels.count, actual: tokens.count, usage: usage)
      }
      var values: [Double] = []
      for (token, label) in zip(tokens, labels) {
        guard let value = Double(token), !token.isEmpty else {
          throw .invalidNumber(model: name, parameter: label, token: token)
        }
        values.append(value)
      }
      return values
    }

    let model: LatencyModel
    switch name {
    case "constant":
      model = .constant(try numbers(parameters, labels: ["time"])[0])
    case "exponential":
      model = .exponential(rate: try numbers(parameters, labels: ["rate"])[0])
    case "shifted-exponential":
      let values = try numbers(parameters, labels: ["shift", "rate"])
      model = .shiftedExponential(shift: values[0], rate: values[1])
    case "pareto":
      let values = try numbers(parameters, labels: ["scale", "shape"])
      model = .pareto(scale: values[0], shape: values[1])
    default:  // "slow-set"
      let (list, times) = parameters._split(at: "@")
      guard let times else { throw .missingSlowSetTimes(trimmed) }
      var slowWorkers: Set<Int> = []
      if !list._trimmed.isEmpty {
        for token in list._fields(separatedBy: ",") {
          guard let worker = Int(token), worker >= 0 else {
            throw .invalidWorkerIndex(model: name, token: token)
          }
          slowWorkers.insert(worker)
        }
      }
      let values = try numbers(times, labels: ["fast", "slow"])
      model = .fixedSlowSet(slowWorkers: slowWorkers, fast: values[0], slow: values[1])
    }
    try model.validate()
    self = model
  }
}

extension String {
  fileprivate var _trimmed: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }

  /// The parts before and after the first `separator`; nil after when it is absent.
  fileprivate func _split(at separator: Character) -> (String, String?) {
    guard let index = firstIndex(of: separator) else { return (self, nil) }
    return (String(self[..<index]), String(self[self.index(after: index)...]))
  }

  /// Trimmed fields, keeping empty ones (so `1,,2` reports the empty token).
  fileprivate func _fields(separatedBy separator: Character) -> [String] {
    split(separator: separator, omittingEmptySubsequences: false).map { String($0)._trimmed }
  }
}
