/// How the workers of a coded-gradient round straggle: emulated latencies on the pool, simulated
/// absent workers, and when the master stops waiting.
///
/// ```swift
/// let setting = StragglerSetting(latency: .exponential(rate: 1), timeUnit: 0.001)
/// var generator = SplitMix64(seed: 7)
/// let estimate = try await estimator.estimate(f, at: x, pool: pool, setting: setting,
///                                             using: &generator)
/// ```
public struct StragglerSetting: Sendable {
  /// The law of one worker's emulated latency (units of `timeUnit` seconds), or nil for none.
  public var latency: LatencyModel?
  /// Seconds per unit of the law.
  public var timeUnit: Double
  /// Workers per block that never answer (drawn uniformly, afresh every round).
  public var absentPerBlock: Int
  /// Stop after this many answers per round even if the code cannot decode, or nil (all present).
  public var quorum: Int?
  /// Stop at the first answer after this many seconds, or nil.
  public var deadline: Double?

  public init(
    latency: LatencyModel? = nil, timeUnit: Double = 0.001, absentPerBlock: Int = 0,
    quorum: Int? = nil, deadline: Double? = nil
  ) {
    self.latency = latency
    self.timeUnit = timeUnit
    self.absentPerBlock = absentPerBlock
    self.quorum = quorum
    self.deadline = deadline
  }

  /// One round's draws: delays for the N·B workers and the absent set.
  public func draw(
    for estimator: CodedGradientEstimator, using generator: inout some RandomNumberGenerator
  ) -> (delays: [Duration]?, absent: Set<Int>) {
    let total = estimator.workerCount
    let delays = latency.map { law in
      law.sample(count: total, using: &generator).map {
        Duration.seconds(Swift.min(Swift.max($0 * timeUnit, 0), 1e6))
      }
    }
    var absent = Set<Int>()
    let n = estimator.blockWorkers
    let s = Swift.min(absentPerBlock, n)
    if s > 0 {
      for b in 0..<estimator.blockCount {
        var order = Array(0..<n)
        for i in 0..<s {
          let j = i + Int(generator.next() % UInt64(n - i))
          order.swapAt(i, j)
          absent.insert(b * n + order[i])
        }
      }
    }
    return (delays, absent)
  }
}

extension CodedGradientEstimator {
  /// One round under a straggler setting (fresh draws from `generator`).
  /// - Throws: what ``estimate(_:at:pool:injectedDelays:absentWorkers:quorum:deadline:requireDecoded:)`` throws.
  public func estimate(
    _ function: any Workload, at x: [Double], pool: some WorkerPool, setting: StragglerSetting,
    requireDecoded: Bool = false, using generator: inout some RandomNumberGenerator
  ) async throws(GradientEstimationError) -> GradientEstimate {
    let (delays, absent) = setting.draw(for: self, using: &generator)
    return try await estimate(
      function, at: x, pool: pool, injectedDelays: delays, absentWorkers: absent,
      quorum: setting.quorum, deadline: setting.deadline.map { .seconds($0) },
      requireDecoded: requireDecoded)
  }
}
