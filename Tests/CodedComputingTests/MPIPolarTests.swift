import CodedComputing
import Foundation
import Testing

/// Polar codes on the MPI backend: arrival rounds stop at the first decodable set (issue 13).
/// An extension of ``MPIWorkerPoolTests`` so that it runs serialized with the other MPI jobs.
extension MPIWorkerPoolTests {
  @Test("polar on MPI ranks: arrival rounds stop at a decodable set of the fast workers, exactly")
  func polarArrivals() throws {
    // bec:0.5 at N = 8, K = 4 keeps virtual positions {3, 5, 6, 7}. Workers 1, 2 and 7 take 0.5 s,
    // the others 1 ms; the five fast ones {0, 3, 4, 5, 6} are decodable (PolarCodeTests'
    // recursion), so every round stops after 4 or 5 arrivals without waiting for a slow worker.
    let base = [
      "run", "--scheme", "polar", "--function", "identity", "--K", "4", "--dim", "3",
      "--input-range=-1:1", "--workers", "8", "--stragglers", "4", "--straggler-model", "arrival",
      "--latency", "slow-set:1,2,7@0.001,0.5", "--trials", "3", "--seed", "2",
    ]
    let mpi = try MPILauncher.coded(ranks: 9, base + ["--backend", "mpi"], limit: 60)
    let local = try cli.coded(base)
    for (backend, status, stdout, stderr) in [
      ("mpi", mpi.status, mpi.stdout, mpi.stderr),
      ("inprocess", local.status, local.stdout, local.stderr),
    ] {
      #expect(status == 0, "\(backend): \(stderr)")
      let row = Self.columns(stdout)
      #expect(Self.number(row, "mse") <= 1e-28, "\(backend): \(row)")
      #expect((4...5).contains(Self.number(row, "mean_survivors")), "\(backend): \(row)")
    }
  }
}
