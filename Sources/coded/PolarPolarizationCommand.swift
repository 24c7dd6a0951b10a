import ArgumentParser
import CodedComputing

struct PolarPolarizationCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "polarization",
    abstract: "Mean virtual run time of every virtual index (natural order); CSV.",
    discussion: """
      Columns: index,mean_time,ci95_half_width,method,branches. `branches` spells the index's bits \
      most significant first (0 = minus: max of the halves, 1 = plus: min). exact: CDF recursion \
      and numerical integration (all laws of the grammar have a closed-form CDF; the deterministic \
      ones are computed directly), half-width 0; monte-carlo: --trials draws, 95 % half-width.
      """)

  @OptionGroup var common: PolarCommonOptions

  @Option(
    help:
      "Run-time law: exponential:RATE, shifted-exponential:SHIFT,RATE, pareto:SCALE,SHAPE, constant:T, slow-set:I,J@FAST,SLOW."
  )
  var latency: String

  @Option(help: "exact or monte-carlo.")
  var method: String = "exact"

  @Option(help: "Monte-Carlo draws (method monte-carlo).")
  var trials: Int = 10_000

  func run() async throws {
    try await reportingErrors {
      let workers = try common.checkedWorkers()
      guard workers <= 1 << 16 else {
        throw CLIFailure(
          "polarization prints one row per virtual index: --workers must be <= 65536 (2^16), got \(workers)"
        )
      }
      let law = try parsePolarLatency(latency, workers: workers)
      let means: [Double]
      let halfWidths: [Double]
      switch method {
      case "exact":
        means = try PolarPolarization.exactMeans(workers: workers, latency: law)
        halfWidths = [Double](repeating: 0, count: means.count)
      case "monte-carlo":
        guard trials >= 2 && trials <= 100_000_000 && trials * workers <= 1 << 32 else {
          throw CLIFailure(
            "--trials must be in 2...100000000 with trials·N <= 2^32 (the simulation's work), got \(trials) for N = \(workers)"
          )
        }
        var generator = SplitMix64(seed: common.seed)
        (means, halfWidths) = try PolarPolarization.monteCarloMeans(
          workers: workers, latency: law, trials: trials, using: &generator)
      default:
        throw CLIFailure("unknown --method '\(method)' (known: exact, monte-carlo)")
      }
      try requireFinite(means + halfWidths, "a virtual mean run time")
      let bits = means.count.trailingZeroBitCount
      var lines = ["index,mean_time,ci95_half_width,method,branches"]
      for (i, mean) in means.enumerated() {
        let branches = (0..<bits).map { (i >> (bits - 1 - $0)) & 1 == 1 ? "1" : "0" }.joined()
        lines.append(
          "\(i),\(csvNumber(mean)),\(csvNumber(halfWidths[i])),\(method),\(branches.isEmpty ? "-" : branches)"
        )
      }
      try common.emit(lines)
    }
  }
}
