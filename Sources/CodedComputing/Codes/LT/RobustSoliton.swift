import Foundation

/// The Robust Soliton degree distribution RS(m, c, δ) of LT codes (Luby 2002).
///
/// With S = c·ln(m/δ)·√m and the spike R = round(m/S) (at least 1):
///
///     ρ(1) = 1/m,   ρ(d) = 1/(d(d−1))          d = 2…m        (ideal Soliton)
///     τ(d) = 1/(dR)                           d = 1…R−1
///     τ(R) = ln(S/δ)/R
///     μ(d) = (ρ(d) + τ(d)) / Σ_d (ρ(d) + τ(d))
///
/// exactly as written in Guides/LTCodes.md and in Mallick, Smith & Joshi (SIGMETRICS 2020;
/// ISTC 2021), whose experiments use c = 0.03, δ = 0.5 (the defaults). Two corner cases of small m are
/// resolved as follows (neither arises for the papers' m = 500 or 1 000, where R = 108 and 139):
/// when R > m the spike lies outside 1…m and is dropped (τ(d) = 1/(dR) for every d ≤ m); when
/// S ≤ δ the spike weight ln(S/δ)/R would be ≤ 0 and is taken as 0.
///
/// Degrees are drawn in O(1) from an alias table (Walker 1977; Vose 1991) built in O(m).
///
/// ```swift
/// let soliton = try RobustSoliton(sourceCount: 1000)      // c = 0.03, δ = 0.5
/// var generator = SplitMix64(seed: 1)
/// let d = soliton.sampleDegree(using: &generator)          // 1…1000
/// ```
public struct RobustSoliton: Sendable, Hashable {
  /// m, the number of sources; degrees range over 1…m.
  public let sourceCount: Int
  /// c, the constant of S.
  public let c: Double
  /// δ, the failure-probability parameter of S.
  public let delta: Double
  /// S = c·ln(m/δ)·√m, the expected ripple size.
  public let rippleSize: Double
  /// R = round(m/S), at least 1: the degree of the spike (may exceed m for small m).
  public let spike: Int
  /// μ(d) for d = 1…m, at index d − 1; sums to 1.
  public let probabilities: [Double]
  /// The normaliser β = Σ_d (ρ(d) + τ(d)).
  public let normalizer: Double
  let _table: _AliasTable

  /// Builds RS(m, c, δ) and its alias table.
  ///
  /// - Parameters:
  ///   - sourceCount: m ≥ 1 (at most 2³¹ − 1).
  ///   - c: the constant c > 0 (finite); default 0.03 as in Mallick, Smith & Joshi.
  ///   - delta: δ in (0, 1); default 0.5.
  /// - Throws: ``LTError/invalidParameter(name:value:requirement:)`` naming the first bad value.
  /// - Complexity: O(m) time and memory.
  public init(sourceCount: Int, c: Double = 0.03, delta: Double = 0.5) throws(LTError) {
    guard sourceCount >= 1, sourceCount <= Int(Int32.max) else {
      throw .invalidParameter(
        name: "number of sources m", value: "\(sourceCount)", requirement: "in 1…\(Int32.max)")
    }
    guard c > 0, c.isFinite else {
      throw .invalidParameter(name: "c", value: "\(c)", requirement: "a finite number > 0")
    }
    guard delta > 0, delta < 1 else {
      throw .invalidParameter(name: "delta", value: "\(delta)", requirement: "in (0, 1)")
    }
    let m = sourceCount
    let s = c * Foundation.log(Double(m) / delta) * Double(m).squareRoot()
    // m/S is finite and positive; the cap only keeps Int(_) defined for absurdly small c.
    let r = Swift.max(1, Int(Swift.min((Double(m) / s).rounded(), 1e15)))
    var weights = [Double](repeating: 0, count: m)
    weights[0] = 1 / Double(m)
    if m >= 2 {
      for d in 2...m { weights[d - 1] = 1 / (Double(d) * Double(d - 1)) }
    }
    if r >= 2 {
      for d in 1...Swift.min(r - 1, m) { weights[d - 1] += 1 / (Double(d) * Double(r)) }
    }
    if r <= m {
      weights[r - 1] += Swift.max(0, Foundation.log(s / delta)) / Double(r)
    }
    let total = weights.reduce(0, +)
    self.sourceCount = m
    self.c = c
    self.delta = delta
    rippleSize = s
    spike = r
    normalizer = total
    probabilities = weights.map { $0 / total }
    _table = _AliasTable(weights: weights)
  }

  /// μ(d), the probability of degree d (0 outside 1…m).
  public func probability(ofDegree degree: Int) -> Double {
    degree >= 1 && degree <= sourceCount ? probabilities[degree - 1] : 0
  }

  /// The mean degree Σ d·μ(d): the expected number of sources per symbol.
  ///
  /// - Complexity: O(m).
  public var meanDegree: Double {
    probabilities.enumerated().reduce(0) { $0 + Double($1.offset + 1) * $1.element }
  }

  /// One degree d ∈ 1…m drawn from μ.
  ///
  /// Uses exactly two draws of the generator (column and coin of the alias table, see
  /// ``uniformUnit(using:)``), so seeded streams are reproducible.
  /// - Parameter generator: the source of randomness (a seeded ``SplitMix64`` in experiments).
  /// - Returns: the degree.
  /// - Complexity: O(1).
  @inline(__always)
  public func sampleDegree(using generator: inout some RandomNumberGenerator) -> Int {
    _table.sample(using: &generator) + 1
  }
}
