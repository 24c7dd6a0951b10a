import ArgumentParser
import CodedComputing

struct PolarTimingCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "timing",
    abstract: "Encode and decode time of polar and MDS on the same data; CSV.",
    discussion: """
      Rows scheme,encode_seconds,decode_seconds (medians of --repeats rounds; --statistic minimum \
      for the fastest round, steadier on a loaded machine). Data: K blocks of \
      --columns values. Survivors: --order random draws exponential:1 run times; --order reversed \
      makes worker N-1 arrive first, then N-2, ... (the MDS parity workers first: a full K × K \
      solve). Each scheme decodes from the workers arrived when it can first decode (polar: its \
      information set decodable; mds: the K-th arrival). One BLAS thread unless --blas-threads.
      """)

  @OptionGroup var common: PolarCommonOptions

  @OptionGroup var blocks: PolarDataBlocksOption

  @Option(help: "Values per block (the columns of the other factor).")
  var columns: Int

  @Option(
    help: "Polar construction: bec:EPS, deadline:T or mean (mean and deadline use exponential:1).")
  var construction: String = "bec:0.5"

  @Option(help: "Polar kernel: arikan or hadamard.")
  var kernel: String = "arikan"

  @Option(help: "Comma-separated schemes among polar, mds.")
  var schemes: String = "polar,mds"

  @Option(help: "Timed rounds per scheme.")
  var repeats: Int = 21

  @Option(help: "median or minimum over the repeats.")
  var statistic: String = "median"

  @Option(help: "Arrival order: random (exponential:1 draws) or reversed (worker N-1 first).")
  var order: String = "random"

  @Option(name: .customLong("blas-threads"), help: "BLAS threads (MDS).")
  var blasThreads: Int = 1

  func run() async throws {
    try await reportingErrors {
      let (workers, dataBlocks) = try blocks.checked(common)
      guard columns >= 1, columns.multipliedReportingOverflow(by: workers).partialValue <= 1 << 24,
        !columns.multipliedReportingOverflow(by: workers).overflow
      else {
        throw CLIFailure("--columns must be >= 1 with N·columns <= 2^24, got \(columns)")
      }
      guard repeats >= 1 && repeats <= 10_000 else {
        throw CLIFailure("--repeats must be in 1...10000, got \(repeats)")
      }
      guard blasThreads >= 1 else {
        throw CLIFailure("--blas-threads must be at least 1, got \(blasThreads)")
      }
      let names = schemes.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      for name in names where name != "polar" && name != "mds" {
        throw CLIFailure("unknown scheme '\(name)' in --schemes (known: polar, mds)")
      }
      guard statistic == "median" || statistic == "minimum" else {
        throw CLIFailure("unknown --statistic '\(statistic)' (known: median, minimum)")
      }
      setBLASThreadCount(blasThreads)
      let law = LatencyModel.exponential(rate: 1)
      var generator = SplitMix64(seed: common.seed)
      let times: [Double]
      switch order {
      case "random": times = law.sample(count: workers, using: &generator)
      case "reversed": times = (0..<workers).map { Double(workers - $0) }
      default: throw CLIFailure("unknown --order '\(order)' (known: random, reversed)")
      }
      let polar = try PolarCode(
        dataBlocks: dataBlocks, workers: workers,
        construction: try parsePolarConstruction(construction, workers: workers),
        latency: law, kernel: try parsePolarKernel(kernel))
      var lines = ["scheme,encode_seconds,decode_seconds"]
      for name in names {
        let scheme: any CodingScheme
        let finish: Double
        if name == "polar" {
          scheme = polar
          finish = LinearScheme.polar.jobTime(times: times, dataBlocks: dataBlocks, polar: polar)
        } else {
          guard
            workers.multipliedReportingOverflow(by: dataBlocks).partialValue
              <= MDSCode.maximumGeneratorEntries
          else {
            throw CLIFailure("mds with N × K = \(workers) × \(dataBlocks) is too large to time")
          }
          scheme = try MDSCode(dataBlocks: dataBlocks, workers: workers, seed: common.seed)
          finish = LinearScheme.mds.jobTime(times: times, dataBlocks: dataBlocks, polar: nil)
        }
        let arrived = (0..<workers).filter { times[$0] <= finish }
        let t = try timeCoding(
          scheme: scheme, dimension: columns, stragglers: 0, repeats: repeats, seed: common.seed,
          survivors: arrived)
        let seconds =
          statistic == "median"
          ? [t.encodeMedian, t.decodeMedian] : [t.encodeMinimum, t.decodeMinimum]
        try requireFinite(seconds, "a time")
        lines.append("\(name)," + seconds.map(csvNumber).joined(separator: ","))
      }
      try common.emit(lines)
    }
  }
}
