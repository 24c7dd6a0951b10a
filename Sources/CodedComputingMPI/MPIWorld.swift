internal import CMPI
import Foundation

/// The MPI job this process belongs to: initialisation, its rank and size, finalisation.
///
/// Call ``initialize()`` once before any pool or worker loop, and ``finalize()`` once at the end
/// (the pool's ``MPIWorkerPool/shutdown()`` and the worker loop do not finalise, so a program can
/// run several pools in sequence).
///
/// ```swift
/// let world = try MPIWorld.initialize()
/// if world.rank == 0 { /* master: MPIWorkerPool(world: world) */ } else { MPIWorker(world: world).run() }
/// MPIWorld.finalize()
/// ```
public struct MPIWorld: Sendable {
  /// This process's rank in `MPI_COMM_WORLD` (0 is the master).
  public let rank: Int
  /// The number of ranks (1 master + world size − 1 workers).
  public let size: Int

  /// Whether this process was started by an MPI launcher (`mpirun`, `mpiexec`, Slurm's `srun`):
  /// their environment variables are present. Outside a launcher, MPI would start a singleton
  /// world of size 1.
  public static var isLaunched: Bool {
    let environment = ProcessInfo.processInfo.environment
    return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK", "MPI_LOCALNRANKS"]
      .contains { environment[$0] != nil }
  }

  /// The rank the launcher gave this process, read from the environment before MPI starts
  /// (nil outside a launcher).
  public static var launchedRank: Int? {
    let environment = ProcessInfo.processInfo.environment
    for key in ["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"] {
      if let text = environment[key], let rank = Int(text) { return rank }
    }
    return nil
  }

  /// Initialises MPI (thread level `MPI_THREAD_SERIALIZED`: the pool serialises its calls) and
  /// makes MPI errors return codes instead of aborting the job.
  /// - Throws: ``MPIError`` when MPI cannot start.
  public static func initialize() throws(MPIError) -> MPIWorld {
    var provided: Int32 = 0
    var alreadyInitialized: Int32 = 0
    MPI_Initialized(&alreadyInitialized)
    if alreadyInitialized == 0 {
      let code = MPI_Init_thread(nil, nil, cmpi_thread_serialized(), &provided)
      guard code == cmpi_success() else {
        throw MPIError("MPI_Init_thread failed with code \(code)")
      }
    }
    MPI_Comm_set_errhandler(cmpi_comm_world(), cmpi_errors_return())
    var rank: Int32 = 0
    var size: Int32 = 0
    MPI_Comm_rank(cmpi_comm_world(), &rank)
    MPI_Comm_size(cmpi_comm_world(), &size)
    return MPIWorld(rank: Int(rank), size: Int(size))
  }

  /// Finalises MPI (once, at the end of the program; a no-op when already finalised).
  ///
  /// When a rank of the job is known or presumed to have died (the master saw it, or a worker
  /// did not say goodbye, and told the others in its release message after the goodbyes),
  /// `MPI_Finalize` is skipped: in Open MPI 4.1 it ends with a fence over every
  /// process, which can wait forever for the dead one (observed with three ranks killed out of
  /// nine). The process then simply exits; under `mpirun --enable-recovery` that is a normal end.
  public static func finalize() {
    var finalized: Int32 = 0
    MPI_Finalized(&finalized)
    guard finalized == 0, !_peersDied.isSet else { return }
    MPI_Finalize()
  }

  /// Whether the job runs under `mpirun --enable-recovery` (Open MPI puts
  /// `OMPI_MCA_orte_enable_recovery=1` in every rank's environment).
  public static var isRecoveryEnabled: Bool {
    let value = ProcessInfo.processInfo.environment["OMPI_MCA_orte_enable_recovery"] ?? ""
    return ["1", "true", "yes"].contains(value.lowercased())
  }

  /// Makes the job end with a failure status when rank 0 fails under `mpirun --enable-recovery`,
  /// and returns whether it did. Call it after the error has been printed and the workers
  /// stopped, then exit with the failure status.
  ///
  /// With recovery enabled, Open MPI 4.1.4's `mpirun` exits 0 whatever its ranks return, and
  /// `MPI_Abort` neither changes that nor stops the other ranks (both checked). A `mpirun`
  /// that receives SIGTERM stops every rank and exits non-zero, so this sends SIGTERM to the
  /// launcher — only when this process's parent *is* Open MPI's launcher or daemon (`mpirun`,
  /// `mpiexec`, `orterun`, `orted`, by `/proc/PPID/comm`), never to anything else (under Slurm's
  /// `srun` the job's status is already the ranks' own). It first waits `grace` so that the
  /// launcher has forwarded what this rank printed.
  @discardableResult
  public static func failLaunchedJob(grace: Duration = .milliseconds(200)) -> Bool {
    guard isRecoveryEnabled else { return false }
    let parent = getppid()
    guard parent > 1,
      let comm = try? String(contentsOfFile: "/proc/\(parent)/comm", encoding: .utf8),
      ["mpirun", "mpiexec", "orterun", "orted"].contains(
        comm.trimmingCharacters(in: .whitespacesAndNewlines))
    else { return false }
    fflush(nil)  // every C output stream (rank 0's CSV on stdout)
    Thread.sleep(forTimeInterval: grace.inSeconds)
    return kill(parent, SIGTERM) == 0
  }

  /// Set when a rank of this job is known to have died: ``finalize()`` then skips `MPI_Finalize`.
  static let _peersDied = _Flag()

  /// The host name MPI reports for this process.
  public static var processorName: String {
    var buffer = [CChar](repeating: 0, count: Int(cmpi_max_processor_name()) + 1)
    var length: Int32 = 0
    MPI_Get_processor_name(&buffer, &length)
    return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// MPI failed to start or the job is not set up as asked.
public struct MPIError: Error, Sendable, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
