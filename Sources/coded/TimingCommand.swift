import ArgumentParser
import CodedComputing

struct TimingCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "timing",
    abstract: "Times encode + decode of coding schemes beside their limits; prints CSV.",
    discussion: """
      Rows: one per scheme, plus `limit-memcopy` (one copy of the K + N + |T| + K rows of d values a \
      round reads and writes: the floor of the spline code) and `limit-gemm` (BACC's two products \
      alone). f is the identity and workers 0..<S straggle.
      """)

  @Option(parsing: .unconditional, help: "Comma-separated schemes.")
  var scheme: String = "letcc,bacc"

  @Option(name: .customLong("K"), parsing: .unconditional, help: "Number of inputs K.")
  var inputCount: Int = 100

  @Option(parsing: .unconditional, help: "Number of workers N.")
  var workers: Int = 1000

  @Option(parsing: .unconditional, help: "Number of stragglers S.")
  var stragglers: Int = 100

  @Option(parsing: .unconditional, help: "Columns d (= m).")
  var dim: Int = 784

  @Option(parsing: .unconditional, help: "Timed rounds per scheme.")
  var repeats: Int = 30

  @Option(parsing: .unconditional, help: "Node layout.")
  var nodes: String = "chebyshev"

  @Option(name: .customLong("decoder-lambda"), parsing: .unconditional, help: "LeTCC decoder lambda (a number).")
  var decoderLambda: Double = 1e-6

  @Option(name: .customLong("blas-threads"), parsing: .unconditional, help: "BLAS threads.")
  var blasThreads: Int = 1

  @Option(parsing: .unconditional, help: "Threads of CodedComputing's own kernels (the LeTCC spline operator); 0: one per processor.")
  var threads: Int = 1

  @OptionGroup var format: FormatOptions

  func run() async throws {
    try await reportingErrors { try await withProgress("coded timing") { try await timeSchemes() } }
  }

  func timeSchemes() async throws {
    guard inputCount >= 2 else { throw CLIFailure("--K must be at least 2, got \(inputCount)") }
    guard repeats >= 1 else { throw CLIFailure("--repeats must be at least 1, got \(repeats)") }
    guard dim >= 1 else { throw CLIFailure("--dim must be at least 1, got \(dim)") }
    guard stragglers >= 0, stragglers < workers else {
      throw CLIFailure("--stragglers must be in 0..<N, got \(stragglers)")
    }
    guard blasThreads >= 1 else { throw CLIFailure("--blas-threads must be at least 1, got \(blasThreads)") }
    guard threads >= 0 else { throw CLIFailure("--threads must be at least 0, got \(threads)") }
    let layout = try parseChoice(nodes, what: "node layout", as: NodeLayout.self)
    let kinds = try scheme.split(separator: ",", omittingEmptySubsequences: false).map {
      try parseChoice(String($0).trimmingCharacters(in: .whitespaces), what: "scheme", as: SchemeKind.self)
    }
    try checkSizes(inputCount: inputCount, workers: workers, dimension: dim, stragglers: stragglers)
    setBLASThreadCount(blasThreads)
    setCodingThreadCount(threads)
    // Build every scheme before printing anything, so a bad one fails with no partial table.
    let codes = try kinds.map { kind in
      (kind, try kind.make(
        inputCount: inputCount, workerCount: workers, layout: layout,
        decoderLambda: .fixed(decoderLambda), functionDegree: 1))
    }
    // Every row names its machine: BLAS, core, threads, CPU and the GEMM rate (384³, once).
    let machine = BLASInfo.current.csvFields(gemmRate: BLASInfo.measureGEMMRate())
    var table = ResultTable(
      header: (
        "scheme,K,N,S,d,repeats,encode_seconds,decode_seconds,total_seconds,total_seconds_min,encode_seconds_min,decode_seconds_min,"
          + BLASInfo.csvHeader
      ).split(separator: ",").map(String.init),
      keyColumns: [
        "scheme", "K", "N", "S", "d", "encode_seconds", "decode_seconds", "total_seconds",
        "total_seconds_min", "blas_core",
      ])
    func row(
      _ name: String, _ encode: Double, _ decode: Double, _ total: Double, _ minimum: Double,
      _ encodeMinimum: Double = .nan, _ decodeMinimum: Double = .nan
    ) {
      let times = [encode, decode, total, minimum, encodeMinimum, decodeMinimum].map(csvNumber)
      table.rows.append(
        [name, "\(inputCount)", "\(workers)", "\(stragglers)", "\(dim)", "\(repeats)"] + times
          + machine.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
    }
    for (kind, code) in codes {
      let t = try timeCoding(scheme: code, dimension: dim, stragglers: stragglers, repeats: repeats)
      row(
        kind.rawValue, t.encodeMedian, t.decodeMedian, t.totalMedian, t.totalMinimum, t.encodeMinimum,
        t.decodeMinimum)
    }
    let values = (2 * inputCount + workers + (workers - stragglers)) * dim
    let copy = timeMemoryCopy(count: values, repeats: repeats)
    row("limit-memcopy", .nan, .nan, copy.median, copy.minimum)
    let bacc = try BerrutCode(inputCount: inputCount, workerCount: workers, layout: layout)
    let survivors = Array(stragglers..<workers)
    let decoder = try bacc.decoder(survivors: survivors)
    let x = uniformInputs(count: inputCount, dimension: dim, range: -1...1, seed: 1)
    let results = try bacc.encode(x).selectingRows(survivors)
    var coded = Matrix(rows: workers, columns: dim)
    var decoded = Matrix(rows: inputCount, columns: dim)
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<repeats {
      let start = clock.now
      try Matrix.multiply(bacc.encoder, x, into: &coded)
      try Matrix.multiply(decoder, results, into: &decoded)
      times.append((clock.now - start) / .seconds(1))
    }
    times.sort()
    row("limit-gemm", .nan, .nan, times[times.count / 2], times[0])
    print(table.text(format.resolved), terminator: "")
  }
}
