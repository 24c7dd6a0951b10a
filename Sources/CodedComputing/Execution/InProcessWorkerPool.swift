import Foundation

/// The default ``WorkerPool``: N workers run concurrently inside this process.
///
/// Worker n computes `workload.evaluate(inputs.row(n))`. ``run(inputs:workload:quorum:deadline:)``
/// returns as soon as `quorum` results have arrived — exactly the first `quorum`, in
/// ``PoolOutcome/survivors`` (ascending) — and stops the rest: queued computations are skipped and
/// delayed workers still waiting are dropped. A worker whose `evaluate` throws, or
/// returns the wrong number of values or a non-finite value, is a *failure*: recorded in
/// ``PoolOutcome/failures`` with a message and treated as a straggler, never a crash. When the
/// quorum can no longer be reached (more than N − quorum failures) or the deadline passes first,
/// `run` throws ``PoolError/quorumNotReached(quorum:answered:failures:)`` at once — it never waits
/// for workers that cannot help.
///
/// ```swift
/// let pool = InProcessWorkerPool()
/// let outcome = try await pool.run(
///   inputs: coded, workload: BuiltinFunction.sin, quorum: n - s, deadline: .seconds(2))
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

  /// - Parameters:
  ///   - maxConcurrentWorkers: the cap on concurrent computations; nil means the number of
  ///     active processor cores.
  ///   - injectedDelays: one delay per worker, applied before its computation; nil for none.
  /// - Precondition: `maxConcurrentWorkers ≥ 1`; no delay is negative.
  public init(maxConcurrentWorkers: Int? = nil, injectedDelays: [Duration]? = nil) {
    let cap = maxConcurrentWorkers ?? ProcessInfo.processInfo.activeProcessorCount
    precondition(cap >= 1, "maxConcurrentWorkers must be at least 1, got \(cap)")
    if let injectedDelays {
      precondition(
        injectedDelays.allSatisfy { $0 >= .zero }, "injected delays must not be negative")
    }
    self.maxConcurrentWorkers = cap
    self.injectedDelays = injectedDelays
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

  /// Runs f on every row of `inputs` and returns the first `quorum` results.
  ///
  /// - Parameters:
  ///   - inputs: N × d, row n for worker n.
  ///   - workload: f; `outputDimension(inputDimension: d)` fixes the expected m.
  ///   - quorum: how many results to wait for, 1…N.
  ///   - deadline: the longest to wait, from the start of the call; nil waits as long as the
  ///     quorum is still reachable.
  /// - Returns: exactly `quorum` survivors (ascending) with their outputs (quorum × m), each
  ///   answered or failed worker's time from the start of the round to its result, the failures,
  ///   and the cancelled workers (ascending; queued, waiting out a delay or still computing at the freeze).
  /// - Throws: ``PoolError/invalidQuorum(quorum:workers:)`` unless 1 ≤ quorum ≤ N;
  ///   ``PoolError/quorumNotReached(quorum:answered:failures:)`` when more than N − quorum
  ///   workers failed, the deadline passed first, the caller's task was cancelled first, or
  ///   `workload` rejects inputs of dimension d (every worker would fail).
  /// - Precondition: `injectedDelays`, when set, has N entries.
  /// - Complexity: O(N·(d + m)) work by the master plus N evaluations of f, at most
  ///   `maxConcurrentWorkers` at a time.
  public func run(inputs: Matrix, workload: any Workload, quorum: Int, deadline: Duration?)
    async throws(PoolError) -> PoolOutcome
  {
    let workers = inputs.rows
    guard quorum >= 1, quorum <= workers else {
      throw .invalidQuorum(quorum: quorum, workers: workers)
    }
    if let injectedDelays {
      precondition(
        injectedDelays.count == workers,
        "\(injectedDelays.count) injected delays for \(workers) workers")
    }
    let outputDimension: Int
    do {
      outputDimension = try workload.outputDimension(inputDimension: inputs.columns)
    } catch {
      throw .quorumNotReached(quorum: quorum, answered: 0, failures: workers)
    }

    let round = _PoolRound(workers: workers, quorum: quorum, outputDimension: outputDimension)
    let threads = _ComputeThreads(
      threadCount: Swift.min(maxConcurrentWorkers, workers), name: "coded-worker"
    ) { n in
      round.compute(worker: n, inputs: inputs, workload: workload)
    }
    var delayed: [(worker: Int, delay: Duration)] = []
    var immediate: [Int] = []
    immediate.reserveCapacity(workers)
    for n in 0..<workers {
      if let delay = injectedDelays?[n], delay > .zero {
        delayed.append((n, delay))
      } else {
        immediate.append(n)
      }
    }
    threads.submit(immediate)

    var events = delayed.map { worker, delay in
      _RoundTimer.Event(instant: round.start + delay) { threads.submit(CollectionOfOne(worker)) }
    }
    if let deadline {
      events.append(_RoundTimer.Event(instant: round.start + deadline) { round.freeze() })
    }
    let timer = events.isEmpty ? nil : _RoundTimer(events: events, name: "coded-timer")

    await withTaskCancellationHandler {
      await round.waitUntilFrozen()
    } onCancel: {
      round.freeze()
    }
    timer?.close()
    threads.close()

    let state = round.snapshot()
    let survivors = (0..<workers).filter { state.outputs[$0] != nil }
    guard survivors.count >= quorum else {
      throw .quorumNotReached(
        quorum: quorum, answered: survivors.count, failures: state.failures.count)
    }
    var outputs = Matrix(rows: survivors.count, columns: outputDimension)
    for (i, n) in survivors.enumerated() {
      guard let y = state.outputs[n] else { continue }
      for j in 0..<outputDimension { outputs[i, j] = y[j] }
    }
    let cancelled = (0..<workers).filter {
      state.outputs[$0] == nil && state.failures[$0] == nil
    }
    return PoolOutcome(
      survivors: survivors, outputs: outputs, durations: state.durations,
      failures: state.failures, cancelled: cancelled)
  }
}
