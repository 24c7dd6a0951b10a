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
  /// Workers still running when the stopping rule held or the deadline passed; they were cancelled.
  public var cancelled: [Int]
  /// The answered workers in the order their results arrived, with the seconds from the start
  /// of the round.
  public var arrivals: [Arrival]

  public init(
    survivors: [Int], outputs: Matrix, durations: [Double?], failures: [Int: String],
    cancelled: [Int],
    arrivals: [Arrival] = []
  ) {
    self.survivors = survivors
    self.outputs = outputs
    self.durations = durations
    self.failures = failures
    self.cancelled = cancelled
    self.arrivals = arrivals
  }
}

/// One worker's result reaching the master.
public struct Arrival: Sendable, Equatable {
  public var worker: Int
  /// Seconds from the start of the round.
  public var seconds: Double

  public init(worker: Int, seconds: Double) {
    self.worker = worker
    self.seconds = seconds
  }
}

/// A failure of the pool itself (not of one worker, which is a straggler).
public enum PoolError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Fewer than `quorum` workers answered before the deadline (or all others failed).
  case quorumNotReached(quorum: Int, answered: Int, failures: Int)
  case invalidQuorum(quorum: Int, workers: Int)
  /// A set stopping rule (``StoppingRule/decodable(by:)``) did not hold by the deadline, or can no
  /// longer hold after the failures.
  case stoppingRuleNotMet(rule: String, answered: Int, failures: Int)
  /// The round is malformed (sizes, assignment, delays, workloads that disagree).
  case invalidRound(String)
  /// The pool runs workers in other processes and this workload cannot be sent there.
  case workloadNotSerialisable(String)
  /// The backend failed (a transport error, a world too small); the message says what.
  case backend(String)

  public var description: String {
    switch self {
    case .quorumNotReached(let quorum, let answered, let failures):
      return "only \(answered) workers answered (\(failures) failed); \(quorum) were needed"
    case .invalidQuorum(let quorum, let workers):
      return "quorum \(quorum) is not between 1 and the number of workers \(workers)"
    case .stoppingRuleNotMet(let rule, let answered, let failures):
      return "the round ended without \(rule): \(answered) workers answered, \(failures) failed"
    case .invalidRound(let message):
      return "invalid round: \(message)"
    case .workloadNotSerialisable(let name):
      return
        "the workload '\(name)' has no descriptor (a closure?), so it cannot run on a pool of other processes; use a built-in function, a model:PATH network or a registered workload kind"
    case .backend(let message):
      return message
    }
  }
}

/// Runs rounds of coded computation on workers: the seam every backend implements.
///
/// A pool runs each worker's task of a ``Round`` and returns as soon as the round's
/// ``StoppingRule`` holds for the arrived set (the N − S fastest, or the first set the code can
/// decode), or at the deadline, cancelling the rest. A worker that throws, answers with the wrong
/// number of values or a non-finite value, or dies, is reported in ``PoolOutcome/failures`` and
/// treated as a straggler, never as a failure of the master. A *streaming* round
/// (``stream(_:initialState:consume:)``) lets every worker emit results one after another until
/// the master says stop (rateless codes).
///
/// Backends: ``InProcessWorkerPool`` (threads, the default), ``SequentialWorkerPool`` (one after
/// another, a deterministic baseline), and the MPI pool of `CodedComputingMPI` (processes).
public protocol WorkerPool: Sendable {
  /// Whether workers run in other processes: then only workloads with a
  /// ``Workload/descriptor`` can run (``Round/requireDescriptors()``).
  var requiresDescriptors: Bool { get }

  /// Runs one round.
  /// - Throws: ``PoolError`` when the round is malformed or its stopping rule cannot be met.
  func run(_ round: Round) async throws(PoolError) -> PoolOutcome

  /// Runs a streaming round: `consume` sees every result in arrival order, with a state the
  /// pool keeps for it, and stops the round by returning ``StreamDecision/stop``.
  /// - Returns: how the stream ended and the consumer's final state.
  /// - Throws: ``PoolError`` when the round is malformed.
  func stream<State: Sendable>(
    _ round: StreamingRound, initialState: State,
    consume: @escaping @Sendable (inout State, StreamedResult) -> StreamDecision
  ) async throws(PoolError) -> (outcome: StreamOutcome, state: State)
}

extension WorkerPool {
  /// Workers share the master's process unless a pool says otherwise.
  public var requiresDescriptors: Bool { false }

  /// Runs `workload` on every row of `inputs` and returns once `quorum` results arrived: a round
  /// with the count rule.
  public func run(inputs: Matrix, workload: any Workload, quorum: Int, deadline: Duration?)
    async throws(PoolError) -> PoolOutcome
  {
    try await run(
      Round(inputs: inputs, workload: workload, stoppingRule: .count(quorum), deadline: deadline))
  }
}
