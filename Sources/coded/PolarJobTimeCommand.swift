import ArgumentParser
import CodedComputing
import Foundation

struct PolarJobTimeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "job-time",
    abstract: "Simulated job time of polar, MDS, uncoded and replication on common draws; CSV.",
    discussion: """
      One row per scheme: scheme,workers,data_blocks,trials,mean_job_time,p50_job_time,p99_job_time,\
      decode_seconds. Every worker's task (one block) takes an i.i.d. draw from --latency; polar \
      finishes when its information set is decodable, mds at the K-th arrival of N, uncoded at the \
      last of K workers, replication (N/K copies, worker n holds block n mod K) when every block \
      has a copy back. Percentiles interpolate linearly (NumPy's default). decode_seconds: median \
      wall time of the master's decode (--columns values per block) on the set arrived at the job \
      time of the first trial (one BLAS thread); uncoded and replication gather one copy of each block.
      """)

  @OptionGroup var common: PolarCommonOptions

  @OptionGroup var blocks: PolarDataBlocksOption

  @Option(help: "Run-time law of one task.")
  var latency: String

  @Option(help: "Polar construction: bec:EPS, deadline:T or mean.")
  var construction: String

  @Option(help: "Simulated jobs.")
  var trials: Int

  @Option(help: "Polar kernel: arikan or hadamard.")
  var kernel: String = "arikan"

  @Option(help: "Values per block in the decode timing.")
  var columns: Int = 1

  @Option(help: "Also write every trial's job time (scheme,trial,job_time) to FILE.")
  var samples: String?

  func run() async throws {
    try await reportingErrors {
      let (workers, dataBlocks) = try blocks.checked(common)
      guard trials >= 1 && trials <= 10_000_000 && trials * workers <= 1 << 32 else {
        throw CLIFailure(
          "--trials must be in 1...10000000 with trials·N <= 2^32 (the simulation's work), got \(trials) for N = \(workers)"
        )
      }
      guard columns >= 1 && columns <= 4096 else {
        throw CLIFailure("--columns must be in 1...4096, got \(columns)")
      }
      let law = try parsePolarLatency(latency, workers: workers)
      setBLASThreadCount(1)
      let polar = try PolarCode(
        dataBlocks: dataBlocks, workers: workers,
        construction: try parsePolarConstruction(construction, workers: workers),
        latency: law, kernel: try parsePolarKernel(kernel))
      let mds = try MDSCode(dataBlocks: dataBlocks, workers: workers, seed: common.seed)
      var generator = SplitMix64(seed: common.seed)
      let firstTimes = law.sample(count: workers, using: &generator)
      generator = SplitMix64(seed: common.seed)
      let jobTimes = try simulateLinearJobTimes(
        polar: polar, latency: law, trials: trials, using: &generator)
      var lines = [
        "scheme,workers,data_blocks,trials,mean_job_time,p50_job_time,p99_job_time,decode_seconds"
      ]
      var sampleLines = ["scheme,trial,job_time"]
      for scheme in LinearScheme.allCases {
        let times = jobTimes[scheme] ?? []
        let summary = JobTimeSummary(times)
        let finish = scheme.jobTime(times: firstTimes, dataBlocks: dataBlocks, polar: polar)
        let hired = scheme.workers(coded: workers, dataBlocks: dataBlocks)
        let arrived = (0..<hired).filter { firstTimes[$0] <= finish }
        let decode = try decodeSeconds(scheme, polar: polar, mds: mds, arrived: arrived)
        let values = [summary.mean, summary.median, summary.p99, decode]
        try requireFinite(values, "a \(scheme.rawValue) job time")
        lines.append(
          "\(scheme.rawValue),\(hired),\(dataBlocks),\(trials),"
            + values.map(csvNumber).joined(separator: ","))
        for (t, time) in times.enumerated() {
          sampleLines.append("\(scheme.rawValue),\(t),\(csvNumber(time))")
        }
      }
      if let samples {
        try writeAtomically(sampleLines.joined(separator: "\n") + "\n", to: samples)
      }
      try common.emit(lines)
    }
  }

  /// Median of 5 decodes of the arrived set (coded schemes) or gathers of one copy per block.
  func decodeSeconds(_ scheme: LinearScheme, polar: PolarCode, mds: MDSCode, arrived: [Int]) throws
    -> Double
  {
    switch scheme {
    case .polar:
      return try timeCoding(
        scheme: polar, dimension: columns, stragglers: 0, repeats: 5, survivors: arrived
      ).decodeMedian
    case .mds:
      return try timeCoding(
        scheme: mds, dimension: columns, stragglers: 0, repeats: 5, survivors: arrived
      ).decodeMedian
    case .uncoded, .replication:
      let dataBlocks = polar.inputCount
      var copy = [Int](repeating: -1, count: dataBlocks)
      for (row, n) in arrived.enumerated() where copy[n % dataBlocks] < 0 {
        copy[n % dataBlocks] = row
      }
      guard !copy.contains(-1) else { throw CLIFailure("a block has no copy at the job time") }
      let results = uniformInputs(count: arrived.count, dimension: columns, range: -1...1, seed: 1)
      let clock = ContinuousClock()
      var seconds: [Double] = []
      for _ in 0..<5 {
        let start = clock.now
        let gathered = results.selectingRows(copy)
        seconds.append((clock.now - start).inSeconds)
        precondition(gathered.rows == dataBlocks)
      }
      return seconds.sorted()[2]
    }
  }
}
