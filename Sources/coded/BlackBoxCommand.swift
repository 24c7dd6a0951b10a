import ArgumentParser
import CodedComputing

/// `coded blackbox …`: coded finite-difference gradients, optimisation and adversarial examples.
struct BlackBoxCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "blackbox",
    abstract: "Coded black-box optimisation: straggler-resilient finite-difference gradients.",
    discussion: "See Guides/BlackBoxOptimization.md. Every subcommand prints CSV with a header (or writes it to --output FILE atomically).",
    subcommands: [BlackBoxGradientCommand.self, BlackBoxOptimizeCommand.self, BlackBoxAttackCommand.self])
}

/// The options every `coded blackbox` subcommand shares.
struct BlackBoxCommonOptions: ParsableArguments {
  @OptionGroup var format: FormatOptions

  @Option(parsing: .unconditional, help: "Workers N per block of coordinates.")
  var workers: Int

  @Option(parsing: .unconditional, help: "Stragglers S per block: the code's block size defaults to N − S (polar, mds, gaussian), N (uncoded) or ⌊N/(S+1)⌋ (replication).")
  var stragglers: Int = 0

  @Option(name: .customLong("block-size"), parsing: .unconditional, help: "Coordinates K per block (overrides the default).")
  var blockSize: Int?

  @Option(parsing: .unconditional, help: "Finite-difference step h.")
  var step: Double = 1e-4

  @Option(help: "Polar construction: bec:EPS, deadline:T or mean.")
  var construction: String = "bec:0.5"

  @Option(name: .customLong("time-unit"), parsing: .unconditional, help: "Seconds per unit of a latency law.")
  var timeUnit: Double = 0.001

  @Option(parsing: .unconditional, help: "Stop every round this many seconds after its start with whatever has arrived (least squares for blocks that cannot decode).")
  var deadline: Double?

  @Option(parsing: .unconditional, help: "Seed of the random draws.")
  var seed: UInt64 = 0

  @Option(help: "Write the CSV to FILE (atomically) instead of stdout.")
  var output: String?

  /// Checks N, S and the time unit.
  func validateCommon() throws {
    guard workers >= 1 && workers <= 1 << 16 else {
      throw CLIFailure("--workers must be in 1...65536, got \(workers)")
    }
    guard stragglers >= 0 && stragglers < workers else {
      throw CLIFailure("--stragglers must be in 0..<N = \(workers), got \(stragglers)")
    }
    guard step > 0 && step.isFinite else {
      throw CLIFailure("--step must be a finite number > 0, got \(step)")
    }
    if let deadline, !(deadline > 0 && deadline <= 3600) {
      throw CLIFailure("--deadline must be in (0, 3600] seconds, got \(deadline)")
    }
    guard timeUnit >= 0 && timeUnit <= 1 else {
      throw CLIFailure("--time-unit must be in [0, 1] seconds, got \(timeUnit)")
    }
  }

  /// Runs a subcommand's body: on one BLAS thread (the workers are the parallelism; a
  /// multithreaded OpenBLAS called from several worker threads at once hangs, seen at d = 784 on
  /// this machine's OpenBLAS 0.3.21), with N, S and the time unit checked first and any error
  /// reported as one `error:` line.
  func running(_ body: () async throws -> Void) async throws {
    setBLASThreadCount(1)
    try await reportingErrors {
      try validateCommon()
      try await body()
    }
  }

  /// Parses a comma-separated list of direction codes.
  func parseCodes(_ text: String) throws -> [DirectionCode] {
    try text.split(separator: ",", omittingEmptySubsequences: false).map { name in
      guard let code = DirectionCode(rawValue: String(name)) else {
        throw CLIFailure(
          "unknown code '\(name)' (known: \(DirectionCode.allCases.map(\.rawValue).joined(separator: ", ")))")
      }
      return code
    }
  }

  /// The estimator for `code` over d coordinates (block size from --block-size or the default).
  func estimator(_ code: DirectionCode, dimension: Int, latency: LatencyModel?) throws
    -> CodedGradientEstimator
  {
    let k = blockSize ?? Swift.min(dimension, code.defaultBlockSize(workers: workers, stragglers: stragglers))
    let n = code == .uncoded ? k : workers
    return try CodedGradientEstimator(
      code: code, dimension: dimension, workers: n, blockSize: k, step: step,
      construction: try PolarConstruction(parsing: construction), latency: latency, seed: seed)
  }

  /// The straggler setting of a run with latencies from `law` (nil: none): uncoded and gaussian
  /// stop after all but S per block answered, the exact codes at their first decodable set.
  func setting(for estimator: CodedGradientEstimator, law: LatencyModel?) -> StragglerSetting {
    var setting = StragglerSetting(latency: law, timeUnit: timeUnit, deadline: deadline)
    if law != nil && (estimator.code == .uncoded || estimator.code == .gaussian) {
      setting.quorum = Swift.max(1, estimator.queriedWorkerCount - stragglers * estimator.blockCount)
    }
    return setting
  }

  /// Prints the CSV lines or writes them to --output.
  func emit(_ lines: [String]) throws {
    try emitRows(lines, output: output, format: format.resolved)
  }
}

/// Parses a latency law, checked.
func parseBlackBoxLatency(_ text: String) throws -> LatencyModel {
  let law = try LatencyModel(parsing: text)
  try law.validate()
  return law
}

