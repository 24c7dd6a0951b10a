import ArgumentParser
import CodedComputing
import CodedComputingMPI
import Foundation

/// Where `coded run` and `coded sweep` run their workers: `--backend inprocess|mpi` and the
/// fault injection of the MPI backend, `--kill-workers I,J` and `--garble-workers I,J:short,K:late`.
struct BackendOptions: ParsableArguments {
  enum Backend: String, CaseIterable {
    case inprocess
    case mpi
  }

  @Option(
    help:
      "Where workers run: inprocess (threads of this process) or mpi (the ranks of `mpirun -np N+1 coded …`: rank 0 is the master and prints, ranks 1…N are the workers)."
  )
  var backend: String = "inprocess"

  @Option(
    name: .customLong("kill-workers"),
    help:
      "With --backend mpi: comma-separated workers (0-based) that kill themselves with SIGKILL when their work arrives, or with I:acked after acknowledging it (fault injection; run under `mpirun --enable-recovery`)."
  )
  var killWorkers: String?

  @Option(
    name: .customLong("worker-timeout"), parsing: .unconditional,
    help:
      "With --backend mpi: seconds without any message (acknowledgement, heartbeat every 0.25 s, result) after which a worker busy in a round is presumed dead (default 5)."
  )
  var workerTimeout: Double?

  @Option(
    name: .customLong("garble-workers"),
    help:
      "With --backend mpi: comma-separated workers (0-based) that misbehave: I answers NaN, I:short one value too few, I:late ignores the master's abandon and answers after its delay, during later rounds (fault injection)."
  )
  var garbleWorkers: String?

  /// Runs `body` with the chosen pool. Under `--backend mpi`, only rank 0 runs `body`; the other
  /// ranks serve as workers until rank 0 stops them, and return without running it. Every rank
  /// is stopped and MPI finalised before this returns or throws.
  /// - Parameter workers: the largest N the command will use (the world needs N + 1 ranks).
  func withPool(workers: Int, _ body: (any WorkerPool) async throws -> Void) async throws {
    let choice: Backend
    let faults: [Int: MPIWorker.Fault]
    do {
      choice = try parseChoice(backend, what: "backend", as: Backend.self)
      faults = try Self.faults(kills: killWorkers, garbled: garbleWorkers)
      if let workerTimeout, !(workerTimeout > 0 && workerTimeout <= 1e6) {
        throw CLIFailure(
          "--worker-timeout must be a number of seconds in (0, 10⁶], got \(workerTimeout)")
      }
    } catch {
      // Every rank of an MPI job parses the same flags: only rank 0 reports, and the others leave
      // with status 0 so that mpirun does not abort the job before rank 0 has printed.
      if let rank = MPIWorld.launchedRank, rank != 0 { throw ExitCode.success }
      throw error
    }
    guard choice == .mpi else {
      guard faults.isEmpty, workerTimeout == nil else {
        throw CLIFailure("--kill-workers, --garble-workers and --worker-timeout need --backend mpi")
      }
      try await body(InProcessWorkerPool())
      return
    }
    let launch = "mpirun -np \(workers + 1) \(CommandLine.arguments.joined(separator: " "))"
    guard MPIWorld.isLaunched else {
      throw CLIFailure("--backend mpi needs an MPI launcher; run: \(launch)")
    }
    let world: MPIWorld
    do { world = try MPIWorld.initialize() } catch {
      throw CLIFailure("--backend mpi: \(error)")
    }
    guard world.rank == 0 else {
      MPIWorker(world: world, fault: faults[world.rank - 1]).run()
      MPIWorld.finalize()
      return
    }
    let pool: MPIWorkerPool
    do {
      pool = try MPIWorkerPool(
        world: world, unresponsiveTimeout: .seconds(workerTimeout ?? 5))
    } catch {
      MPIWorld.finalize()
      throw CLIFailure("--backend mpi needs worker ranks; run: \(launch)")
    }
    do {
      guard workers <= pool.workerCount else {
        throw CLIFailure(
          "N = \(workers) workers need \(workers + 1) MPI ranks but the world has \(world.size); run: \(launch)"
        )
      }
      if let bad = faults.keys.sorted().first(where: { $0 < 0 || $0 >= workers }) {
        throw CLIFailure("--kill-workers/--garble-workers: worker \(bad) is not in 0..<\(workers)")
      }
      try await body(pool)
    } catch {
      let detail = Self.diagnosis(pool)
      pool.shutdown()
      MPIWorld.finalize()
      if error is ExitCode || detail.isEmpty { throw error }
      throw CLIFailure("\(error)\(detail)")
    }
    pool.shutdown()
    MPIWorld.finalize()
  }

  /// The injected faults by worker: `--kill-workers I,J:acked` and `--garble-workers I,J:short`.
  static func faults(kills: String?, garbled: String?) throws -> [Int: MPIWorker.Fault] {
    var faults: [Int: MPIWorker.Fault] = [:]
    for item in kills?.split(separator: ",", omittingEmptySubsequences: false) ?? [] {
      let parts = item.split(separator: ":", omittingEmptySubsequences: false)
      guard let worker = Int(parts[0]),
        parts.count == 1 || (parts.count == 2 && parts[1] == "acked")
      else { throw CLIFailure("--kill-workers: '\(item)' is not I or I:acked") }
      faults[worker] = parts.count == 2 ? .diesAfterAcknowledging : .dies
    }
    for item in garbled?.split(separator: ",", omittingEmptySubsequences: false) ?? [] {
      let parts = item.split(separator: ":", omittingEmptySubsequences: false)
      guard let worker = Int(parts[0]), parts.count <= 2 else {
        throw CLIFailure("--garble-workers: '\(item)' is not I, I:short or I:late")
      }
      switch parts.count == 2 ? String(parts[1]) : "nan" {
      case "nan": faults[worker] = .answersNonFinite
      case "short": faults[worker] = .answersWrongLength
      case "late": faults[worker] = .answersLate
      default: throw CLIFailure("--garble-workers: '\(item)' is not I, I:short or I:late")
      }
    }
    return faults
  }

  /// What the MPI pool knows about failed workers, to append to an error line.
  static func diagnosis(_ pool: MPIWorkerPool) -> String {
    var parts: [String] = []
    let dead = pool.deadWorkers
    if !dead.isEmpty {
      parts.append(
        "dead workers: \(dead.map(String.init).joined(separator: ", ")) (ranks \(dead.map { String($0 + 1) }.joined(separator: ", ")))"
      )
    }
    let failures = pool.failures.filter { !dead.contains($0.key) }
    if let first = failures.min(by: { $0.key < $1.key }) {
      let message = first.value.replacingOccurrences(of: "\n", with: " ")
      let workers = failures.keys.sorted().map(String.init).joined(separator: ", ")
      parts.append("failed workers: \(workers) (first: \(message))")
    }
    return parts.isEmpty ? "" : "; " + parts.joined(separator: "; ")
  }
}
