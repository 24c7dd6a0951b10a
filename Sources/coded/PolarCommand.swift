import ArgumentParser
import CodedComputing

/// `coded polar …`: polar codes for linear coded computing beside MDS, uncoded and replication.
struct PolarCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "polar",
    abstract:
      "Polar codes for linear work: polarization, construction, job times, timing, descent.",
    discussion:
      "See Guides/PolarCodes.md. Every subcommand prints CSV with a header (or writes it to --output FILE atomically).",
    subcommands: [
      PolarPolarizationCommand.self, PolarConstructCommand.self, PolarJobTimeCommand.self,
      PolarTimingCommand.self, PolarDescentCommand.self,
    ])
}

/// The options every `coded polar` subcommand shares.
struct PolarCommonOptions: ParsableArguments {
  @OptionGroup var format: FormatOptions

  @Option(help: "Number of workers N (a non-power of two is shortened; see Guides/PolarCodes.md).")
  var workers: Int

  @Option(help: "Seed of the random draws.")
  var seed: UInt64 = 0

  @Option(help: "Write the CSV to FILE (atomically) instead of stdout.")
  var output: String?

  /// Checks N before anything is allocated.
  func checkedWorkers() throws -> Int {
    guard workers >= 1 && workers <= PolarCode.maximumWorkers else {
      throw CLIFailure("--workers must be in 1...\(PolarCode.maximumWorkers), got \(workers)")
    }
    return workers
  }

  /// Prints the CSV lines or writes them to --output.
  func emit(_ lines: [String]) throws {
    try emitRows(lines, output: output, format: format.resolved)
  }
}

/// `--data-blocks K`, shared by the subcommands that build codes.
struct PolarDataBlocksOption: ParsableArguments {
  @Option(name: .customLong("data-blocks"), help: "Number of data blocks K (1 <= K <= N).")
  var dataBlocks: Int

  /// N and K, checked in that order.
  func checked(_ common: PolarCommonOptions) throws -> (workers: Int, dataBlocks: Int) {
    let workers = try common.checkedWorkers()
    return (workers, try checked(workers: workers))
  }

  /// K, checked against N.
  func checked(workers: Int) throws -> Int {
    guard dataBlocks >= 1 && dataBlocks <= workers else {
      throw CLIFailure("--data-blocks must be in 1...N = \(workers), got \(dataBlocks)")
    }
    return dataBlocks
  }
}

/// Parses `--latency`, checked against N.
func parsePolarLatency(_ text: String, workers: Int) throws -> LatencyModel {
  let law = try LatencyModel(parsing: text)
  try law.validate(workerCount: workers)
  return law
}

/// Parses `--construction`; `mean` integrates every virtual CDF (about 10³–10⁴ butterflies of
/// L values), so it is bounded to N ≤ 2¹⁶.
func parsePolarConstruction(_ text: String, workers: Int) throws -> PolarConstruction {
  let construction = try PolarConstruction(parsing: text)
  if construction == .mean && workers > 1 << 16 {
    throw CLIFailure(
      "--construction mean integrates every virtual index's CDF and is limited to N <= 65536, got N = \(workers); use bec:EPS or deadline:T"
    )
  }
  return construction
}

/// Parses `--kernel`.
func parsePolarKernel(_ text: String) throws -> PolarCode.Kernel {
  guard let kernel = PolarCode.Kernel(rawValue: text) else {
    throw CLIFailure("unknown kernel '\(text)' (known: arikan, hadamard)")
  }
  return kernel
}

/// Every number in `values` is finite, or the command fails naming `what`.
func requireFinite(_ values: [Double], _ what: String) throws {
  if let bad = values.first(where: { !$0.isFinite }) {
    throw CLIFailure(
      "\(what) is not finite (\(bad)); the law's tail is too heavy for this estimate")
  }
}
