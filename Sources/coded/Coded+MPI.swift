import ArgumentParser
import CodedComputingMPI
import Foundation

extension Coded {
  /// ArgumentParser's `main`, except that under an MPI launcher only rank 0 reports: every rank
  /// of `mpirun -np N+1 coded …` parses the same flags, so a usage error (or `--help`) would
  /// otherwise be printed N + 1 times. The other ranks leave silently with status 0: a non-zero
  /// status would make `mpirun` abort the job, possibly before rank 0 has printed its error; rank
  /// 0's status is the job's.
  static func main() async {
    do {
      var command = try await asyncParseAsRoot(nil)
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      if let rank = MPIWorld.launchedRank, rank != 0 {
        Foundation.exit(0)
      }
      exit(withError: error)
    }
  }
}
