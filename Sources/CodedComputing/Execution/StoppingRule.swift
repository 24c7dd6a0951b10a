/// When a round of workers may stop: a predicate over the set of workers whose results arrived.
///
/// The pool asks the rule after every arrival and stops the round — cancelling the workers still
/// running — the first time it holds. The usual rule is a count (the N − S fastest, ``count(_:)``);
/// codes whose decodability depends on *which* workers answered (polar codes, LT codes, a toy code
/// in the tests) stop at the first decodable set with ``decodable(by:)``.
///
/// A rule must be *monotone*: if it holds for a set, it holds for every superset. The pool relies
/// on this to give up early: when the rule fails even for "everything that arrived plus every
/// worker still running", no later arrival can satisfy it.
///
/// ```swift
/// let rule = StoppingRule.decodable(by: code)          // code.canDecode(from:) after each arrival
/// let outcome = try await pool.run(Round(inputs: coded, workload: f, stoppingRule: rule))
/// ```
public struct StoppingRule: Sendable, CustomStringConvertible {
  /// What the rule waits for, for messages ("8 results", "a set polar can decode").
  public let description: String
  /// No set with fewer members satisfies the rule (a cheap pre-check; 1 when unknown).
  public let minimumCount: Int
  /// The count a count rule waits for; nil for a set predicate.
  public let quorum: Int?
  let _predicate: @Sendable (_ received: [Bool], _ count: Int) -> Bool

  /// A rule from a monotone predicate over the received mask (`received[n]` is true when worker
  /// n's result arrived; `count` is how many are true).
  /// - Parameters:
  ///   - description: what the rule waits for, used in errors.
  ///   - minimumCount: a lower bound on the size of any set the predicate accepts (≥ 1).
  ///   - predicate: monotone in the set; called under the round's lock, so keep it O(N).
  public init(
    description: String, minimumCount: Int = 1,
    _ predicate: @escaping @Sendable (_ received: [Bool], _ count: Int) -> Bool
  ) {
    self.description = description
    self.minimumCount = Swift.max(1, minimumCount)
    quorum = nil
    _predicate = predicate
  }

  private init(quorum: Int) {
    description = "\(quorum) results"
    minimumCount = Swift.max(1, quorum)
    self.quorum = quorum
    _predicate = { _, count in count >= quorum }
  }

  /// Stop once `quorum` results have arrived (the N − S fastest).
  public static func count(_ quorum: Int) -> StoppingRule { StoppingRule(quorum: quorum) }

  /// Stop at the first arrived set from which `scheme` can decode (``CodingScheme/canDecode(from:)``).
  public static func decodable(by scheme: some CodingScheme) -> StoppingRule {
    guard scheme.decodabilityDependsOnSet else { return .count(scheme.minimumSurvivors) }
    return StoppingRule(
      description: "a set \(scheme.name) can decode", minimumCount: scheme.minimumSurvivors
    ) { received, _ in scheme.canDecode(from: received) }
  }

  /// Stop once at least `quorum` results arrived *and* `scheme` can decode from them: the count
  /// rule for codes with a count threshold (O(1) per arrival), the first decodable set of at least
  /// `quorum` for codes whose decodability depends on the set.
  public static func arrivals(atLeast quorum: Int, decodableBy scheme: some CodingScheme)
    -> StoppingRule
  {
    guard scheme.decodabilityDependsOnSet else {
      return .count(Swift.max(quorum, scheme.minimumSurvivors))
    }
    return StoppingRule(
      description: "\(quorum) results from which \(scheme.name) can decode",
      minimumCount: Swift.max(quorum, scheme.minimumSurvivors)
    ) { received, _ in scheme.canDecode(from: received) }
  }

  /// Whether the rule holds for a received mask with `count` members.
  public func isSatisfied(by received: [Bool], count: Int) -> Bool {
    count >= minimumCount && _predicate(received, count)
  }

  /// Whether the rule holds for a received mask.
  public func isSatisfied(by received: [Bool]) -> Bool {
    isSatisfied(by: received, count: received.reduce(0) { $0 + ($1 ? 1 : 0) })
  }

  /// Whether the rule can still hold once every worker not in `failed` has answered.
  /// - Complexity: O(1) for a count rule, one predicate call (O(N)) otherwise.
  func isReachable(failed: [Bool], failures: Int) -> Bool {
    let possible = failed.count - failures
    if quorum != nil { return isSatisfied(by: [], count: possible) }
    return isSatisfied(by: failed.map { !$0 }, count: possible)
  }
}
