import Foundation

/// A model of worker run times, in seconds, for latency-driven straggling.
///
/// Grammar (CLI `--latency`): `constant:T`, `exponential:RATE`, `shifted-exponential:SHIFT,RATE`,
/// `pareto:SCALE,SHAPE`, `slow-set:W1,W2,...@FAST,SLOW` (the listed workers take SLOW seconds, the
/// others FAST).
public enum LatencyModel: Sendable, Equatable, CustomStringConvertible {
  case constant(Double)
  case exponential(rate: Double)
  case shiftedExponential(shift: Double, rate: Double)
  case pareto(scale: Double, shape: Double)
  case slowSet(workers: [Int], fast: Double, slow: Double)

  public var description: String {
    switch self {
    case .constant(let t): return "constant:\(t)"
    case .exponential(let rate): return "exponential:\(rate)"
    case .shiftedExponential(let shift, let rate): return "shifted-exponential:\(shift),\(rate)"
    case .pareto(let scale, let shape): return "pareto:\(scale),\(shape)"
    case .slowSet(let workers, let fast, let slow):
      return "slow-set:\(workers.map(String.init).joined(separator: ","))@\(fast),\(slow)"
    }
  }

  /// Parses the grammar above.
  /// - Throws: ``CodingError/invalidParameter(_:)`` naming the bad token.
  public init(parsing text: String) throws(CodingError) {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    guard parts.count == 2 else {
      throw .invalidParameter("latency model '\(text)' must look like NAME:PARAMETERS, e.g. exponential:1")
    }
    func numbers(_ s: String, _ count: Int) throws(CodingError) -> [Double] {
      let values = s.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard values.count == count, values.allSatisfy({ $0 != nil && $0!.isFinite && $0! > 0 }) else {
        throw .invalidParameter(
          "latency model '\(text)': expected \(count) positive number(s) after '\(parts[0]):', got '\(s)'")
      }
      return values.map { $0 ?? 0 }
    }
    switch parts[0] {
    case "constant": self = .constant(try numbers(parts[1], 1)[0])
    case "exponential": self = .exponential(rate: try numbers(parts[1], 1)[0])
    case "shifted-exponential":
      let v = try numbers(parts[1], 2)
      self = .shiftedExponential(shift: v[0], rate: v[1])
    case "pareto":
      let v = try numbers(parts[1], 2)
      self = .pareto(scale: v[0], shape: v[1])
    case "slow-set":
      let halves = parts[1].split(separator: "@").map(String.init)
      guard halves.count == 2 else {
        throw .invalidParameter("latency model '\(text)': expected slow-set:W1,W2,...@FAST,SLOW")
      }
      var workers: [Int] = []
      for token in halves[0].split(separator: ",") {
        guard let w = Int(token), w >= 0 else {
          throw .invalidParameter("latency model '\(text)': '\(token)' is not a worker index")
        }
        workers.append(w)
      }
      let v = try numbers(halves[1], 2)
      self = .slowSet(workers: workers, fast: v[0], slow: v[1])
    default:
      throw .invalidParameter(
        "unknown latency model '\(parts[0])' (known: constant, exponential, shifted-exponential, pareto, slow-set)")
    }
  }

  /// Run times of `count` workers.
  public func sample(count: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
    (0..<count).map { n in
      switch self {
      case .constant(let t): return t
      case .exponential(let rate):
        return -_log(1 - Double.random(in: 0..<1, using: &generator)) / rate
      case .shiftedExponential(let shift, let rate):
        return shift - _log(1 - Double.random(in: 0..<1, using: &generator)) / rate
      case .pareto(let scale, let shape):
        return scale / pow(1 - Double.random(in: 0..<1, using: &generator), 1 / shape)
      case .slowSet(let workers, let fast, let slow):
        return workers.contains(n) ? slow : fast
      }
    }
  }
}
