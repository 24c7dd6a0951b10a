import Foundation

/// A pool that runs its workers one after another in the caller's task.
///
/// No concurrency and no early return: every worker runs, so the outcome depends only on the
/// workload. Useful as a deterministic baseline and when f is itself parallel (BLAS). A worker
/// that throws, returns the wrong number of values or a non-finite value is reported as a failure
/// (a straggler).
public struct SequentialWorkerPool: WorkerPool {
  public init() {}

  public func run(inputs: Matrix, workload: any Workload, quorum: Int, deadline: Duration?)
    async throws(PoolError) -> PoolOutcome
  {
    let n = inputs.rows
    guard quorum >= 1 && quorum <= n else { throw .invalidQuorum(quorum: quorum, workers: n) }
    let expected = try? workload.outputDimension(inputDimension: inputs.columns)
    var survivors: [Int] = []
    var rows: [[Double]] = []
    var durations = [Double?](repeating: nil, count: n)
    var failures: [Int: String] = [:]
    let clock = ContinuousClock()
    for w in 0..<n {
      let start = clock.now
      do {
        let y = try workload.evaluate(inputs.row(w))
        if let m = expected, y.count != m {
          failures[w] = WorkloadError.wrongOutputDimension(expected: m, actual: y.count).description
        } else if y.contains(where: { !$0.isFinite }) {
          failures[w] = "worker \(w) returned a non-finite value"
        } else {
          survivors.append(w)
          rows.append(y)
        }
      } catch {
        failures[w] = "\(error)"
      }
      durations[w] = (clock.now - start).inSeconds
    }
    guard survivors.count >= quorum else {
      throw .quorumNotReached(quorum: quorum, answered: survivors.count, failures: failures.count)
    }
    let m = rows.first?.count ?? (expected ?? 0)
    var outputs = Matrix(rows: rows.count, columns: m)
    for (i, row) in rows.enumerated() { for j in 0..<m { outputs[i, j] = row[j] } }
    return PoolOutcome(
      survivors: survivors, outputs: outputs, durations: durations, failures: failures, cancelled: [])
  }
}
