import ArgumentParser
import CodedComputing
import Foundation

struct SweepCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Experiments over lists of schemes, N and S: one CSV row per point.")

  @Option(help: ArgumentHelp("Comma-separated schemes: \(SchemeKind.nameList).", discussion: schemeHelp))
  var scheme: String

  @Option(help: "Comma-separated worker counts N.")
  var workers: String

  @Option(help: "Comma-separated straggler counts S.")
  var stragglers: String = "0"

  @Option(help: "Write the CSV here (atomically) instead of stdout.")
  var output: String?

  @Flag(help: "Skip (scheme, N, S) points the scheme cannot run (e.g. S >= N, LCC below its threshold) instead of failing.")
  var skipInvalid = false

  @OptionGroup var options: ExperimentOptions

  func run() async throws {
    try await reportingErrors {
      let schemes = try scheme.split(separator: ",").map {
        try parseChoice(String($0), what: "scheme", as: SchemeKind.self)
      }
      let ns = try parseIntegerList(workers, option: "--workers")
      let ss = try parseIntegerList(stragglers, option: "--stragglers")
      guard !schemes.isEmpty else { throw CLIFailure("--scheme lists no scheme") }
      let inputs = try options.inputMatrix()
      let grid = schemes.flatMap { s in ns.flatMap { n in ss.map { (s, n, $0) } } }
      // Validate every point once before running any, so a bad grid fails before printing
      // anything; the points then run the schemes built here.
      var points: [(setup: ExperimentSetup, scheme: any CodingScheme, label: String)] = []
      for setup in try options.setups(points: grid, inputs: inputs) {
        let label = "\(setup.scheme.name) N=\(setup.workers) S=\(setup.stragglers)"
        do {
          points.append((setup, try validateExperiment(setup), label))
        } catch {
          guard skipInvalid else { throw CLIFailure("\(label): \(error)") }
          printError("skipped \(label): \(error)")
        }
      }
      var lines: [String] = []
      let clock = ContinuousClock()
      let start = clock.now
      for (index, point) in points.enumerated() {
        let result: ExperimentResult
        do {
          result = try await runExperiment(point.setup, scheme: point.scheme)
        } catch {
          if skipInvalid {
            printError("[\(index + 1)/\(points.count)] skipped \(point.label): \(error)")
            continue
          }
          throw CLIFailure("\(point.label): \(error)")
        }
        let columns = experimentColumns(point.setup, result)
        if lines.isEmpty {
          lines.append(columns.map(\.0).joined(separator: ","))
          if output == nil { print(lines[0]) }
        }
        let row = columns.map(\.1).joined(separator: ",")
        if output == nil { print(row) }
        lines.append(row)
        let elapsed = clock.now - start
        printError(
          "[\(index + 1)/\(points.count)] \(point.label) mse=\(csvNumber(result.mse)) (\(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))))")
      }
      guard !lines.isEmpty else {
        throw CLIFailure("no point of the sweep could run (\(grid.count) points, every one skipped)")
      }
      if let path = output {
        try writeAtomically(lines.joined(separator: "\n") + "\n", to: path)
      }
    }
  }
}
