import Foundation

/// Runs the built `coded` under `mpirun` for the MPI tests, bounded in time.
///
/// Every job is started through coreutils `timeout` (SIGTERM after `limit`, which `mpirun`
/// forwards to its ranks, then SIGKILL 5 s later) with no signal blocked, so a hang fails the test instead of stalling
/// the suite, and under `nice -n 10`. When `mpirun` is not on PATH (or `CODED_MPIRUN` is set empty) the MPI suite is
/// skipped with a visible message (CI installs Open MPI, so there it runs).
struct MPILauncher {
  struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
    let seconds: Double

    /// The `error:` lines (Open MPI's own diagnostics, e.g. its PMIx notices, are other lines).
    var errorLines: [Substring] { stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") } }
  }

  /// `mpirun` on PATH, or `CODED_MPIRUN` (a path; empty: pretend there is none).
  static let mpirun: String? = {
    if let override = ProcessInfo.processInfo.environment["CODED_MPIRUN"] {
      return override.isEmpty ? nil : override
    }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/mpirun" }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  static var isAvailable: Bool { mpirun != nil && CLISplineTests.executable != nil }

  /// The options every job gets: root is allowed, more ranks than cores, idle ranks yield, and no
  /// cross-memory-attach copies (containers often forbid the ptrace they need; the messages here
  /// are small).
  static let common = [
    "--allow-run-as-root", "--oversubscribe", "--mca", "mpi_yield_when_idle", "1",
    "--mca", "btl_vader_single_copy_mechanism", "none",
  ]

  /// `mpirun [--enable-recovery] -np ranks coded arguments…`.
  /// `environment` is set for `mpirun` and passed to every rank (`-x NAME`).
  static func coded(
    ranks: Int, _ arguments: [String], recovery: Bool = false, limit: Int = 90,
    environment: [String: String] = [:], launcherOptions: [String] = []
  ) throws -> Run {
    let coded = try executable()
    let exports = environment.keys.sorted().flatMap { ["-x", $0] }
    return try launch(
      common + launcherOptions + exports + (recovery ? ["--enable-recovery"] : [])
        + ["-np", "\(ranks)", coded] + arguments,
      limit: limit, environment: environment)
  }

  /// Like ``coded(ranks:_:recovery:limit:)``, but rank 0 runs under `sh`, which prints its exit
  /// status on stderr as `rank0-exit=CODE`: the master's own status. (Under `--enable-recovery`
  /// Open MPI 4.1.4's `mpirun` exits 0 whatever the ranks return; `coded` makes it fail by
  /// signalling its parent `mpirun`, which `sh` here is not.)
  static func codedReportingRankZero(
    ranks: Int, _ arguments: [String], recovery: Bool = true, limit: Int = 90
  ) throws -> (run: Run, rankZeroStatus: Int32?) {
    let coded = try executable()
    let wrapper = ["sh", "-c", "\"$0\" \"$@\"; echo rank0-exit=$? >&2", coded] + arguments
    let run = try launch(
      common + (recovery ? ["--enable-recovery"] : []) + ["-np", "1"] + wrapper + [":"]
        + ["-np", "\(ranks - 1)", coded] + arguments,
      limit: limit)
    let status = run.stderr.split(separator: "\n").first { $0.hasPrefix("rank0-exit=") }
      .flatMap { Int32($0.dropFirst("rank0-exit=".count)) }
    return (run, status)
  }

  /// `mpirun -np ranks mpi-bench arguments…` (the MPI pool's measurement and self-check tool).
  static func bench(ranks: Int, _ arguments: [String], limit: Int = 90) throws -> Run {
    let coded = try executable()
    let bench = URL(fileURLWithPath: coded).deletingLastPathComponent().appendingPathComponent(
      "mpi-bench"
    ).path
    guard FileManager.default.isExecutableFile(atPath: bench) else {
      throw LaunchError("mpi-bench was not found next to coded; run `swift build` first")
    }
    return try launch(common + ["-np", "\(ranks)", bench] + arguments, limit: limit)
  }

  static func executable() throws -> String {
    guard let url = CLISplineTests.executable else {
      throw LaunchError("the coded executable was not found; run `swift build` first")
    }
    return url.path
  }

  static func launch(_ arguments: [String], limit: Int, environment: [String: String] = [:])
    throws -> Run
  {
    guard let mpirun else { throw LaunchError("mpirun not found") }
    let process = Process()
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    // The test process starts children with most signals blocked (SIGTERM, SIGINT, SIGALRM…),
    // and a blocked mask survives exec: `mpirun` would then ignore `timeout`'s SIGTERM and rank
    // 0's (MPIWorld.failLaunchedJob). perl (perl-base, essential on Debian) clears the mask and
    // execs the rest. nice: the ranks' start-up must not starve the timing-sensitive suites
    // running beside this one in the same `swift test`.
    process.executableURL = URL(fileURLWithPath: "/usr/bin/perl")
    process.arguments =
      [
        "-MPOSIX", "-e",
        "sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die; exec {$ARGV[0]} @ARGV or die",
        "timeout", "-k", "5", "\(limit)", "nice", "-n", "10", mpirun,
      ] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let start = ContinuousClock.now
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let elapsed = ContinuousClock.now - start
    return Run(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self),
      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
  }

  struct LaunchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }
}
