import Foundation

/// How a polar code chooses its K information positions among the virtual indices.
///
/// Every construction gives each virtual index a *score* — smaller is more reliable — and the code
/// keeps the K smallest (ties → smaller index). Scores follow the natural index order of
/// ``PolarCode`` (bit b, most significant first: 0 = minus, 1 = plus):
///
/// - ``bec(erasure:)``: the Bhattacharyya recursion of a binary erasure channel with erasure
///   probability ε per worker (Arıkan 2009, Proposition 5): z⁻ = 2z − z², z⁺ = z²; with
///   per-position values z_a, z_b it is z⁻ = z_a + z_b − z_a·z_b, z⁺ = z_a·z_b.
/// - ``deadline(seconds:)``: the same with ε_n = 1 − F_n(T), worker n's probability of missing
///   the deadline T under the latency law (heterogeneous laws give one ε per worker).
/// - ``mean``: the mean virtual run time ∫(1 − F_i) of ``PolarPolarization/exactMeans(workers:latency:)``
///   (Pilanci & Bartan 2019).
///
/// Shortened positions (n ≥ N when N is not a power of two) are known zeros: ε = 0, run time 0.
///
/// ```swift
/// let construction = try PolarConstruction(parsing: "deadline:1.5")
/// let code = try PolarCode(dataBlocks: 8, workers: 16, construction: construction,
///                          latency: .exponential(rate: 1))
/// ```
public enum PolarConstruction: Sendable, Hashable, CustomStringConvertible {
  /// Binary-erasure Bhattacharyya recursion from erasure probability ε ∈ (0, 1).
  case bec(erasure: Double)
  /// The BEC recursion with ε = 1 − F(T) from the latency law; T > 0.
  case deadline(seconds: Double)
  /// Mean virtual run time under the latency law.
  case mean

  /// Parses `bec:EPS`, `deadline:T` or `mean`.
  /// - Throws: ``CodingError/invalidParameter(_:)`` naming the bad text: an unknown construction,
  ///   a missing or non-numeric parameter, ε outside (0, 1), or T ≤ 0.
  public init(parsing text: String) throws(CodingError) {
    let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    func number(_ what: String) throws(CodingError) -> Double {
      guard parts.count == 2, let value = Double(parts[1]), value.isFinite else {
        throw .invalidParameter(
          "construction '\(text)': \(what) must be a number (usage: bec:EPS, deadline:T or mean)")
      }
      return value
    }
    switch parts[0] {
    case "bec":
      let erasure = try number("the erasure probability EPS")
      guard erasure > 0 && erasure < 1 else {
        throw .invalidParameter("construction '\(text)': EPS must be in (0, 1), got \(erasure)")
      }
      self = .bec(erasure: erasure)
    case "deadline":
      let seconds = try number("the deadline T")
      guard seconds > 0 else {
        throw .invalidParameter("construction '\(text)': the deadline must be > 0, got \(seconds)")
      }
      self = .deadline(seconds: seconds)
    case "mean":
      guard parts.count == 1 else {
        throw .invalidParameter("construction '\(text)': mean takes no parameter")
      }
      self = .mean
    default:
      throw .invalidParameter(
        "unknown construction '\(text)' (known: bec:EPS, deadline:T, mean)")
    }
  }

  public var description: String {
    switch self {
    case .bec(let erasure): return "bec:\(erasure)"
    case .deadline(let seconds): return "deadline:\(seconds)"
    case .mean: return "mean"
    }
  }

  /// The score of every virtual index 0..<L (L = 2^⌈log₂N⌉), natural order; smaller is better.
  ///
  /// - Parameters:
  ///   - workers: N ≥ 1.
  ///   - latency: the run-time law; required by ``deadline(seconds:)`` and ``mean``.
  /// - Returns: L scores: erasure probabilities (bec, deadline) or mean run times (mean).
  /// - Throws: ``CodingError/invalidParameter(_:)`` when the law is missing or invalid, or (mean)
  ///   when a virtual mean is infinite (Pareto with shape ≤ 1).
  /// - Complexity: O(L log L) for bec and deadline; that of
  ///   ``PolarPolarization/exactMeans(workers:latency:)`` for mean.
  public func scores(workers: Int, latency: LatencyModel?) throws(CodingError) -> [Double] {
    let length = PolarCode._codeLength(workers: workers)
    switch self {
    case .bec(let erasure):
      return Self._bhattacharyya(
        (0..<length).map { $0 < workers ? erasure : 0 })
    case .deadline(let seconds):
      let law = try Self._requireLaw(latency, workers: workers, construction: description)
      return Self._bhattacharyya(
        (0..<length).map { $0 < workers ? 1 - law.cumulativeProbability(seconds, worker: $0) : 0 })
    case .mean:
      let law = try Self._requireLaw(latency, workers: workers, construction: description)
      return try PolarPolarization.exactMeans(workers: workers, latency: law)
    }
  }

  /// The K indices in 0..<N with the smallest scores (ties → smaller index), ascending.
  public static func informationSet(scores: [Double], dataBlocks: Int, workers: Int) -> [Int] {
    precondition(dataBlocks >= 0 && dataBlocks <= workers && workers <= scores.count)
    let order = (0..<workers).sorted { a, b in
      scores[a] != scores[b] ? scores[a] < scores[b] : a < b
    }
    return order.prefix(dataBlocks).sorted()
  }

  /// The erasure recursion on per-position erasure probabilities.
  static func _bhattacharyya(_ erasures: [Double]) -> [Double] {
    var z = erasures
    _PolarButterfly.transform(&z) { a, b in (a + b - a * b, a * b) }
    return z
  }

  static func _requireLaw(_ latency: LatencyModel?, workers: Int, construction: String)
    throws(CodingError) -> LatencyModel
  {
    guard let latency else {
      throw .invalidParameter("construction '\(construction)' needs a latency law (--latency LAW)")
    }
    do { try latency.validate(workerCount: workers) } catch {
      throw .invalidParameter(error.description)
    }
    return latency
  }
}
