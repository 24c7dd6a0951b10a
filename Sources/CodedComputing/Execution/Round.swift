/// One round of coded computation: a task per worker, a stopping rule and a deadline.
///
/// Worker n's task is input row n of `inputs` and the workload `workloads[assignment[n]]`: most
/// codes run the same f everywhere (one workload, ``init(inputs:workload:stoppingRule:deadline:injectedDelays:)``);
/// parity models run a learned parity network on the parity worker
/// (``init(inputs:workloads:assignment:stoppingRule:deadline:injectedDelays:)``). Every workload of a
/// round must give the same output dimension m for the inputs' dimension d.
///
/// The pool stops the round at the first arrived set that satisfies `stoppingRule`, or at the
/// `deadline`, and cancels the rest. `injectedDelays` emulate worker latencies: worker n starts no
/// earlier than its delay after the start of the round (an in-process pool waits on a timer; a
/// distributed pool has the worker sleep).
///
/// ```swift
/// let round = Round(inputs: coded, workload: BuiltinFunction.sigmoid, stoppingRule: .count(n - s),
///                   deadline: .seconds(2))
/// let outcome = try await InProcessWorkerPool().run(round)
/// ```
public struct Round: Sendable {
  /// N × d, row n for worker n.
  public var inputs: Matrix
  /// The functions workers compute (at least one).
  public var workloads: [any Workload]
  /// N indices into `workloads`, one per worker.
  public var assignment: [Int]
  public var stoppingRule: StoppingRule
  /// The longest to wait from the start of the round, or nil.
  public var deadline: Duration?
  /// N emulated latencies (none negative), or nil for none.
  public var injectedDelays: [Duration]?

  /// A round where every worker computes `workload`.
  public init(
    inputs: Matrix, workload: any Workload, stoppingRule: StoppingRule, deadline: Duration? = nil,
    injectedDelays: [Duration]? = nil
  ) {
    self.init(
      inputs: inputs, workloads: [workload], assignment: Array(repeating: 0, count: inputs.rows),
      stoppingRule: stoppingRule, deadline: deadline, injectedDelays: injectedDelays)
  }

  /// A round where worker n computes `workloads[assignment[n]]`.
  public init(
    inputs: Matrix, workloads: [any Workload], assignment: [Int], stoppingRule: StoppingRule,
    deadline: Duration? = nil, injectedDelays: [Duration]? = nil
  ) {
    self.inputs = inputs
    self.workloads = workloads
    self.assignment = assignment
    self.stoppingRule = stoppingRule
    self.deadline = deadline
    self.injectedDelays = injectedDelays
  }

  /// N, the number of workers.
  public var workerCount: Int { inputs.rows }

  /// The function worker n computes.
  public func workload(ofWorker n: Int) -> any Workload { workloads[assignment[n]] }

  /// Checks the round's shape and returns m, the common output dimension.
  /// - Throws: ``PoolError/invalidRound(_:)`` for an empty round, a bad assignment, delays of the
  ///   wrong count or sign, or workloads that disagree on m; ``PoolError/quorumNotReached(quorum:answered:failures:)``
  ///   (or ``PoolError/stoppingRuleNotMet(rule:answered:failures:)``) when a workload rejects the
  ///   input dimension, since every worker would fail.
  public func validate() throws(PoolError) -> Int {
    let n = workerCount
    guard n >= 1 else { throw .invalidRound("a round needs at least one worker") }
    guard !workloads.isEmpty else { throw .invalidRound("a round needs at least one workload") }
    guard assignment.count == n, assignment.allSatisfy({ $0 >= 0 && $0 < workloads.count }) else {
      throw .invalidRound(
        "the assignment must give each of the \(n) workers one of the \(workloads.count) workloads")
    }
    if let quorum = stoppingRule.quorum, quorum < 1 || quorum > n {
      throw .invalidQuorum(quorum: quorum, workers: n)
    }
    if let delays = injectedDelays {
      guard delays.count == n, delays.allSatisfy({ $0 >= .zero }) else {
        throw .invalidRound(
          "\(delays.count) injected delays for \(n) workers (none may be negative)")
      }
    }
    var dimensions: [Int] = []
    for workload in workloads {
      do {
        dimensions.append(try workload.outputDimension(inputDimension: inputs.columns))
      } catch {
        throw stoppingRule.unmet(answered: 0, failures: n)
      }
    }
    guard let m = dimensions.first, dimensions.allSatisfy({ $0 == m }) else {
      throw .invalidRound(
        "the workloads of one round must agree on the output dimension, got \(dimensions)")
    }
    return m
  }

  /// Checks that every workload can be rebuilt in another process.
  /// - Throws: ``PoolError/workloadNotSerialisable(_:)`` naming the first that cannot.
  public func requireDescriptors() throws(PoolError) {
    for workload in workloads where workload.descriptor == nil {
      throw .workloadNotSerialisable(workload.name)
    }
  }
}

extension StoppingRule {
  /// The error for a round that ended without the rule holding.
  func unmet(answered: Int, failures: Int) -> PoolError {
    if let quorum {
      return .quorumNotReached(quorum: quorum, answered: answered, failures: failures)
    }
    return .stoppingRuleNotMet(rule: description, answered: answered, failures: failures)
  }
}
