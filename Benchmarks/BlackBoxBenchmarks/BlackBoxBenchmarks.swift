import Benchmark
import CodedComputing

/// One coded gradient round for d = 784 (an MNIST-size image; the synthetic `quadratic`, whose
/// evaluation is one 784 × 784 matrix–vector product): the decode of the N·B central differences
/// against the 2·N·B evaluations of f the workers make. N = 32 workers per block, K = 28
/// coordinates per block (B = 28 blocks, 896 workers), 4 absent workers per block.
let benchmarks: @Sendable () -> Void = {
  // Concurrent workers calling a multithreaded OpenBLAS hang at this size: one BLAS thread each.
  setBLASThreadCount(1)
  let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 1000)
  let d = 784
  guard let f = try? TestFunction(name: "quadratic", dimension: d, seed: 1) else { return }
  let x = [Double](repeating: 0.25, count: d)

  for code in [DirectionCode.polar, .mds, .gaussian] {
    guard
      let estimator = try? CodedGradientEstimator(
        code: code, dimension: d, workers: 32, blockSize: 28, step: 1e-3)
    else { continue }
    let task = CentralDifference(function: f, point: x, step: estimator.step)
    let directions = (0..<estimator.workerCount).map(estimator.direction(ofWorker:))
    var values = [Double?](repeating: nil, count: estimator.workerCount)
    for (w, z) in directions.enumerated() { values[w] = try? task.evaluate(z)[0] }
    // Polar: drop workers while the block stays decodable; the others: the last 4 of each block.
    for b in 0..<estimator.blockCount {
      var dropped = 0
      for n in stride(from: 31, through: 0, by: -1) where dropped < 4 {
        let w = b * 32 + n
        let kept = values[w]
        values[w] = nil
        let mask = values.map { $0 != nil }
        if code == .polar && !estimator.canDecode(from: mask) {
          values[w] = kept
        } else {
          dropped += 1
        }
      }
    }

    Benchmark("decode d=784 \(code.rawValue) N=32 K=28", configuration: configuration) {
      benchmark in
      for _ in benchmark.scaledIterations { blackHole(try estimator.decode(values)) }
    }

    Benchmark(
      "evaluations d=784 \(code.rawValue) (2 per worker, 896 workers)", configuration: configuration
    ) {
      benchmark in
      for _ in benchmark.scaledIterations {
        var sum = 0.0
        for z in directions { sum += (try? task.evaluate(z)[0]) ?? 0 }
        blackHole(sum)
      }
    }
  }

  guard
    let mds = try? CodedGradientEstimator(
      code: .mds, dimension: d, workers: 32, blockSize: 28, step: 1e-3)
  else { return }
  Benchmark(
    "round d=784 mds N=32 K=28 in-process pool, 4 absent per block", configuration: configuration
  ) {
    benchmark in
    let pool = InProcessWorkerPool()
    var generator = SplitMix64(seed: 1)
    for _ in benchmark.scaledIterations {
      blackHole(
        try await mds.estimate(
          f, at: x, pool: pool, setting: StragglerSetting(absentPerBlock: 4), using: &generator))
    }
  }
}
