import CodedComputing
import Foundation
import Testing

/// `coded lt run --backend mpi`: rateless LT rounds on MPI ranks (issues 15 and 17). An
/// extension of ``MPIWorkerPoolTests`` so that it runs serialized with the other MPI jobs.
extension MPIWorkerPoolTests {
  @Test("lt run on MPI ranks: the decoded sum equals the direct sum, for rateless and LT-1")
  func ltRunOnRanks() throws {
    for strategy in ["rateless", "lt1"] {
      let run = try MPILauncher.coded(
        ranks: 5,
        [
          "lt", "run", "--function", "xsinx", "--sources", "200", "--dim", "2", "--workers", "4",
          "--strategy", strategy, "--latency", "exponential:0.2", "--time-scale", "0.002",
          "--trials", "2", "--mode", "full", "--backend", "mpi",
        ], limit: 60)
      #expect(run.status == 0, "\(strategy): \(run.stderr)")
      let lines = run.stdout.split(separator: "\n").map(String.init)
      // Rank 0 alone prints: the header and one row per trial.
      #expect(
        lines.first
          == "strategy,function,sources,workers,trial,results,seconds,max_abs_error,relative_error",
        "\(strategy): \(run.stdout)")
      #expect(lines.count == 3, "\(strategy): \(run.stdout)")
      for line in lines.dropFirst() {
        let fields = line.split(separator: ",").map(String.init)
        #expect(fields.count == 9 && fields[0] == strategy && fields[3] == "4", "\(line)")
        // Double-double partial sums and peeling: the decoded sum is the exact sum rounded once,
        // as the direct one (before: up to 8.9e-12, peeling amplified plain-double rounding).
        #expect((Double(fields.last ?? "") ?? .nan) <= 1e-15, "\(line)")
        // Full recovery (sum recovery may finish with fewer than m′ symbols): at least m′ = 200
        // symbols were consumed.
        #expect((Int(fields[5]) ?? 0) >= 200, "\(line)")
      }
    }
  }

  @Test("lt run --backend mpi outside mpirun is one clear error line")
  func ltRunOutsideMPIRun() throws {
    let run = try cli.coded([
      "lt", "run", "--function", "xsinx", "--sources", "20", "--workers", "4", "--backend", "mpi",
    ])
    #expect(run.status != 0)
    #expect(run.stderr.contains("error: --backend mpi needs an MPI launcher"), "\(run.stderr)")
    #expect(run.stdout.isEmpty)
  }
}
