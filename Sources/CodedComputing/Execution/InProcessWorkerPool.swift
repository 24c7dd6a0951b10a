import Foundation

/// The default ``WorkerPool``: N workers run concurrently inside this process.
///
/// Worker n computes its workload on `inputs.row(n)`. ``run(_:)`` returns as soon as the round's
/// ``StoppingRule`` holds — for ``StoppingRule/count(_:)`` exactly the first `quorum` results, in
/// ``PoolOutcome/survivors`` (ascending); for ``StoppingRule/decodable(by:)`` the first arrived set
/// the code can decode — and stops the rest: queued computations are skipped and
/// delayed workers still waiting are dropped. A worker whose `evaluate` throws, or
/// returns the wrong number of values or a non-finite value, is a *failure*: recorded in
/// ``PoolOutcome/failures`` with a message and treated as a straggler, never a crash. When the
/// rule can no longer hold (the failures leave too few workers, or no decodable set) or the
/// deadline passes first, `run` throws at once — it never waits for workers that cannot help.
/// Streaming rounds (``stream(_:initialState:consume:)``) use the same threads and timer.
///
/// ```swift
/// let pool = InProcessWorkerPool()
/// let outcome = try await pool.run(
///   Round(inputs: coded, workload: BuiltinFunction.sin, stoppingRule: .count(n - s),
///         deadline: .seconds(2)))
/// // outcome.survivors, outcome.outputs (|T| × m), outcome.cancelled, outcome.durations
/// ```
///
/// ## Emulating stragglers
/// `injectedDelays` (or `latencies`, e.g. a ``LatencyModel`` sample) makes worker n wait until
/// its delay has passed, measured from the start of the round, before it computes. The wait is a
/// timed event on the round's timer thread, not a busy wait: it holds no compute thread, so delays
/// do not distort each other (worker n answers after about max(delay n, queueing) + its compute
/// time), and when the round ends first the event is dropped — a cancelled "slow" worker never
/// computes and costs nothing.
///
/// ## Design
/// - **Computations run on dedicated threads, not on Swift's cooperative pool.** `evaluate` is
///   synchronous and may be long (a network's forward pass) or never return. The cooperative
///   pool has one thread per core (two on a small machine); a few busy workers there would starve
///   the very code that must run on time — the master's resumption at the quorum and the
///   deadline. So each round starts `min(maxConcurrentWorkers, N)` threads that take the
///   computations in worker order; `maxConcurrentWorkers` (default: the number of active cores)
///   caps how many computations run at once.
/// - **Timers run on a dedicated thread too.** Delays and the deadline are events at fixed
///   instants on one timer thread per round (only when there are any). `Task.sleep` would be
///   woken on the cooperative pool, which CPU-bound code elsewhere in the process can hold for
///   seconds (observed: ~9 s while the full test suite ran network tests in parallel on two
///   cores); delays woken late and out of order would pick the wrong survivors. On its own
///   thread the emulated latencies keep their order whatever the rest of the process does.
/// - **The master never awaits a worker or a task.** Workers record their results into a
///   lock-protected round state; the result that reaches the quorum (or the failure that makes it
///   unreachable, or the deadline event, or cancellation of the caller's task) *freezes* the
///   round once and resumes the master's continuation. `run` then closes the timer (dropping
///   pending delayed workers), tells the compute threads to exit once their queue is drained
///   (queued workers of a frozen round are skipped), and builds the outcome from the frozen
///   state. There is no task group whose scope would have to wait for its children, so nothing
///   can hold `run` back. A late result is ignored; a cancelled worker has a nil duration.
/// - **Non-cooperative code cannot be preempted in-process.** A worker stuck in a busy loop (or
///   a long `evaluate`) keeps its thread until it returns; its result is then ignored. `run` still
///   returns at the quorum or the deadline — it does not wait for that thread — but the thread
///   keeps burning a core, and if it never returns it is leaked. Only a process or machine
///   boundary (a networked pool) can kill such a worker.
/// - Caller cancellation freezes the round like a deadline: `run` returns the outcome if the
///   quorum was already reached, else throws `quorumNotReached`.
/// - The only step that needs the cooperative pool is the master's own resumption after the
///   freeze, as for any `async` function.
///
/// The per-round overhead (thread start-up, one queue entry and one lock round-trip per worker)
/// is measured by `Benchmarks/PoolBenchmarks`.
public struct InProcessWorkerPool: WorkerPool {
  /// How many computations may run at once: the number of compute threads per round (≥ 1).
  /// Delayed workers that are still waiting do not count.
  public var maxConcurrentWorkers: Int
  /// An artificial delay per worker before it computes (N entries, none negative), or nil.
  /// Worker n computes no earlier than `injectedDelays[n]` after the start of the round.
  public var injectedDelays: [Duration]?
  /// Whether every round's workloads are rebuilt from their descriptors before they run, as a
  /// pool of other processes must (so closures are refused): the in-process rehearsal of a
  /// distributed run.
  public var requiresDescriptors: Bool

  /// - Parameters:
  ///   - maxConcurrentWorkers: the cap on concurrent computations; nil means the number of
  ///     active processor cores.
  ///   - injectedDelays: one delay per worker, applied before its computation; nil for none.
  ///   - requiresDescriptors: rebuild workloads from their descriptors (refusing closures).
  /// - Precondition: `maxConcurrentWorkers ≥ 1`; no delay is negative.
  public init(
    maxConcurrentWorkers: Int? = nil, injectedDelays: [Duration]? = nil,
    requiresDescriptors: Bool = false
  ) {
    let cap = maxConcurrentWorkers ?? ProcessInfo.processInfo.activeProcessorCount
    precondition(cap >= 1, "maxConcurrentWorkers must be at least 1, got \(cap)")
    if let injectedDelays {
      precondition(
        injectedDelays.allSatisfy { $0 >= .zero }, "injected delays must not be negative")
    }
    self.maxConcurrentWorkers = cap
    self.injectedDelays = injectedDelays
    self.requiresDescriptors = requiresDescriptors
  }

  /// A pool whose worker n waits `latencies[n]` seconds (from the start of the round) before
  /// computing.
  ///
  /// ```swift
  /// var generator = SplitMix64(seed: 3)
  /// let latencies = LatencyModel.shiftedExponential(shift: 0.01, rate: 50)
  ///   .sample(count: n, using: &generator)
  /// let pool = InProcessWorkerPool(latencies: latencies)
  /// ```
  /// - Parameters:
  ///   - maxConcurrentWorkers: as in ``init(maxConcurrentWorkers:injectedDelays:)``.
  ///   - latencies: seconds, ≥ 0 and not NaN; values above 10⁹ s (including +∞, which a
  ///     heavy-tailed model can produce) are clamped to 10⁹ s, i.e. "never".
  public init(maxConcurrentWorkers: Int? = nil, latencies: [Double]) {
    precondition(
      latencies.allSatisfy { $0 >= 0 }, "latencies must be non-negative numbers of seconds")
    self.init(
      maxConcurrentWorkers: maxConcurrentWorkers,
      injectedDelays: latencies.map { .seconds(Swift.min($0, 1e9)) })
  }

  /// Runs one round: worker n computes its workload on row n, and the round stops at the first
  /// arrived set that satisfies the stopping rule.
  ///
  /// - Parameter round: the tasks (N × d inputs, the workload of each worker), the stopping rule,
  ///   an optional deadline from the start of the call, and optional emulated latencies (the
  ///   round's `injectedDelays` take the place of the pool's).
  /// - Returns: every worker whose result arrived before the freeze (ascending; for a count rule
  ///   exactly `quorum`) with their outputs (|T| × m), the arrival order with times, each answered
  ///   or failed worker's time, the failures, and the cancelled workers (ascending; queued,
  ///   waiting out a delay or still computing at the freeze).
  /// - Throws: ``PoolError/invalidRound(_:)`` or ``PoolError/invalidQuorum(quorum:workers:)`` for
  ///   a malformed round; ``PoolError/workloadNotSerialisable(_:)`` when the pool rebuilds
  ///   workloads from descriptors and one has none; ``PoolError/quorumNotReached(quorum:answered:failures:)``
  ///   (count rules) or ``PoolError/stoppingRuleNotMet(rule:answered:failures:)`` (set rules)
  ///   when the failures make the rule unreachable, the deadline passes first, the caller's task
  ///   is cancelled first, or a workload rejects inputs of dimension d.
  /// - Complexity: O(N·(d + m)) work by the master plus N evaluations of f, at most
  ///   `maxConcurrentWorkers` at a time, plus one stopping-rule check per arrival (O(1) for a
  ///   count, the scheme's `canDecode` otherwise).
  public func run(_ round: Round) async throws(PoolError) -> PoolOutcome {
    var round = round
    if round.injectedDelays == nil { round.injectedDelays = injectedDelays }
    let outputDimension = try round.validate()
    if requiresDescriptors { round.workloads = try _rebuiltFromDescriptors(round.workloads) }
    let workers = round.workerCount
    let state = _PoolRound(workers: workers, rule: round.stoppingRule, outputDimension: outputDimension)
    let (inputs, workloads, assignment) = (round.inputs, round.workloads, round.assignment)
    let threads = _ComputeThreads(
      threadCount: Swift.min(maxConcurrentWorkers, workers), name: "coded-worker"
    ) { n in
      state.compute(worker: n, inputs: inputs, workload: workloads[assignment[n]])
      return false
    }
    let timer = _startWorkers(
      workers, delays: round.injectedDelays, deadline: round.deadline, start: state.start,
      threads: threads, onDeadline: { state.freeze() })

    await withTaskCancellationHandler {
      await state.waitUntilFrozen()
    } onCancel: {
      state.freeze()
    }
    timer?.close()
    threads.close()

    let snapshot = state.snapshot()
    let survivors = (0..<workers).filter { snapshot.received[$0] }
    guard snapshot.satisfied else {
      throw round.stoppingRule.unmet(answered: survivors.count, failures: snapshot.failures.count)
    }
    var outputs = Matrix(rows: survivors.count, columns: outputDimension)
    for (i, n) in survivors.enumerated() {
      guard let y = snapshot.outputs[n] else { continue }
      for j in 0..<outputDimension { outputs[i, j] = y[j] }
    }
    let cancelled = (0..<workers).filter { !snapshot.received[$0] && !snapshot.failed[$0] }
    return PoolOutcome(
      survivors: survivors, outputs: outputs, durations: snapshot.durations,
      failures: snapshot.failures, cancelled: cancelled, arrivals: snapshot.arrivals)
  }

  /// Submits the undelayed workers now and schedules the delayed ones and the deadline on a timer
  /// thread (returned, or nil when there are no events).
  func _startWorkers(
    _ workers: Int, delays: [Duration]?, deadline: Duration?, start: ContinuousClock.Instant,
    threads: _ComputeThreads, onDeadline: @escaping @Sendable () -> Void
  ) -> _RoundTimer? {
    var events: [_RoundTimer.Event] = []
    var immediate: [Int] = []
    immediate.reserveCapacity(workers)
    for n in 0..<workers {
      if let delay = delays?[n], delay > .zero {
        events.append(
          _RoundTimer.Event(instant: start + delay) { threads.submit(CollectionOfOne(n)) })
      } else {
        immediate.append(n)
      }
    }
    threads.submit(immediate)
    if let deadline {
      events.append(_RoundTimer.Event(instant: start + deadline, action: onDeadline))
    }
    return events.isEmpty ? nil : _RoundTimer(events: events, name: "coded-timer")
  }

  /// Every workload rebuilt from its descriptor, as a worker in another process would.
  func _rebuiltFromDescriptors(_ workloads: [any Workload]) throws(PoolError) -> [any Workload] {
    var rebuilt: [any Workload] = []
    for workload in workloads {
      guard let descriptor = workload.descriptor else {
        throw .workloadNotSerialisable(workload.name)
      }
      do { rebuilt.append(try WorkloadRegistry.make(descriptor)) } catch {
        throw .backend("a worker could not rebuild '\(descriptor)': \(error)")
      }
    }
    return rebuilt
  }
}
