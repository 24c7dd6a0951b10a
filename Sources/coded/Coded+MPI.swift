import ArgumentParser
import CodedComputingMPI
import Foundation

extension Coded {
  /// ArgumentParser's `main`, except that under an MPI launcher only rank 0 reports: every rank
  /// of `mpirun -np N+1 coded …` parses the same flags, so a usage error (or `--help`) would
  /// otherwise be printed N + 1 times. The other ranks leave silently with status 0: a non-zero
  /// status would make `mpirun` abort the job, possibly before rank 0 has printed its error; rank
  /// 0's status is the job's — also under `mpirun --enable-recovery`, where rank 0's failure is
  /// passed on by ``MPIWorld/failLaunchedJob(grace:)`` (mpirun itself would exit 0).
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
      let code = exitCode(for: error)
      if MPIWorld.launchedRank == 0, code != .success, MPIWorld.isRecoveryEnabled {
        // Under `mpirun --enable-recovery` the job's status would be 0 whatever rank 0 returns:
        // print the error first, then make mpirun fail the job (every rank is stopped).
        let message = fullMessage(for: error)
        if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
        MPIWorld.failLaunchedJob()
        Foundation.exit(code.rawValue)
      }
      exit(withError: error)
    }
  }
}
