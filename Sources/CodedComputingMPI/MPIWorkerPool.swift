import CodedComputing
import Foundation

/// A ``WorkerPool`` whose workers are the ranks of an MPI job: rank 0 is the master (where this
/// pool lives), ranks 1…N run ``MPIWorker/run()``, worker n on rank n + 1.
///
/// A round sends each worker one message — its workload's descriptor (only the first time that
/// worker needs it: workers cache rebuilt workloads by hash, so a `model:PATH` network is loaded
/// once per rank), its coded input row and its injected delay — and polls the replies
/// (`MPI_Improbe`/`MPI_Mrecv`) until the round's ``StoppingRule`` holds, it can no longer hold,
/// or the deadline passes; the workers still busy are then told to abandon the round. Messages
/// carry the round's number, so a late result of an earlier round is recognised and dropped.
/// A round of n < world size − 1 workers uses ranks 1…n.
///
/// A worker that throws, cannot rebuild the workload (a model file missing on its host), or
/// answers with the wrong number of values or a non-finite value is a failure
/// (``PoolOutcome/failures``), hence a straggler. A worker whose process died is a *permanent*
/// straggler: the pool never blocks on a send to it (every send is an `MPI_Isend` that is only
/// ever tested). Deaths of workers on the master's host are seen within ~20 ms (the process is
/// gone); a worker on another host is presumed dead when nothing has come from it for
/// ``unresponsiveTimeout`` (workers holding a task send a heartbeat every 0.25 s, also while
/// their workload computes). Open MPI 4.1 itself tells the survivors nothing about a dead rank
/// (checked over shared memory and TCP, with `--enable-recovery`). Killing a rank aborts the
/// whole job unless `mpirun --enable-recovery` is used.
///
/// ```swift
/// let world = try MPIWorld.initialize()
/// guard world.rank == 0 else { MPIWorker(world: world).run(); MPIWorld.finalize(); exit(0) }
/// let pool = try MPIWorkerPool(world: world)
/// let outcome = try await pool.run(
///   Round(inputs: coded, workload: BuiltinFunction.sigmoid, stoppingRule: .count(n - s)))
/// pool.shutdown()
/// MPIWorld.finalize()
/// ```
///
/// Workloads must have a ``Workload/descriptor`` (``requiresDescriptors``): a closure is refused
/// with ``PoolError/workloadNotSerialisable(_:)``.
public struct MPIWorkerPool: WorkerPool {
  public let world: MPIWorld
  /// A worker from which nothing — acknowledgement, heartbeat or result — has come for this long
  /// during a round is presumed dead: failed for the round and a permanent straggler after it
  /// (nil: never; a dead worker on another host is then waited for until the round's deadline).
  /// Workers holding a task send a heartbeat every 0.25 s, so the default of 5 s is 20 missed
  /// heartbeats. Deaths on the master's host are found sooner (~20 ms), by their process.
  public var unresponsiveTimeout: Duration?
  let _master: _MPIMaster

  /// Workers run in other processes: only workloads with descriptors can run.
  public var requiresDescriptors: Bool { true }

  /// The number of worker ranks (world size − 1): the largest N a round may have.
  public var workerCount: Int { world.size - 1 }

  /// - Parameters:
  ///   - world: the initialised MPI world; this process must be rank 0.
  ///   - unresponsiveTimeout: see ``unresponsiveTimeout``.
  /// - Throws: ``PoolError/backend(_:)`` on a rank other than 0 or in a world without workers.
  public init(world: MPIWorld, unresponsiveTimeout: Duration? = .seconds(5)) throws(PoolError) {
    guard world.rank == 0 else {
      throw .backend("the MPI pool runs on rank 0; rank \(world.rank) must run MPIWorker")
    }
    guard world.size >= 2 else {
      throw .backend(
        "the MPI world has no worker ranks (size \(world.size)); start it with mpirun -np N+1")
    }
    self.world = world
    self.unresponsiveTimeout = unresponsiveTimeout
    _master = _MPIMaster(workers: world.size - 1)
  }

  /// Workers known to be dead (ascending): permanent stragglers.
  public var deadWorkers: [Int] {
    _master.withLock { (0..<_master.workers).filter { _master.dead[$0] } }
  }

  /// Every worker that failed in some round of this pool (threw, answered badly, died), with
  /// the message of its first failure.
  public var failures: [Int: String] { _master.withLock { _master.failures } }

  /// Runs one round on the worker ranks.
  ///
  /// - Returns: the workers whose results arrived before the rule held (ascending) with their
  ///   outputs, arrival order and times, each finished worker's time, the failures (errors, bad
  ///   answers, deaths), and the workers still running when the round ended.
  /// - Throws: ``PoolError/invalidRound(_:)``/``PoolError/invalidQuorum(quorum:workers:)`` for a
  ///   malformed round, ``PoolError/workloadNotSerialisable(_:)`` for a workload without a
  ///   descriptor, ``PoolError/backend(_:)`` when the round has more workers than the world has
  ///   worker ranks or the pool was shut down, and
  ///   ``PoolError/quorumNotReached(quorum:answered:failures:)`` /
  ///   ``PoolError/stoppingRuleNotMet(rule:answered:failures:)`` when the failures make the rule
  ///   unreachable or the deadline passes first.
  /// - Complexity: O(N·(d + m)) bytes sent and received by the master, plus one stopping-rule
  ///   check per arrival; the master polls without blocking (20 µs to 1 ms pauses when idle).
  public func run(_ round: Round) async throws(PoolError) -> PoolOutcome {
    let m = try round.validate()
    try round.requireDescriptors()
    guard round.workerCount <= workerCount else {
      throw .backend(
        "the round has N = \(round.workerCount) workers but the MPI world has only \(workerCount) worker ranks; start it with mpirun -np \(round.workerCount + 1)"
      )
    }
    let descriptors = round.workloads.compactMap(\.descriptor).map(_descriptorKey)
    let (master, timeout) = (_master, unresponsiveTimeout)
    let cancelled = _Flag()
    let result = await withTaskCancellationHandler {
      await _onThread(name: "coded-mpi-master") { () -> Result<PoolOutcome, PoolError> in
        master.withLock {
          guard !master.isShutDown else { return .failure(.backend("the MPI pool was shut down")) }
          return master.runRound(
            round, outputDimension: m, descriptors: descriptors, unresponsiveTimeout: timeout,
            isCancelled: { cancelled.isSet })
        }
      }
    } onCancel: {
      cancelled.set()
    }
    return try result.get()
  }

  /// Tells every live worker rank to leave its loop and waits (at most `limit`, and no longer
  /// than ``unresponsiveTimeout`` for a silent one) for their goodbyes. Call once at the end,
  /// before ``MPIWorld/finalize()``; later rounds throw.
  public func shutdown(limit: Duration = .seconds(10)) {
    let timeout = unresponsiveTimeout
    _master.withLock { _master.shutdown(limit: limit, unresponsiveTimeout: timeout) }
  }
}

/// Runs `body` on a new thread and resumes with its value: the master's polling loop must not
/// hold one of the cooperative pool's few threads.
func _onThread<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
  await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
    let thread = Thread { continuation.resume(returning: body()) }
    thread.name = name
    thread.start()
  }
}

/// A flag set once from any thread.
final class _Flag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false

  var isSet: Bool {
    lock.lock()
    defer { lock.unlock() }
    return value
  }

  func set() {
    lock.lock()
    value = true
    lock.unlock()
  }
}
