import Foundation

extension StragglerModel {
  /// The model names as the CLI spells them.
  public static let names = [
    "none", "random", "worst-window", "probabilistic", "latency", "arrival", "fixed",
  ]

  /// Parses a model by name with the parameters some models need.
  ///
  /// ```swift
  /// let model = try StragglerModel(parsing: "latency", latency: "exponential:1")
  /// ```
  /// - Parameters:
  ///   - name: one of ``names``.
  ///   - probability: p for `probabilistic`, in [0, 1).
  ///   - latency: a ``LatencyModel`` in its text form, for `latency` and `arrival`.
  ///   - set: comma-separated worker indices for `fixed` (empty: nobody straggles).
  /// - Throws: ``CodingError/invalidParameter(_:)`` naming the missing or bad parameter (with the
  ///   CLI's option name) or the unknown model.
  public init(
    parsing name: String, probability: Double? = nil, latency: String? = nil, set: String? = nil
  ) throws(CodingError) {
    switch name {
    case "none": self = .none
    case "random": self = .random
    case "worst-window": self = .worstWindow
    case "probabilistic":
      guard let p = probability else {
        throw .invalidParameter("--straggler-model probabilistic needs --straggle-probability P")
      }
      guard p >= 0, p < 1 else {
        throw .invalidParameter("--straggle-probability must be in [0, 1), got \(p)")
      }
      self = .probabilistic(p)
    case "latency", "arrival":
      guard let latency else {
        throw .invalidParameter(
          "--straggler-model \(name) needs --latency MODEL (e.g. exponential:200 for a 5 ms mean)")
      }
      let model: LatencyModel
      do { model = try LatencyModel(parsing: latency) } catch {
        throw .invalidParameter(error.description)
      }
      self = name == "latency" ? .latency(model) : .arrival(model)
    case "fixed":
      guard let set else {
        throw .invalidParameter("--straggler-model fixed needs --straggler-set W1,W2,...")
      }
      var workers: [Int] = []
      for item in set.split(separator: ",", omittingEmptySubsequences: false) where !set.isEmpty {
        let text = item.trimmingCharacters(in: .whitespaces)
        guard let worker = Int(text) else {
          throw .invalidParameter("--straggler-set: '\(text)' is not an integer (in '\(set)')")
        }
        workers.append(worker)
      }
      self = .fixed(workers)
    default:
      throw .invalidParameter(
        "unknown straggler model '\(name)' (known: \(Self.names.joined(separator: ", ")))")
    }
  }
}
