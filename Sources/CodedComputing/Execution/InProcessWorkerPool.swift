import Foundation

/// The default ``WorkerPool``: N workers run concurrently inside this process.
///
/// Worker n computes `workload.evaluate(inputs.row(n))`. ``run(inputs:workload:quorum:deadline:)``
/// returns as soon as `quorum` results have arrived — exactly the first `quorum`, in
/// ``PoolOutcome/survivors`` (ascending) — and stops the rest: queued computations are skipped and
/// sleeping (delayed) workers are woken by cancellation. A worker whose `evaluate` throws, or
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
/// `injectedDelays` (or `latencies`, e.g. a ``LatencyModel`` sample) makes worker n sleep for
/// its delay, measured from the start of the round, before it computes. The sleep is
/// `Task.sleep`: cooperative and cancellable, so a worker that is cancelled while "slow" really
/// stops and costs nothing. Sleeping workers do not hold a compute thread, so delays do not
/// distort each other: worker n answers after about max(delay n, queueing) + its compute time.
///
/// ## Design
/// - **Computations run on dedicated threads, not on Swift's cooperative pool.** `evaluate` is
///   synchronous and may be long (a network's forward pass) or never return. The cooperative
///   pool has one thread per core (two on a small machine); a few busy workers there would starve
///   the very tasks that must run on time — the master's resumption at the quorum and the
///   deadline timer. So each round starts `min(maxConcurrentWorkers, N)` threads that take the
///   computations in worker order; `maxConcurrentWorkers` (default: the number of active cores)
///   caps how many computations run at once. Only the delays and the timer are tasks.
/// - **The master never awaits a worker.** Workers record their results into a lock-protected
///   round state; the result that reaches the quorum (or the failure that makes it unreachable,
///   or the deadline timer, or cancellation of the caller's task) *freezes* the round once and
///   resumes the master's continuation. `run` then cancels the delay/timer tasks (an
///   unstructured `Task` whose task group holds them — unstructured precisely so that `run` does
///   not have to wait for it, as leaving a task group scope would), tells the threads to exit
///   once their queue is drained, and builds the outcome from the frozen state. A late result is
///   ignored; a cancelled worker has a nil duration.
/// - **Non-cooperative code cannot be preempted in-process.** A worker stuck in a busy loop (or
///   a long `evaluate`) keeps its thread until it returns; its result is then ignored. `run` still
///   returns at the quorum or the deadline — it does not wait for that thread — but the thread
///   keeps burning a core, and if it never returns it is leaked. Only a process or machine
///   boundary (a networked pool) can kill such a worker.
/// - Caller cancellation freezes the round like a deadline: `run` returns the outcome if the
///   quorum was already reached, else throws `quorumNotReached`.
///
/// The per-round overhead (thread start-up, one queue entry and one lock round-trip per worker)
/// is measured by `Benchmarks/PoolBenchmarks`.
public struct InProcessWorkerPool: WorkerPool {
  /// How many computations may run at once: the number of compute threads per round (≥ 1).
  /// Delayed workers that are still sleeping do not count.
  public var maxConcurrentWorkers: Int
  /// An artificial delay per worker before it computes (N entries, none negative), or nil.
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
      precondition(injectedDelays.allSatisfy { $0 >= .zero }, "injected delays must not be negative")
    }
    self.maxConcurrentWorkers = cap
    self.injectedDelays = injectedDelays
  }

  /// A pool whose worker n sleeps `latencies[n]` seconds before computing.
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
  ///   and the cancelled workers (ascending; queued, sleeping or still computing at the freeze).
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
      threadCount: Swift.min(maxConcurrentWorkers, workers), name: "coded-worker")
    var delayed: [(worker: Int, delay: Duration)] = []
    for n in 0..<workers {
      if let delay = injectedDelays?[n], delay > .zero {
        delayed.append((n, delay))
      } else {
        threads.submit(round.job(worker: n, inputs: inputs, workload: workload))
      }
    }

    let timers: Task<Void, Never>? =
      delayed.isEmpty && deadline == nil
      ? nil
      : Task { [delayed] in
        await withDiscardingTaskGroup { group in
          if let deadline {
            group.addTask {
              try? await Task.sleep(until: round.start + deadline, clock: .continuous)
              if !Task.isCancelled { round.freeze() }
            }
          }
          for (n, delay) in delayed {
            group.addTask {
              do {
                try await Task.sleep(until: round.start + delay, clock: .continuous)
              } catch {
                return  // cancelled while sleeping: the round is over
              }
              threads.submit(round.job(worker: n, inputs: inputs, workload: workload))
            }
          }
        }
      }

    await withTaskCancellationHandler {
      await round.waitUntilFrozen()
    } onCancel: {
      round.freeze()
    }
    timers?.cancel()
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
