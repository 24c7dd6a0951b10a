import CodedComputing
import Foundation
import Synchronization
import Testing

/// The round API: set stopping rules, per-worker workloads, descriptors, streaming rounds, and
/// the experiment layer on a code whose decodability depends on the set (``PairCode``, the toy
/// code of Guides/Architecture.md).
@Suite("Round API", .serialized, .timeLimit(.minutes(1)))
struct RoundAPITests {
  /// Row n = [n, n/2]: the first coordinate names the worker.
  static func rows(_ n: Int) -> Matrix {
    Matrix(rows: (0..<n).map { [Double($0), Double($0) / 2] })
  }

  @Test("a set rule stops at the first decodable set, not at a count")
  func firstDecodableSet() async throws {
    let code = try PairCode(inputCount: 4)  // N = 8; workers 0 and 1 carry input 0
    // Worker 1's copy of input 0 comes 5 s late: the round must end at worker 0 (300 ms), long
    // before, however loaded the machine.
    let delays: [Duration] = [.milliseconds(300), .seconds(5)] + Array(repeating: .zero, count: 6)
    let start = ContinuousClock.now
    let outcome = try await InProcessWorkerPool().run(
      Round(
        inputs: try code.encode(Self.rows(4)), workload: BuiltinFunction.identity,
        stoppingRule: .decodable(by: code), injectedDelays: delays))
    let elapsed = ContinuousClock.now - start
    // A count of K = 4 (or even 6) would have stopped before input 0 had a copy back.
    #expect(outcome.survivors == [0, 2, 3, 4, 5, 6, 7])
    #expect(outcome.cancelled == [1])
    #expect(outcome.arrivals.last?.worker == 0)
    #expect(outcome.arrivals.count == 7)
    #expect(elapsed >= .milliseconds(290) && elapsed < .milliseconds(4500))
    let estimates = try code.decode(outcome.outputs, survivors: outcome.survivors)
    #expect(estimates.storage == Self.rows(4).storage)

    // The same round with a count rule stops after six arrivals, undecodable.
    let counted = try await InProcessWorkerPool().run(
      Round(
        inputs: try code.encode(Self.rows(4)), workload: BuiltinFunction.identity,
        stoppingRule: .count(6), injectedDelays: delays))
    #expect(counted.survivors == [2, 3, 4, 5, 6, 7])
    #expect(!code.canDecode(survivors: counted.survivors))
  }

  @Test("a set rule that failures make unreachable ends the round at once with a clear error")
  func unreachableSetRule() async throws {
    let code = try PairCode(inputCount: 2)
    // Both copies of input 1 (workers 2 and 3) fail: no later arrival can make the set decodable.
    let failing = ClosureWorkload(name: "fails-on-input-1") { x in
      if x[0] == 1 { throw WorkloadError.failed("input 1 refused") }
      return x
    }
    await #expect {
      _ = try await InProcessWorkerPool().run(
        Round(
          inputs: try code.encode(Self.rows(2)), workload: failing,
          stoppingRule: .decodable(by: code), deadline: .seconds(20)))
    } throws: { error in
      guard case .stoppingRuleNotMet(let rule, let answered, let failures) = error as? PoolError
      else { return false }
      return rule == "a set pairs can decode" && answered == 2 && failures == 2
    }
  }

  @Test("a round with per-worker workloads runs two different functions")
  func perWorkerWorkloads() async throws {
    let x = Self.rows(6)
    let round = Round(
      inputs: x, workloads: [BuiltinFunction.sin, BuiltinFunction.square],
      assignment: [0, 1, 0, 1, 1, 0], stoppingRule: .count(6))
    for pool in [InProcessWorkerPool() as any WorkerPool, SequentialWorkerPool()] {
      let outcome = try await pool.run(round)
      #expect(outcome.survivors == Array(0..<6))
      for n in 0..<6 {
        let expected =
          round.assignment[n] == 0 ? x.row(n).map { sin($0) } : x.row(n).map { $0 * $0 }
        #expect(outcome.outputs.row(n) == expected)
      }
    }
    // Workloads that disagree on m cannot share a round.
    let mixed = Round(
      inputs: x, workloads: [BuiltinFunction.sin, BuiltinFunction.sumsquares],
      assignment: [0, 1, 0, 1, 1, 0], stoppingRule: .count(6))
    await #expect(throws: PoolError.self) { try await InProcessWorkerPool().run(mixed) }
  }

  @Test("a closure workload on a descriptor-only pool fails with a clear error")
  func closureOnDescriptorPool() async throws {
    let pool = InProcessWorkerPool(requiresDescriptors: true)
    let closure = ClosureWorkload(name: "my-closure") { $0 }
    await #expect(throws: PoolError.workloadNotSerialisable("my-closure")) {
      try await pool.run(inputs: Self.rows(3), workload: closure, quorum: 3, deadline: nil)
    }
    #expect(
      PoolError.workloadNotSerialisable("my-closure").description.contains(
        "'my-closure' has no descriptor"))
    // Built-in functions travel by name and are rebuilt by the registry.
    let outcome = try await pool.run(
      inputs: Self.rows(3), workload: BuiltinFunction.cube, quorum: 3, deadline: nil)
    #expect(outcome.outputs.row(2) == [8, 1])
    // An experiment on that pool refuses the closure the same way.
    let setup = ExperimentSetup(
      scheme: .bacc, workload: closure, inputs: Self.rows(4), workers: 8, stragglers: 0,
      stragglerModel: .none)
    await #expect(throws: ExperimentError.pool(.workloadNotSerialisable("my-closure"))) {
      try await runExperiment(setup, pool: pool)
    }
  }

  @Test("descriptors round-trip through JSON and rebuild the workload; a changed model is refused")
  func descriptors() throws {
    let descriptor = try #require(BuiltinFunction.sigmoid.descriptor)
    #expect(descriptor.description == "sigmoid")
    let decoded = try WorkloadDescriptor(json: descriptor.encoded())
    #expect(decoded == descriptor)
    #expect(try WorkloadRegistry.make(decoded).evaluate([0]) == [0.5])
    #expect(throws: WorkloadError.self) { try WorkloadRegistry.make(.builtin("cosh")) }
    #expect(throws: WorkloadError.self) {
      try WorkloadRegistry.make(WorkloadDescriptor(kind: "no-such-kind", name: "x"))
    }
    #expect(ClosureWorkload(name: "c") { $0 }.descriptor == nil)
    #expect(BuiltinFunction.cube.polynomialDegree == 3)
    #expect(ClosureWorkload(name: "c", polynomialDegree: 2) { $0 }.polynomialDegree == 2)

    var generator = SplitMix64(seed: 4)
    let network = try SequentialNetwork.make(
      .mlp, inputShape: FeatureShape(channels: 1, height: 2, width: 2), classes: 3,
      activation: .tanh, using: &generator)
    #expect(network.descriptor == nil)  // in memory only
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "round-api-\(UUID().uuidString).json"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try network.save(to: path)
    let loaded = try SequentialNetwork.load(from: path)
    let modelDescriptor = try #require(loaded.descriptor)
    #expect(modelDescriptor == .model(path: path, checksum: network.parameterChecksum))
    let rebuilt = try WorkloadRegistry.make(modelDescriptor)
    #expect(
      try rebuilt.evaluate([0.1, 0.2, 0.3, 0.4]) == (try network.evaluate([0.1, 0.2, 0.3, 0.4])))
    var changed = modelDescriptor
    changed.parameters["checksum"] = "fnv1a64:0000000000000000"
    #expect(throws: WorkloadError.self) { try WorkloadRegistry.make(changed) }
  }

  @Test("a streaming round stops every worker within one result of the consumer's stop")
  func streamingStops() async throws {
    let produced = Atomic<Int>(0)
    let producer = ClosureStreamProducer { worker, index in
      produced.add(1, ordering: .relaxed)
      Thread.sleep(forTimeInterval: 0.002)
      return [Double(worker), Double(index)]
    }
    let workers = 6
    let round = StreamingRound(workers: workers, producer: producer, maximumResultsPerWorker: 1000)
    let (outcome, seen) = try await InProcessWorkerPool(maxConcurrentWorkers: 3).stream(
      round, initialState: [StreamedResult]()
    ) { seen, result in
      seen.append(result)
      return seen.count == 40 ? .stop : .continue
    }
    #expect(outcome.ending == .stopped)
    #expect(outcome.delivered == 40 && seen.count == 40)
    #expect(outcome.resultsPerWorker.reduce(0, +) == 40)
    // Each worker's results arrive in index order, and arrival times never go backwards.
    for w in 0..<workers {
      let indices = seen.filter { $0.worker == w }.map(\.index)
      #expect(indices == Array(0..<indices.count))
    }
    #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.seconds <= $1.seconds })
    // Round-robin service: every worker got a share (a LIFO or per-thread assignment would leave
    // three of the six workers with none). Not a fixed minimum above 1: a compute thread that the
    // OS deschedules mid-result holds its worker out of the queue meanwhile, so under load the
    // shares are uneven (≥ 4 of 40 failed once at load ≈ 20).
    #expect(outcome.resultsPerWorker.allSatisfy { $0 >= 1 })
    // After the stop, at most the results in flight (one per thread) were produced.
    try await Task.sleep(for: .milliseconds(100))
    #expect(produced.load(ordering: .relaxed) <= 40 + 3)
  }

  @Test("a stream ends when every worker is exhausted; an unbounded stream is refused")
  func streamingExhaustion() async throws {
    let producer = ClosureStreamProducer { worker, index in
      index < worker ? [Double(index)] : nil  // worker w has w results
    }
    for pool in [InProcessWorkerPool() as any WorkerPool, SequentialWorkerPool()] {
      let (outcome, total) = try await pool.stream(
        StreamingRound(workers: 5, producer: producer, deadline: .seconds(20)), initialState: 0.0
      ) { total, result in
        total += result.values[0]
        return .continue
      }
      #expect(outcome.ending == .exhausted)
      #expect(outcome.resultsPerWorker == [0, 1, 2, 3, 4])
      #expect(total == 0 + 1 + 3 + 6)  // Σ_w Σ_{i<w} i
    }
    await #expect(throws: PoolError.self) {
      _ = try await InProcessWorkerPool().stream(
        StreamingRound(workers: 2, producer: producer), initialState: 0
      ) { _, _ in .continue }
    }
  }

  @Test("experiments on a set-decodable code: undecodable draws are failed trials, not averaged in")
  func failedTrials() async throws {
    let x = uniformInputs(count: 4, dimension: 2, range: -1...1, seed: 3)
    // N = 8, S = 3 random stragglers: a trial fails when both copies of some input straggle.
    let setup = ExperimentSetup(
      scheme: pairs, workload: BuiltinFunction.xsinx, inputs: x, workers: 8, stragglers: 3,
      stragglerModel: .random, trials: 200, seed: 11)
    let result = try await runExperiment(setup)
    // P(some pair lost) with 3 of 8 lost = 4·C(6,1)/C(8,3) = 24/56; 200 trials → about 86.
    #expect(result.failedTrials > 50 && result.failedTrials < 125)
    #expect(result.trialMSE.count + result.failedTrials == 200)
    #expect(result.mse == 0)  // every decoded trial is exact
    // Worst-window with S = 2: the window {1, 2} keeps a copy of every input but {0, 1} does not,
    // so every trial fails and the experiment says why.
    var worst = setup
    worst.stragglers = 2
    worst.stragglerModel = .worstWindow
    worst.trials = 3
    await #expect(throws: ExperimentError.self) { try await runExperiment(worst) }
    // Arrival trials on the pool stop at the first decodable set of at least N − S.
    var arrival = setup
    arrival.stragglerModel = .arrival(.exponential(rate: 500))
    arrival.trials = 5
    let real = try await runExperiment(arrival)
    #expect(real.mse == 0 && real.failedTrials == 0 && real.meanSurvivors >= 5)
  }
}
