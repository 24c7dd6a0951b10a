import ArgumentParser
import CodedComputing
import Foundation

struct SweepCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Experiments over lists of schemes, N and S: one CSV row per point.")

  @Option(parsing: .unconditional, help: "Comma-separated schemes: letcc, bacc, lcc, uncoded, replication.")
  var scheme: String

  @Option(parsing: .unconditional, help: "Comma-separated worker counts N.")
  var workers: String

  @Option(parsing: .unconditional, help: "Comma-separated straggler counts S.")
  var stragglers: String = "0"

  @Option(parsing: .unconditional, help: "Write the CSV here (atomically) instead of stdout.")
  var output: String?

  @Flag(help: "Skip (scheme, N, S) points the scheme cannot run (e.g. S >= N, LCC below its threshold) instead of failing.")
  var skipInvalid = false

  @OptionGroup var options: ExperimentOptions

  func run() async throws {
    try await reportingErrors {
      try checkOutput(output)
      try options.validateNumbers()
      let schemes = try scheme.split(separator: ",").map { try parseScheme(String($0)) }
      let ns = try parseIntegerList(workers, option: "--workers")
      let ss = try parseIntegerList(stragglers, option: "--stragglers")
      guard !schemes.isEmpty else { throw CLIFailure("--scheme lists no scheme") }
      let inputs = try options.inputMatrix()
      var lines = [experimentHeader]
      var points = schemes.flatMap { s in ns.flatMap { n in ss.map { (s, n, $0) } } }
      // Check every point before running any, so a bad grid fails before printing anything.
      points = try points.filter { point in
        try checkSizes(
          inputCount: inputs.rows, workers: point.1, dimension: inputs.columns, stragglers: point.2)
        let setup = try options.setup(scheme: point.0, workers: point.1, stragglers: point.2, inputs: inputs)
        do {
          _ = try validateExperiment(setup)
          return true
        } catch {
          guard skipInvalid else { throw CLIFailure("\(point.0.rawValue) N=\(point.1) S=\(point.2): \(error)") }
          printError("skipped \(point.0.rawValue) N=\(point.1) S=\(point.2): \(error)")
          return false
        }
      }
      if output == nil { print(experimentHeader) }
      let clock = ContinuousClock()
      let start = clock.now
      for (index, point) in points.enumerated() {
        let setup = try options.setup(scheme: point.0, workers: point.1, stragglers: point.2, inputs: inputs)
        let result: ExperimentResult
        do {
          result = try await withProgress(experimentCost(setup)) { try await runExperiment(setup) }
          try checkFinite(result)
        } catch {
          let error = explainExperimentError(error)
          if skipInvalid {
            printError("[\(index + 1)/\(points.count)] skipped \(point.0.rawValue) N=\(point.1) S=\(point.2): \(error)")
            continue
          }
          throw CLIFailure("\(point.0.rawValue) N=\(point.1) S=\(point.2): \(error)")
        }
        let row = experimentRow(setup, options, result)
        if output == nil { print(row) }
        lines.append(row)
        let elapsed = clock.now - start
        printError(
          "[\(index + 1)/\(points.count)] \(point.0.rawValue) N=\(point.1) S=\(point.2) mse=\(csvNumber(result.mse)) (\(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))))")
      }
      guard lines.count > 1 else {
        throw CLIFailure(
          "no point of the sweep could run (all \(schemes.count * ns.count * ss.count) skipped; see above)\(output.map { ": '\($0)' left unchanged" } ?? "")")
      }
      if let path = output {
        try writeAtomically(lines.joined(separator: "\n") + "\n", to: path)
      }
    }
  }
}
