import Benchmark
import CodedComputing

// Issue 13: polar decode against MDS decode at N = 1024, K = 512, 64 columns (target ≥ 10×), and
// polar encode/decode over N = 2⁶…2¹⁶ (K = N/2, 64 columns) for the N log N fit. Survivors: one
// draw of Exp(1) run times; each scheme decodes from the workers arrived when it first can.
let columns = 64

/// The code, its inputs and the arrived set at which it can first decode.
func setup(_ scheme: LinearScheme, workers: Int) throws -> (any CodingScheme, Matrix, Matrix, [Int])
{
  let k = workers / 2
  let law = LatencyModel.exponential(rate: 1)
  var generator = SplitMix64(seed: 1)
  let times = law.sample(count: workers, using: &generator)
  let (code, _) = try scheme.makeCode(
    dataBlocks: k, workers: workers, construction: .bec(erasure: 0.5), latency: law)
  let polar = code as? PolarCode
  let finish = scheme.jobTime(times: times, dataBlocks: k, polar: polar)
  let arrived = (0..<workers).filter { times[$0] <= finish }
  let x = uniformInputs(count: k, dimension: columns, range: -1...1, seed: 1)
  let results = try code.encode(x).selectingRows(arrived)
  return (code, x, results, arrived)
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(2), maxIterations: 100)
  setBLASThreadCount(1)

  for scheme in [LinearScheme.polar, .mds] {
    Benchmark("\(scheme.rawValue) decode N=1024 K=512 m=64") { benchmark in
      let (code, _, results, arrived) = try setup(scheme, workers: 1024)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        blackHole(try code.decode(results, survivors: arrived))
      }
    }
    Benchmark("\(scheme.rawValue) encode N=1024 K=512 m=64") { benchmark in
      let (code, x, _, _) = try setup(scheme, workers: 1024)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations { blackHole(try code.encode(x)) }
    }
  }

  for exponent in stride(from: 6, through: 16, by: 2) {
    let workers = 1 << exponent
    Benchmark("polar encode+decode N=2^\(exponent) K=N/2 m=64") { benchmark in
      let (code, x, results, arrived) = try setup(.polar, workers: workers)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        blackHole(try code.encode(x))
        blackHole(try code.decode(results, survivors: arrived))
      }
    }
  }
}
