import Testing

@testable import CodedComputing

@Suite("SequentialWorkerPool")
struct SequentialWorkerPoolTests {
  @Test("runs every worker, records failures as stragglers, and enforces the quorum")
  func sequential() async throws {
    let inputs = Matrix(rows: [[1, 2], [3, 4], [5, 6], [7, 8]])
    let f = ClosureWorkload(name: "flaky") { x in
      if x[0] == 3 { throw WorkloadError.failed("worker 1 exploded") }
      if x[0] == 7 { return [Double.nan, 0] }
      return x.map { 2 * $0 }
    }
    let outcome = try await SequentialWorkerPool().run(inputs: inputs, workload: f, quorum: 2, deadline: nil)
    #expect(outcome.survivors == [0, 2])
    #expect(outcome.outputs == Matrix(rows: [[2, 4], [10, 12]]))
    #expect(Set(outcome.failures.keys) == [1, 3])
    #expect(outcome.failures[1]?.contains("worker 1 exploded") == true)
    #expect(outcome.cancelled.isEmpty)
    #expect(outcome.durations.allSatisfy { $0 != nil && $0! >= 0 })
    await #expect(throws: PoolError.quorumNotReached(quorum: 3, answered: 2, failures: 2)) {
      try await SequentialWorkerPool().run(inputs: inputs, workload: f, quorum: 3, deadline: nil)
    }
    await #expect(throws: PoolError.invalidQuorum(quorum: 5, workers: 4)) {
      try await SequentialWorkerPool().run(inputs: inputs, workload: f, quorum: 5, deadline: nil)
    }
  }

  @Test("an experiment on the sequential pool gives the same trials as on the concurrent one")
  func samePoolResults() async throws {
    let setup = ExperimentSetup(
      scheme: .letcc, workload: BuiltinFunction.sigmoid,
      inputs: uniformInputs(count: 6, dimension: 2, range: -1...1, seed: 3), workers: 40,
      stragglers: 4, stragglerModel: .random, decoderLambda: .gcv, noise: 0.01, trials: 3, seed: 9)
    let sequential = try await runExperiment(setup, pool: SequentialWorkerPool())
    let concurrent = try await runExperiment(setup, pool: InProcessWorkerPool())
    #expect(sequential.trialMSE == concurrent.trialMSE)
  }
}
