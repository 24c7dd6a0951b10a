import ArgumentParser
import CodedComputing
import Foundation

struct LTThresholdCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "threshold",
    abstract: "Decoding-threshold statistics of LT codes; one CSV row.",
    discussion: """
      Columns: sources,trials,mean,median,p95,p99,max, then p_le_V for each --fixed-threshold V \
      (the fraction of trials with M′ ≤ V). M′ is the number of symbols the peeling decoder \
      consumed when it completed. Without --latency the symbols arrive in generation order \
      (i.i.d.); with --latency LAW they arrive in the order a rateless round under the per-symbol \
      cost model delivers them (worker j's k-th symbol at Xⱼ + τ·functions so far, W workers).
      """)

  @Option(parsing: .unconditional, help: "m, the number of sources.")
  var sources: Int

  @Option(parsing: .unconditional, help: "Number of trials.")
  var trials: Int

  @Option(help: "full (every source) or sum (stop when the sum is in the span).")
  var mode: String = "full"

  @Option(
    name: .customLong("fixed-threshold"), parsing: .unconditionalSingleValue,
    help: "Thresholds V for p_le_V columns (comma-separated or repeated).")
  var fixedThreshold: [String] = []

  @Option(
    help: "Arrival order: set-up delay law of the workers (e.g. exponential:0.2, pareto:1,1).")
  var latency: String?

  @Option(parsing: .unconditional, help: "Arrival order: seconds per function (τ ≥ 0).")
  var tau: Double = 0.005

  @Option(parsing: .unconditional, help: "Arrival order: number of workers W (default m).")
  var workers: Int?

  @Option(
    name: .customLong("span-limit"), parsing: .unconditional,
    help:
      "Sum mode, i.i.d. order: start the exact span test once at most this many sources are unknown."
  )
  var spanLimit: Int = 256

  @OptionGroup var common: LTCommonOptions

  func run() async throws {
    try await reportingErrors {
      try common.checkSources(sources)
      try common.checkTrials(trials)
      let mode = try common.mode(mode)
      guard spanLimit >= 0, spanLimit <= 8192 else {
        throw CLIFailure("--span-limit must be in 0…8192, got \(spanLimit)")
      }
      let thresholds = try parseThresholds(fixedThreshold)
      let code = try LTCode(functionCount: sources, c: common.c, delta: common.delta)
      var setup: LTLatencySetup? = nil
      if let latency {
        let w = workers ?? sources
        guard w >= 1, w <= 10_000_000 else {
          throw CLIFailure("--workers must be in 1…10000000, got \(w)")
        }
        guard tau >= 0, tau.isFinite else {
          throw CLIFailure("--tau must be a finite number ≥ 0, got \(tau)")
        }
        let s = LTLatencySetup(
          functionCount: sources, workers: w, latency: try common.latency(latency, workers: w),
          tau: tau, mode: mode, c: common.c, delta: common.delta)
        try s.validate()
        setup = s
      } else if workers != nil {
        throw CLIFailure("--workers needs --latency (arrival order)")
      }
      var bySpan = 0
      var overflows = 0
      var totalEdges = 0
      var thresholdsSeen: [Double] = []
      thresholdsSeen.reserveCapacity(trials)
      var progress = LTProgress(total: trials, label: "threshold m=\(sources)")
      for trial in 0..<trials {
        var generator = common.generator(trial: trial)
        let threshold: Int
        var detail = ""
        if let setup {
          let outcome = try simulateLTRound(
            .rateless(groupSize: 1), setup: setup, using: &generator)
          guard outcome.latency != nil else {
            throw LTError.streamEnded(
              symbolsSeen: outcome.symbols, sourcesMissing: outcome.sourcesMissing)
          }
          threshold = outcome.symbols
        } else {
          let decoder = try ltDecode(
            code: code, mode: mode, spanColumnLimit: spanLimit, using: &generator)
          threshold = decoder.symbolsConsumed
          detail = " edges=\(decoder.edgeCount)\(decoder.completedBySpan ? " by-span" : "")"
          bySpan += decoder.completedBySpan ? 1 : 0
          totalEdges += decoder.edgeCount
          overflows += decoder.spanOverflows
        }
        thresholdsSeen.append(Double(threshold))
        progress.step(trial + 1, "M′=\(threshold)\(detail)")
      }
      if setup == nil {
        // For timing studies (scripts/lt_study.py --only speed): work and time of all trials.
        printError(
          "decoded \(trials) trials, \(totalEdges) edges in "
            + "\(String(format: "%.4f", progress.elapsed)) s")
      }
      if mode == .sum, setup == nil {
        printError(
          "sum mode: \(bySpan) of \(trials) trials completed by the span test before peeling; "
            + "\(overflows) tracker overflows (span limit \(spanLimit))")
      }
      let summary = SampleSummary(thresholdsSeen)
      let header =
        ["sources", "trials", "mean", "median", "p95", "p99", "max"]
        + thresholds.map { "p_le_\($0)" }
      var row = ["\(sources)", "\(trials)"]
      for x in [
        summary.mean, summary.median, summary.percentile(95), summary.percentile(99),
        summary.maximum,
      ] {
        row.append(try finiteCSV(x))
      }
      for t in thresholds { row.append(try finiteCSV(summary.fraction(atMost: Double(t)))) }
      try common.emit([header.joined(separator: ","), row.joined(separator: ",")])
    }
  }
}
