import ArgumentParser
import CodedComputing
import Foundation

struct LTLatencyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "latency",
    abstract: "Simulated job latency of one/uncoded/replication/LT/rateless strategies; CSV.",
    discussion: """
      One row per strategy: strategy,mean,median,p90,p99 of the time at which the master has \
      Σⱼ fⱼ. Cost model (Mallick, Smith & Joshi): worker j starts after Xⱼ ~ --latency and \
      computes one function in --tau seconds; its k-th symbol finishes at Xⱼ + τ·(functions in \
      its first k symbols). Every strategy sees the same delays in trial t (seed + t). \
      Strategies: one, uncoded, replication:R, lt1, ltr:R (fixed ⌈α·m/R⌉ symbols split over the \
      workers), rateless (rateless:R). Failed LT trials (symbols exhausted, or a \
      --fixed-threshold that did not decode) are left out of the statistics and counted on stderr.
      """)

  @Option(parsing: .unconditional, help: "m, the number of functions.")
  var sources: Int

  @Option(help: "Set-up delay law, e.g. exponential:0.2 (mean 5) or pareto:1,1.")
  var latency: String

  @Option(parsing: .unconditional, help: "τ, seconds per function evaluation (≥ 0).")
  var tau: Double

  @Option(parsing: .unconditional, help: "Number of simulated rounds.")
  var trials: Int

  @Option(help: "Comma-separated strategies: one, uncoded, replication:R, lt1, ltr:R, rateless.")
  var strategies: String

  @Option(parsing: .unconditional, help: "W, the number of workers (default m).")
  var workers: Int?

  @Option(help: "LT decoding: sum (stop when Σ is in the span) or full.")
  var mode: String = "sum"

  @Option(parsing: .unconditional, help: "α: fixed-rate LT strategies draw ⌈α·m′⌉ symbols in all.")
  var redundancy: Double = 2

  @Option(
    name: .customLong("fixed-threshold"), parsing: .unconditional,
    help: "LT strategies wait for exactly this many symbols, then decode.")
  var fixedThreshold: Int?

  @OptionGroup var common: LTCommonOptions

  func run() async throws {
    try await reportingErrors {
      try common.checkSources(sources)
      try common.checkTrials(trials)
      guard tau >= 0, tau.isFinite else {
        throw CLIFailure("--tau must be a finite number ≥ 0, got \(tau)")
      }
      let w = workers ?? sources
      guard w >= 1, w <= 10_000_000 else {
        throw CLIFailure("--workers must be in 1…10000000, got \(w)")
      }
      let items = strategies.split(separator: ",", omittingEmptySubsequences: false)
      let parsed = try items.map { try LTStrategy(parsing: String($0)) }
      guard !parsed.isEmpty else { throw CLIFailure("--strategies lists no strategy") }
      let setup = LTLatencySetup(
        functionCount: sources, workers: w, latency: try common.latency(latency, workers: w),
        tau: tau, mode: try common.mode(mode), redundancy: redundancy,
        fixedThreshold: fixedThreshold, c: common.c, delta: common.delta)
      try setup.validate()
      // Check every strategy against the setup before running any.
      for strategy in parsed {
        if case .replication(let r) = strategy, w % r != 0 {
          throw CLIFailure("replication:\(r) needs a number of workers divisible by \(r), got \(w)")
        }
      }
      var lines = ["strategy,mean,median,p90,p99"]
      var progress = LTProgress(total: parsed.count * trials, label: "latency")
      for (index, strategy) in parsed.enumerated() {
        var latencies: [Double] = []
        var failures = 0
        var lastFailure: LTError? = nil
        var symbolCounts: [Double] = []
        for trial in 0..<trials {
          var generator = common.generator(trial: trial)
          let outcome = try simulateLTRound(strategy, setup: setup, using: &generator)
          if let latency = outcome.latency {
            latencies.append(latency)
          } else {
            failures += 1
            lastFailure = .streamEnded(
              symbolsSeen: outcome.symbols, sourcesMissing: outcome.sourcesMissing)
          }
          if outcome.symbols > 0 { symbolCounts.append(Double(outcome.symbols)) }
          progress.step(index * trials + trial + 1, "\(strategy)")
        }
        guard !latencies.isEmpty else {
          throw CLIFailure(
            "\(strategy): no trial decoded in \(trials); last trial: \(lastFailure.map { "\($0)" } ?? "")"
          )
        }
        if failures > 0 {
          printError("\(strategy): \(failures) of \(trials) trials did not decode (left out)")
        }
        if !symbolCounts.isEmpty {
          printError(
            "\(strategy): mean symbols consumed \(String(format: "%.1f", SampleSummary(symbolCounts).mean))"
          )
        }
        let summary = SampleSummary(latencies)
        let numbers = try [
          summary.mean, summary.median, summary.percentile(90), summary.percentile(99),
        ].map(finiteCSV)
        lines.append("\(strategy)," + numbers.joined(separator: ","))
      }
      try common.emit(lines)
    }
  }
}
