import CodedComputing
import Foundation

/// The loop a worker rank (1…N) runs: it receives tasks from the master (rank 0), computes them,
/// replies, and returns when the master says stop.
///
/// Per task the worker acknowledges receipt, rebuilds the workload from its descriptor (cached by
/// hash, so a `model:PATH` network is loaded once per rank), sleeps the task's injected delay —
/// waking early when the master abandons the round — computes f on its input row and sends the
/// result, or the error's message when f throws or the workload cannot be rebuilt (the master
/// then counts this worker as a straggler). A streaming task produces results until the master
/// abandons the round or the producer is exhausted. Faults can be injected (``Fault``).
///
/// ```swift
/// let world = try MPIWorld.initialize()
/// if world.rank > 0 { MPIWorker(world: world).run() }
/// ```
public struct MPIWorker {
  /// A fault to inject into one worker rank (tests and demonstrations of failure handling).
  public enum Fault: Sendable, Equatable {
    /// The rank kills itself with SIGKILL as soon as work arrives (`coded … --kill-workers`). Run
    /// the job under `mpirun --enable-recovery`, or Open MPI aborts every rank when one dies.
    case dies
    /// The rank acknowledges its first task, then kills itself with SIGKILL before computing
    /// (`--kill-workers I:acked`): a death the master only sees by the worker's silence when
    /// it is on another host.
    case diesAfterAcknowledging
    /// Every answer is NaN in every coordinate (`--garble-workers I`).
    case answersNonFinite
    /// Every answer misses its last value (`--garble-workers I:short`).
    case answersWrongLength
    /// The worker sleeps its injected delay without watching for the master's `abandon`, so its
    /// results of abandoned rounds arrive during later rounds (`--garble-workers I:late`).
    case answersLate
  }

  public let world: MPIWorld
  /// The injected fault of this rank, or nil for an honest worker.
  public var fault: Fault?

  public init(world: MPIWorld, fault: Fault? = nil) {
    self.world = world
    self.fault = fault
  }

  /// Runs until the master's stop message, then returns (the caller finalises MPI).
  public func run() {
    var loop = _WorkerLoop(rank: world.rank, fault: fault)
    loop.run()
  }
}
