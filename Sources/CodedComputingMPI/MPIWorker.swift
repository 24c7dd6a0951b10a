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
/// abandons the round or the producer is exhausted.
///
/// ```swift
/// let world = try MPIWorld.initialize()
/// if world.rank > 0 { MPIWorker(world: world).run() }
/// ```
public struct MPIWorker {
  public let world: MPIWorld
  /// Fault injection: when true, the rank kills itself with SIGKILL as soon as work arrives
  /// (`coded … --kill-workers`). Run the job under `mpirun --enable-recovery`, or Open MPI
  /// aborts every rank when one dies.
  public var diesOnWork: Bool

  public init(world: MPIWorld, diesOnWork: Bool = false) {
    self.world = world
    self.diesOnWork = diesOnWork
  }

  /// Runs until the master's stop message, then returns (the caller finalises MPI).
  public func run() {
    var loop = _WorkerLoop(rank: world.rank, diesOnWork: diesOnWork)
    loop.run()
  }
}
