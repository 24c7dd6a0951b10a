import Foundation
import Testing

@testable import CodedComputing

@Suite("Experiments and straggler models")
struct ExperimentTests {
  @Test("Worst-window equals the maximum over all windows computed by brute force",
    arguments: [SchemeKind.letcc, .bacc])
  func worstWindowBruteForce(kind: SchemeKind) async throws {
    let k = 4
    let n = 12
    let s = 3
    let x = uniformInputs(count: k, dimension: 2, range: -2...2, seed: 7)
    let setup = ExperimentSetup(
      scheme: kind.factory, workload: BuiltinFunction.xsinx, inputs: x, workers: n, stragglers: s,
      stragglerModel: .worstWindow, decoderLambda: .fixed(0))
    let result = try await runExperiment(setup)
    let scheme = try kind.make(inputCount: k, workerCount: n, layout: .chebyshev, decoderLambda: .fixed(0))
    let y = BuiltinFunction.xsinx.evaluate(batch: try scheme.encode(x))
    let truth = BuiltinFunction.xsinx.evaluate(batch: x)
    var worst = 0.0
    for first in 0...(n - s) {
      let survivors = (0..<n).filter { $0 < first || $0 >= first + s }
      let decoded = try scheme.decode(y.selectingRows(survivors), survivors: survivors)
      var sum = 0.0
      for i in decoded.storage.indices { sum += pow(decoded.storage[i] - truth.storage[i], 2) }
      worst = max(worst, sum / Double(truth.storage.count))
    }
    #expect(result.trialMSE.count == 1)
    #expect(abs(result.mse - worst) <= 1e-15 * max(1, worst))
    #expect(result.meanSurvivors == Double(n - s))
  }

  @Test("The same seed gives the same trials; another seed gives others")
  func seededDeterminism() async throws {
    let x = uniformInputs(count: 6, dimension: 1, range: -1...1, seed: 1)
    func run(_ seed: UInt64) async throws -> [Double] {
      try await runExperiment(
        ExperimentSetup(
          scheme: .letcc, workload: BuiltinFunction.sigmoid, inputs: x, workers: 40, stragglers: 5,
          stragglerModel: .random, decoderLambda: .gcv, noise: 0.01, trials: 4, seed: seed)
      ).trialMSE
    }
    let a = try await run(42)
    let b = try await run(42)
    let c = try await run(43)
    #expect(a == b)
    #expect(a != c)
    #expect(a.count == 4)
  }

  @Test("Random straggler sets are uniform S-subsets and reproducible")
  func randomSubsets() {
    var generator = SplitMix64(seed: 3)
    var counts = [Int](repeating: 0, count: 10)
    for _ in 0..<20_000 {
      let set = StragglerModel.random.stragglerSets(workers: 10, stragglers: 3, using: &generator)[0]
      #expect(set.count == 3 && Set(set).count == 3 && set == set.sorted())
      for w in set { counts[w] += 1 }
    }
    // Each worker straggles with probability 3/10: 6000 expected, sd ≈ 65; allow 5 sd.
    for c in counts { #expect(abs(c - 6000) < 325) }
  }

  @Test("Worst-window lists the N − S + 1 windows in β order")
  func windows() {
    var generator = SplitMix64(seed: 0)
    let sets = StragglerModel.worstWindow.stragglerSets(workers: 6, stragglers: 2, using: &generator)
    #expect(sets == [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
  }

  @Test("Latency-driven stragglers are the slowest S workers")
  func latencyDriven() throws {
    #expect(LatencyModel.slowest(2, of: [0.5, 3, 0.1, 2, 2]) == [1, 4])  // ties: the higher index straggles
    let model = try LatencyModel(parsing: "slow-set:1,4@1,10")
    var generator = SplitMix64(seed: 0)
    #expect(StragglerModel.latency(model).stragglerSets(workers: 6, stragglers: 2, using: &generator) == [[1, 4]])
    #expect(throws: LatencyModelError.self) { try LatencyModel(parsing: "weibull:1") }
    #expect(throws: LatencyModelError.self) { try LatencyModel(parsing: "exponential:-1") }
  }

  @Test("A worker that throws is a straggler, not a crash")
  func failingWorker() async throws {
    let x = uniformInputs(count: 5, dimension: 1, range: -1...1, seed: 2)
    // Fails on the coded input of worker 7 only (identified by its value).
    let code = try SplineCode(inputCount: 5, workerCount: 30)
    let poison = try code.encode(x)[7, 0]
    let f = ClosureWorkload(name: "flaky") { input in
      if input[0] == poison { throw WorkloadError.failed("worker exploded") }
      return input.map { $0 * $0 }
    }
    let result = try await runExperiment(
      ExperimentSetup(
        scheme: .letcc, workload: f, inputs: x, workers: 30, stragglers: 2, stragglerModel: .random,
        decoderLambda: .fixed(0), trials: 3, seed: 1))
    #expect(result.failedWorkers == [7])
    #expect(result.mse < 1e-4)
    #expect(result.meanSurvivors <= 27)
  }

  @Test("Impossible setups are refused with a clear error")
  func refusals() async throws {
    let x = uniformInputs(count: 5, dimension: 1, range: -1...1, seed: 2)
    func setup(_ scheme: SchemeKind, n: Int, s: Int, noise: Double = 0, f: BuiltinFunction = .xsinx) -> ExperimentSetup {
      ExperimentSetup(scheme: scheme.factory, workload: f, inputs: x, workers: n, stragglers: s, stragglerModel: .random, noise: noise)
    }
    await #expect(throws: ExperimentError.self) { try await runExperiment(setup(.letcc, n: 10, s: 10)) }
    await #expect(throws: ExperimentError.self) { try await runExperiment(setup(.letcc, n: 10, s: 2, noise: -1)) }
    // LCC on square with K = 5 needs 9 survivors.
    await #expect(throws: ExperimentError.coding(.tooFewSurvivors(scheme: "lcc", survivors: 8, minimum: 9))) {
      try await runExperiment(setup(.lcc, n: 10, s: 2, f: .square))
    }
    let lcc = try await runExperiment(setup(.lcc, n: 10, s: 1, f: .square))
    #expect(lcc.mse < 1e-20)
  }

  @Test("Noise raises interpolating decoders' error and the GCV decoder smooths it")
  func noiseAndGCV() async throws {
    let x = uniformInputs(count: 10, dimension: 1, range: -1...1, seed: 5)
    func mse(_ lambda: SmoothingChoice) async throws -> Double {
      try await runExperiment(
        ExperimentSetup(
          scheme: .letcc, workload: BuiltinFunction.xsinx, inputs: x, workers: 400, stragglers: 20,
          stragglerModel: .random, decoderLambda: lambda, noise: 0.1, trials: 5, seed: 3)
      ).mse
    }
    let interpolating = try await mse(.fixed(0))
    let gcv = try await mse(.gcv)
    let optimal = try await mse(.optimal)
    // Interpolating passes the noise through: MSE ≈ σ² = 0.01 at the α. Smoothing must do better.
    #expect(interpolating > 0.003)
    #expect(gcv < interpolating / 3)
    #expect(optimal < interpolating / 3)
  }
}

@Suite("Real arrivals on the in-process pool")
struct ArrivalTests {
  @Test("The arrival model decodes from the workers that really answered first")
  func arrival() async throws {
    let x = uniformInputs(count: 5, dimension: 1, range: -1...1, seed: 4)
    // Workers 0 and 1 sleep 1000 s; the round must return without them, long before that
    // (the bound is loose because the whole suite shares two cores).
    let latency = try LatencyModel(parsing: "slow-set:0,1@0.001,1000")
    let clock = ContinuousClock()
    let start = clock.now
    let result = try await runExperiment(
      ExperimentSetup(
        scheme: .letcc, workload: BuiltinFunction.xsinx, inputs: x, workers: 40, stragglers: 2,
        stragglerModel: .arrival(latency), decoderLambda: .fixed(0), trials: 2, seed: 1))
    #expect(clock.now - start < .seconds(120))
    #expect(result.meanSurvivors == 38)
    // Same survivors as the simulated worst case that drops workers 0 and 1.
    let simulated = try await runExperiment(
      ExperimentSetup(
        scheme: .letcc, workload: BuiltinFunction.xsinx, inputs: x, workers: 40, stragglers: 2,
        stragglerModel: .fixed([0, 1]), decoderLambda: .fixed(0)))
    #expect(result.trialMSE == [simulated.mse, simulated.mse])
  }
}
