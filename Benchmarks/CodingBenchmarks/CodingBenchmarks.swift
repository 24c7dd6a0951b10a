import Benchmark
import CodedComputing

// Encode + decode for K = 100, N = 1000, S = 100, d = m = 784 (issue: coded computing core),
// beside the limits they are measured against: one plain copy of the bytes a round reads and
// writes (the memory bound of the spline code) and the two GEMMs of BACC.
let k = 100
let n = 1000
let s = 100
let d = 784
let survivors = Array(s..<n)  // one window of S stragglers at the start

func inputs() -> Matrix { uniformInputs(count: k, dimension: d, range: -1...1, seed: 1) }

/// Encode + decode rounds of `code` into buffers allocated once (the decoder cache warmed first).
func reusedBufferRounds(_ code: some CodingScheme, _ benchmark: Benchmark) throws {
  let x = inputs()
  let results = try code.encode(x).selectingRows(survivors)
  var coded = Matrix(rows: n, columns: d)
  var decoded = Matrix(rows: k, columns: d)
  try code.decode(results, survivors: survivors, into: &decoded)
  benchmark.startMeasurement()
  for _ in benchmark.scaledIterations {
    try code.encode(x, into: &coded)
    try code.decode(results, survivors: survivors, into: &decoded)
    blackHole(coded)
    blackHole(decoded)
  }
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 200)
  setBLASThreadCount(1)

  // LeTCC single-threaded, and with its blocks of columns shared among one thread per core.
  for threads in [1, 0] {
    let label = threads == 1 ? "1 thread" : "all cores"
    Benchmark("LeTCC encode+decode K=100 N=1000 S=100 d=784 (\(label))") { benchmark in
      setCodingThreadCount(threads)
      defer { setCodingThreadCount(0) }
      let code = try SplineCode(inputCount: k, workerCount: n, decoderLambda: .fixed(1e-6))
      let x = inputs()
      let results = try code.encode(x).selectingRows(survivors)
      _ = try code.decode(results, survivors: survivors)  // warm the decoder cache
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        let coded = try code.encode(x)
        blackHole(coded)
        blackHole(try code.decode(results, survivors: survivors))
      }
    }
  }

  // Steady state of a master that runs rounds in a loop: the output buffers are reused
  // (`encode(_:into:)`, `decode(_:survivors:into:)`), so a round allocates only small scratch.
  // The allocating API above can pay page faults for a fresh 6.3 MB output every round when the
  // allocator hands the memory back to the kernel between rounds.
  for threads in [1, 0] {
    let label = threads == 1 ? "1 thread" : "all cores"
    Benchmark("LeTCC encode+decode into reused buffers K=100 N=1000 S=100 d=784 (\(label))") { benchmark in
      setCodingThreadCount(threads)
      defer { setCodingThreadCount(0) }
      try reusedBufferRounds(
        try SplineCode(inputCount: k, workerCount: n, decoderLambda: .fixed(1e-6)), benchmark)
    }
  }

  // The two halves on one thread: the encoder writes N × d values, the decoder reads |T| × m.
  Benchmark("LeTCC encode only K=100 N=1000 d=784 (1 thread)") { benchmark in
    setCodingThreadCount(1)
    defer { setCodingThreadCount(0) }
    let code = try SplineCode(inputCount: k, workerCount: n, decoderLambda: .fixed(1e-6))
    let x = inputs()
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations { blackHole(try code.encode(x)) }
  }
  Benchmark("LeTCC decode only K=100 N=1000 S=100 m=784 (1 thread)") { benchmark in
    setCodingThreadCount(1)
    defer { setCodingThreadCount(0) }
    let code = try SplineCode(inputCount: k, workerCount: n, decoderLambda: .fixed(1e-6))
    let results = try code.encode(inputs()).selectingRows(survivors)
    _ = try code.decode(results, survivors: survivors)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations { blackHole(try code.decode(results, survivors: survivors)) }
  }

  Benchmark("BACC encode+decode K=100 N=1000 S=100 d=784") { benchmark in
    let code = try BerrutCode(inputCount: k, workerCount: n)
    let x = inputs()
    let results = try code.encode(x).selectingRows(survivors)
    _ = try code.decode(results, survivors: survivors)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      blackHole(try code.encode(x))
      blackHole(try code.decode(results, survivors: survivors))
    }
  }

  Benchmark("BACC encode+decode into reused buffers K=100 N=1000 S=100 d=784") { benchmark in
    try reusedBufferRounds(try BerrutCode(inputCount: k, workerCount: n), benchmark)
  }

  Benchmark("Limit: BACC's two GEMMs (N×K·K×d and K×|T|·|T|×d)") { benchmark in
    let code = try BerrutCode(inputCount: k, workerCount: n)
    let x = inputs()
    let decoder = try code.decoder(survivors: survivors)
    let results = try code.encode(x).selectingRows(survivors)
    var coded = Matrix(rows: n, columns: d)
    var decoded = Matrix(rows: k, columns: d)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      try Matrix.multiply(code.encoder, x, into: &coded)
      try Matrix.multiply(decoder, results, into: &decoded)
      blackHole(coded)
      blackHole(decoded)
    }
  }

  Benchmark("Limit: one copy of the bytes a round reads and writes (K+N+|T|+K rows × d)") { benchmark in
    let source = [Double](repeating: 1, count: (k + n + (n - s) + k) * d)
    var target = [Double](repeating: 0, count: source.count)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      target.withUnsafeMutableBufferPointer { t in
        source.withUnsafeBufferPointer { src in
          t.baseAddress!.update(from: src.baseAddress!, count: src.count)
        }
      }
      blackHole(target)
    }
  }
}
