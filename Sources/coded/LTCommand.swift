import ArgumentParser
import CodedComputing
import Foundation

/// `coded lt`: rateless LT codes for sums of functions (issue 15, Guides/LTCodes.md).
struct LTCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lt",
    abstract:
      "LT codes for sums of nonlinear functions: thresholds, simulated latency, real rounds.",
    subcommands: [LTThresholdCommand.self, LTLatencyCommand.self, LTRunCommand.self])
}

/// Options every `coded lt` subcommand shares.
struct LTCommonOptions: ParsableArguments {
  @OptionGroup var format: FormatOptions

  @Option(name: .customLong("c"), parsing: .unconditional, help: "Robust Soliton c (> 0).")
  var c: Double = 0.03

  @Option(name: .customLong("delta"), parsing: .unconditional, help: "Robust Soliton δ, in (0, 1).")
  var delta: Double = 0.5

  @Option(help: "Random seed; trial t uses SplitMix64(seed + t).")
  var seed: UInt64 = 0

  @Option(help: "Write the CSV here (atomically) instead of stdout.")
  var output: String?

  /// The largest m the CLI accepts: a decode takes about 200 bytes per source (measured 198 MB at
  /// m = 10⁶), so 10⁷ needs ~2 GB.
  static let maximumSources = 10_000_000

  func checkSources(_ m: Int) throws {
    guard m >= 1 else { throw CLIFailure("--sources must be at least 1, got \(m)") }
    guard m <= Self.maximumSources else {
      throw CLIFailure("--sources \(m) is too large (at most \(Self.maximumSources))")
    }
    guard c > 0, c.isFinite else { throw CLIFailure("--c must be a finite number > 0, got \(c)") }
    guard delta > 0, delta < 1 else { throw CLIFailure("--delta must be in (0, 1), got \(delta)") }
  }

  func checkTrials(_ trials: Int) throws {
    guard trials >= 1, trials <= 10_000_000 else {
      throw CLIFailure("--trials must be in 1…10000000, got \(trials)")
    }
  }

  func mode(_ text: String) throws -> LTDecodingMode {
    guard let mode = LTDecodingMode(rawValue: text) else {
      throw CLIFailure("unknown --mode '\(text)' (known: full, sum)")
    }
    return mode
  }

  func latency(_ text: String, workers: Int) throws -> LatencyModel {
    let model = try LatencyModel(parsing: text)
    try model.validate(workerCount: workers)
    return model
  }

  /// Prints `lines` (header first) on stdout, or writes them atomically to --output.
  func emit(_ lines: [String]) throws {
    try emitRows(lines, output: output, format: format.resolved)
  }

  /// The generator of trial t.
  func generator(trial: Int) -> SplitMix64 { SplitMix64(seed: seed &+ UInt64(trial)) }
}

/// Prints progress on stderr at most once a second, and always for the last step.
struct LTProgress {
  let total: Int
  let label: String
  let clock = ContinuousClock()
  let start: ContinuousClock.Instant
  var lastReport: ContinuousClock.Instant

  init(total: Int, label: String) {
    self.total = total
    self.label = label
    start = clock.now
    lastReport = start
  }

  var elapsed: Double { (clock.now - start).inSeconds }

  mutating func step(_ done: Int, _ detail: @autoclosure () -> String = "") {
    let now = clock.now
    guard done == total || now - lastReport >= .seconds(1) else { return }
    lastReport = now
    let extra = detail()
    printError(
      "[\(done)/\(total)] \(label)\(extra.isEmpty ? "" : " " + extra) (\(String(format: "%.2f", elapsed)) s)"
    )
  }
}

/// Parses comma-separated lists given once or repeated (`--fixed-threshold 783,1400`).
func parseThresholds(_ items: [String]) throws -> [Int] {
  var values: [Int] = []
  for item in items {
    for value in try parseIntegerList(item, option: "--fixed-threshold") {
      guard value >= 1 else {
        throw CLIFailure("--fixed-threshold must be at least 1, got \(value)")
      }
      values.append(value)
    }
  }
  return values
}

/// A finite CSV number (the tables never print NaN or ±∞).
func finiteCSV(_ x: Double) throws -> String {
  guard x.isFinite else { throw CLIFailure("a result is not finite (\(x)); nothing printed") }
  return csvNumber(x)
}
