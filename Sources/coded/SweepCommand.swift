import ArgumentParser
import CodedComputing
import Foundation

struct SweepCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Experiments over lists of schemes, N and S: one CSV row per point.")

  @Option(parsing: .unconditional, help: ArgumentHelp("Comma-separated schemes: \(SchemeKind.nameList).", discussion: schemeHelp))
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

  @OptionGroup var backend: BackendOptions

  @OptionGroup var format: FormatOptions

  func run() async throws {
    try await reportingErrors {
      // The MPI world must hold the largest N; a bad list is reported inside, by rank 0 only.
      let largest = (try? parseIntegerList(workers, option: "--workers"))?.max() ?? 0
      try await backend.withPool(workers: largest) { pool in
        try checkOutput(output)
        let schemes = try scheme.split(separator: ",").map {
          try parseChoice(String($0), what: "scheme", as: SchemeKind.self)
        }
        let ns = try parseIntegerList(workers, option: "--workers")
        let ss = try parseIntegerList(stragglers, option: "--stragglers")
        guard !schemes.isEmpty else { throw CLIFailure("--scheme lists no scheme") }
        let inputs = try options.inputMatrix()
        let grid = schemes.flatMap { s in ns.flatMap { n in ss.map { (s, n, $0) } } }
        for point in grid {
          try checkSizes(
            inputCount: inputs.rows, workers: point.1, dimension: inputs.columns, stragglers: point.2)
        }
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
        var table: ResultTable? = nil
        // CSV on stdout streams row by row; a table is aligned once every row is known.
        let streaming = output == nil && format.resolved == .csv
        let clock = ContinuousClock()
        let start = clock.now
        for (index, point) in points.enumerated() {
          let result: ExperimentResult
          do {
            result = try await withProgress(experimentCost(point.setup)) {
              try await runExperiment(point.setup, scheme: point.scheme, pool: pool)
            }
            try checkFinite(result)
          } catch {
            let error = explainExperimentError(error)
            if skipInvalid {
              printError("[\(index + 1)/\(points.count)] skipped \(point.label): \(error)")
              continue
            }
            throw CLIFailure("\(point.label): \(error)")
          }
          let columns = experimentColumns(point.setup, result, inputs: options.inputSource)
          if table == nil {
            table = ResultTable(header: columns.map(\.0), keyColumns: experimentKeyColumns)
            if streaming { print(columns.map { csvField($0.0) }.joined(separator: ",")) }
          }
          table?.rows.append(columns.map(\.1))
          if streaming { print(columns.map { csvField($0.1) }.joined(separator: ",")) }
          let elapsed = clock.now - start
          printError(
            "[\(index + 1)/\(points.count)] \(point.label) mse=\(csvNumber(result.mse)) (\(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))))")
        }
        guard let table, !table.rows.isEmpty else {
          throw CLIFailure(
            "no point of the sweep could run (all \(schemes.count * ns.count * ss.count) skipped; see above)\(output.map { ": '\($0)' left unchanged" } ?? "")")
        }
        if let path = output {
          try writeAtomically(table.csv, to: path)
        } else if !streaming {
          print(table.table, terminator: "")
        }
      }
    }
  }
}
