/// A streaming round: every worker produces results one after another until the master stops
/// the round (rateless codes such as LT codes: each result is one encoded symbol).
///
/// Worker n's k-th result is `producer.produce(worker: n, index: k)`; nil means worker n has
/// nothing more. The pool delivers results to the master's consumer one at a time in true
/// arrival order, and after the consumer says ``StreamDecision/stop`` every worker stops within
/// the result it is computing. The stream also ends at the deadline, when every worker has
/// produced `maximumResultsPerWorker` results, or when every worker is exhausted or failed — so
/// one of `deadline` and `maximumResultsPerWorker` must be set.
///
/// ```swift
/// let symbols = ClosureStreamProducer { worker, index in [Double(worker), Double(index)] }
/// let round = StreamingRound(workers: 8, producer: symbols, maximumResultsPerWorker: 500)
/// let (outcome, received) = try await pool.stream(round, initialState: [StreamedResult]()) {
///   received, result in
///   received.append(result)  // a rateless decoder would add the symbol and stop once it decodes
///   return received.count >= 20 ? .stop : .continue
/// }
/// ```
public struct StreamingRound: Sendable {
  /// N, the number of workers.
  public var workers: Int
  public var producer: any StreamProducer
  /// The longest the stream may run, from its start, or nil.
  public var deadline: Duration?
  /// At most this many results per worker, or nil for no limit.
  public var maximumResultsPerWorker: Int?
  /// N emulated start-up latencies (none negative), or nil.
  public var injectedDelays: [Duration]?

  public init(
    workers: Int, producer: any StreamProducer, deadline: Duration? = nil,
    maximumResultsPerWorker: Int? = nil, injectedDelays: [Duration]? = nil
  ) {
    self.workers = workers
    self.producer = producer
    self.deadline = deadline
    self.maximumResultsPerWorker = maximumResultsPerWorker
    self.injectedDelays = injectedDelays
  }

  /// Checks the round.
  /// - Throws: ``PoolError/invalidRound(_:)`` for no workers, no bound on the stream, a negative
  ///   limit, or delays of the wrong count or sign.
  public func validate() throws(PoolError) {
    guard workers >= 1 else { throw .invalidRound("a streaming round needs at least one worker") }
    guard deadline != nil || maximumResultsPerWorker != nil else {
      throw .invalidRound(
        "a streaming round needs a deadline or a maximum number of results per worker")
    }
    if let limit = maximumResultsPerWorker, limit < 1 {
      throw .invalidRound("the maximum number of results per worker must be >= 1, got \(limit)")
    }
    if let delays = injectedDelays {
      guard delays.count == workers, delays.allSatisfy({ $0 >= .zero }) else {
        throw .invalidRound(
          "\(delays.count) injected delays for \(workers) workers (none may be negative)")
      }
    }
  }
}

/// What a streaming worker computes: its k-th result.
public protocol StreamProducer: Sendable {
  /// Worker `worker`'s result number `index` (0, 1, …), or nil when it has no more.
  func produce(worker: Int, index: Int) throws -> [Double]?
  /// A serialisable description for pools of other processes; nil when in-process only.
  var descriptor: WorkloadDescriptor? { get }
}

extension StreamProducer {
  public var descriptor: WorkloadDescriptor? { nil }
}

/// A stream producer from a closure (in-process pools only).
public struct ClosureStreamProducer: StreamProducer {
  let _body: @Sendable (Int, Int) throws -> [Double]?

  public init(_ body: @escaping @Sendable (_ worker: Int, _ index: Int) throws -> [Double]?) {
    _body = body
  }

  public func produce(worker: Int, index: Int) throws -> [Double]? { try _body(worker, index) }
}

/// One result of a streaming round, as the master receives it.
public struct StreamedResult: Sendable {
  public var worker: Int
  /// Which of the worker's results (0, 1, …).
  public var index: Int
  public var values: [Double]
  /// Seconds from the start of the stream.
  public var seconds: Double

  public init(worker: Int, index: Int, values: [Double], seconds: Double) {
    self.worker = worker
    self.index = index
    self.values = values
    self.seconds = seconds
  }
}

/// The consumer's answer to each result.
public enum StreamDecision: Sendable, Equatable {
  case `continue`
  case stop
}

/// How a streaming round ended.
public struct StreamOutcome: Sendable {
  public enum Ending: Sendable, Equatable {
    /// The consumer said stop.
    case stopped
    /// The deadline passed first.
    case deadline
    /// Every worker was exhausted, failed or reached its limit.
    case exhausted
    /// The caller's task was cancelled.
    case cancelled
  }

  public var ending: Ending
  /// Results delivered to the consumer, in total.
  public var delivered: Int
  /// Results delivered per worker.
  public var resultsPerWorker: [Int]
  /// Workers that threw (with the message) or produced a result of another length than the first.
  public var failures: [Int: String]
  /// Seconds from the start to the end of the stream.
  public var seconds: Double

  public init(
    ending: Ending, delivered: Int, resultsPerWorker: [Int], failures: [Int: String],
    seconds: Double
  ) {
    self.ending = ending
    self.delivered = delivered
    self.resultsPerWorker = resultsPerWorker
    self.failures = failures
    self.seconds = seconds
  }
}
