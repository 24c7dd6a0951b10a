import Benchmark
import CodedComputing

/// The master-side cost of one round of ``InProcessWorkerPool`` with a trivial f (the identity on
/// d = 1), so that the figure is pool overhead: starting the compute threads, queueing N jobs,
/// N lock round-trips, the freeze and the outcome. Divide by N for the per-worker cost.
let benchmarks: @Sendable () -> Void = {
  let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 10_000)

  for workers in [100, 1000] {
    let inputs = Matrix(rows: workers, columns: 1, repeating: 1)
    let workload = BuiltinFunction.identity

    for (label, quorum) in [("all", workers), ("90%", workers * 9 / 10)] {
      Benchmark("round N=\(workers) quorum=\(label)", configuration: configuration) { benchmark in
        let pool = InProcessWorkerPool()
        for _ in benchmark.scaledIterations {
          blackHole(
            try await pool.run(inputs: inputs, workload: workload, quorum: quorum, deadline: nil))
        }
      }
    }

    Benchmark("round N=\(workers) quorum=all one thread", configuration: configuration) {
      benchmark in
      let pool = InProcessWorkerPool(maxConcurrentWorkers: 1)
      for _ in benchmark.scaledIterations {
        blackHole(
          try await pool.run(inputs: inputs, workload: workload, quorum: workers, deadline: nil))
      }
    }

    Benchmark("round N=\(workers) quorum=all with deadline", configuration: configuration) {
      benchmark in
      let pool = InProcessWorkerPool()
      for _ in benchmark.scaledIterations {
        blackHole(
          try await pool.run(
            inputs: inputs, workload: workload, quorum: workers, deadline: .seconds(10)))
      }
    }

    // The same N evaluations with no pool, for reference.
    Benchmark("sequential loop N=\(workers)", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations {
        var outputs = Matrix(rows: workers, columns: 1)
        for n in 0..<workers { outputs[n, 0] = workload.evaluate(inputs.row(n))[0] }
        blackHole(outputs)
      }
    }
  }
}
