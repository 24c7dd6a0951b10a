/// What a pool of workers returned for one round of coded computation.
public struct PoolOutcome: Sendable {
  /// The workers whose results arrived in time, ascending.
  public var survivors: [Int]
  /// Their results, one row per survivor in `survivors` order (|T| × m).
  public var outputs: Matrix
  /// Wall time in seconds of each worker that finished (answered or threw); nil if cancelled.
  public var durations: [Double?]
  /// Workers whose computation threw, with the error's description. They count as stragglers.
  public var failures: [Int: String]
  /// Workers still running when the quorum was reached or the deadline passed; they were cancelled.
  public var cancelled: [Int]

  public init(
    survivors: [Int], outputs: Matrix, durations: [Double?], failures: [Int: String], cancelled: [Int]
  ) {
    self.survivors = survivors
    self.outputs = outputs
    self.durations = durations
    self.failures = failures
    self.cancelled = cancelled
  }
}

/// A failure of the pool itself (not of one worker, which is a straggler).
public enum PoolError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Fewer than `quorum` workers answered before the deadline (or all others failed).
  case quorumNotReached(quorum: Int, answered: Int, failures: Int)
  case invalidQuorum(quorum: Int, workers: Int)

  public var description: String {
    switch self {
    case .quorumNotReached(let quorum, let answered, let failures):
      return "only \(answered) workers answered (\(failures) failed); \(quorum) were needed"
    case .invalidQuorum(let quorum, let workers):
      return "quorum \(quorum) is not between 1 and the number of workers \(workers)"
    }
  }
}

/// Runs one workload on N coded inputs, worker n getting row n.
///
/// A pool returns as soon as `quorum` results arrived (the N − S fastest), or when the deadline
/// passes with at least `quorum` results, and cancels the rest. A worker that throws is
/// reported in ``PoolOutcome/failures`` and treated as a straggler, never as a failure of the
/// master.
public protocol WorkerPool: Sendable {
  /// - Parameters:
  ///   - inputs: N × d, one coded input per worker.
  ///   - workload: f.
  ///   - quorum: how many results to wait for (1…N).
  ///   - deadline: the longest to wait, or nil to wait for the quorum however long it takes.
  /// - Throws: ``PoolError`` when the quorum cannot be reached.
  func run(inputs: Matrix, workload: any Workload, quorum: Int, deadline: Duration?)
    async throws(PoolError) -> PoolOutcome
}
