import CodedComputing
import Foundation
import Testing

/// Several hosts, emulated on one machine: a hostfile naming `localhost` with its slots, and the
/// TCP transport forced (`--mca btl tcp,self`, loopback only), so that every message between
/// ranks crosses a socket as it would between machines. An extension of ``MPIWorkerPoolTests``
/// so that it runs serialized with the other MPI jobs.
extension MPIWorkerPoolTests {
  /// `mpirun` options of a TCP-only job over a hostfile with `slots` slots on localhost
  /// (rank 0 logs its BTL connections: `btl_base_verbose 30`).
  static func tcpOptions(_ scratch: CLISplineTests.Scratch, slots: Int) throws -> [String] {
    let hostfile = scratch.directory.appendingPathComponent("hosts").path
    try "localhost slots=\(slots)\n".write(toFile: hostfile, atomically: true, encoding: .utf8)
    return [
      "--hostfile", hostfile, "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", "lo",
      "--mca", "btl_base_verbose", "30",
    ]
  }

  @Test("a hostfile and TCP only: the same CSV and decoded estimates as in-process")
  func hostfileOverTCP() throws {
    let files = try DecodedFiles()
    let base = [
      "run", "--scheme", "letcc", "--function", "xsinx", "--K", "4", "--dim", "3", "--workers",
      "6", "--stragglers", "2", "--straggler-model", "fixed", "--straggler-set", "1,4",
      "--trials", "2", "--format", "csv",
    ]
    let mpi = try MPILauncher.coded(
      ranks: 7, base + ["--backend", "mpi", "--decoded-output", files.mpi], limit: 60,
      launcherOptions: try Self.tcpOptions(files.scratch, slots: 7))
    #expect(mpi.status == 0, "\(mpi.stderr)")
    // The bytes went over sockets: the master connected to its workers by TCP.
    #expect(mpi.stderr.contains("btl: tcp: attempting to connect() to"), "\(mpi.stderr)")
    let local = try cli.coded(base + ["--decoded-output", files.local])
    #expect(local.status == 0, "\(local.stderr)")
    let row = Self.columns(mpi.stdout)
    #expect(row["mse"] != nil && Self.stable(row) == Self.stable(Self.columns(local.stdout)))
    let (a, b) = try files.read()
    #expect(a.rows == 4 && a.columns == 3)
    #expect(relativeGap(a, b) <= 1e-12)
  }

  @Test("a hostfile and TCP only, process checks off: a death after the ack is found by silence")
  func hostfileOverTCPDeath() throws {
    // As if every worker were on another host: the master cannot see the processes, only the
    // missing heartbeats (--worker-timeout 1). Estimates: those of workers 1 and 4 straggling.
    let files = try DecodedFiles()
    let base = [
      "run", "--scheme", "letcc", "--function", "xsinx", "--K", "4", "--dim", "3", "--workers",
      "6", "--stragglers", "2", "--straggler-model", "fixed", "--trials", "2", "--format", "csv",
    ]
    let mpi = try MPILauncher.coded(
      ranks: 7,
      base + [
        "--straggler-set", "4", "--kill-workers", "1:acked", "--worker-timeout", "1",
        "--backend", "mpi", "--decoded-output", files.mpi,
      ], recovery: true, limit: 60, environment: ["CODED_MPI_PROCESS_CHECKS": "0"],
      launcherOptions: try Self.tcpOptions(files.scratch, slots: 7))
    #expect(mpi.status == 0, "\(mpi.stderr)")
    #expect(mpi.seconds < 30)
    #expect(Self.columns(mpi.stdout)["failed_workers"] == "1", "\(mpi.stdout)")
    let local = try cli.coded(
      base + ["--straggler-set", "1,4", "--decoded-output", files.local])
    let (a, b) = try files.read()
    #expect(a.rows == 4 && relativeGap(a, b) <= 1e-12)
    Self.expectMSE(Self.columns(mpi.stdout), matches: local)
  }
}
