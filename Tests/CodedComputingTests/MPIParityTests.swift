import CodedComputing
import Foundation
import Testing

/// `coded parity run --backend mpi`: parity-model rounds (two workloads, base and parity model,
/// both `model:PATH` descriptors with checksums) on MPI ranks. An extension of
/// ``MPIWorkerPoolTests`` so that it runs serialized with the other MPI jobs.
extension MPIWorkerPoolTests {
  static let parityBase = CLIParityTests.mlp
  static let parityModel = CLIParityTests.root.appendingPathComponent(
    "notebooks-data/models/digits-mlp-relu.parity-k2-sum.json"
  ).path

  static func parityArguments(_ extra: [String]) -> [String] {
    [
      "parity", "run", "--model", parityBase, "--parity", parityModel, "--k", "2", "--groups",
      "40", "--format", "csv",
    ] + extra
  }

  @Test(
    "parity rounds on MPI ranks: the in-process decoded logits, withheld worker or killed worker")
  func parityRounds() throws {
    let cases: [(name: String, mpi: [String], local: [String], failed: String)] = [
      ("withheld data worker", ["--withhold", "1"], ["--withhold", "1"], ""),
      ("withheld parity worker", ["--withhold", "2"], ["--withhold", "2"], ""),
      // A real death (under --enable-recovery): worker 0's output is rebuilt from the parity
      // model's, exactly as when its result is withheld in-process.
      ("killed data worker", ["--kill-workers", "0"], ["--withhold", "0"], "0"),
    ]
    for c in cases {
      let files = try DecodedFiles()
      let mpi = try MPILauncher.coded(
        ranks: 4,
        Self.parityArguments(c.mpi + ["--backend", "mpi", "--decoded-output", files.mpi]),
        recovery: !c.failed.isEmpty, limit: 60)
      #expect(mpi.status == 0, "\(c.name): \(mpi.stderr)")
      let local = try cli.coded(
        Self.parityArguments(c.local + ["--decoded-output", files.local]))
      #expect(local.status == 0, "\(c.name): \(local.stderr)")
      let (a, b) = try files.read()
      #expect(a.rows == 80 && a.columns == 10, "\(c.name)")
      #expect(relativeGap(a, b) <= 1e-12, "\(c.name)")
      let (rowMPI, rowLocal) = (Self.columns(mpi.stdout), Self.columns(local.stdout))
      #expect(rowMPI["failed_workers"] == c.failed, "\(c.name): \(mpi.stdout)")
      for column in ["groups", "queries", "rebuilt", "base_accuracy", "accuracy"] {
        #expect(rowMPI[column] != nil && rowMPI[column] == rowLocal[column], "\(c.name): \(column)")
      }
      // A withheld or dead data worker is rebuilt in every one of the 40 rounds.
      #expect(rowMPI["rebuilt"] == (c.mpi.last == "2" ? "0" : "40"), "\(c.name)")
    }
  }

  @Test("a parity round missing two of its three outputs: one error line, mpirun fails")
  func parityTooManyMissing() throws {
    let run = try MPILauncher.coded(
      ranks: 4,
      Self.parityArguments(["--kill-workers", "0", "--withhold", "1", "--backend", "mpi"]),
      recovery: true, limit: 60)
    #expect(run.status != 0, "\(run.stderr)")
    #expect(run.seconds < 30)
    #expect(run.stdout.isEmpty, "\(run.stdout)")
    #expect(run.errorLines.count == 1, "\(run.stderr)")
    #expect(
      run.errorLines.first?.hasPrefix(
        "error: parity round 0: workers 0, 1 are missing (failed or withheld); the parity code needs 2 of its 3 outputs; dead workers: 0 (ranks 1)"
      ) == true, "\(run.stderr)")
  }
}
