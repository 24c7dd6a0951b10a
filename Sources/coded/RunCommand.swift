import ArgumentParser
import CodedComputing

struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "One coded computation experiment: prints one CSV row (with a header) of its MSE.")

  @Option(parsing: .unconditional, help: ArgumentHelp("The coding scheme: \(SchemeKind.nameList).", discussion: schemeHelp))
  var scheme: String

  @Option(parsing: .unconditional, help: "Number of workers N.")
  var workers: Int

  @Option(parsing: .unconditional, help: "Number of stragglers S.")
  var stragglers: Int = 0

  @Option(name: .customLong("decoded-output"), parsing: .unconditional, help: "Also write the decoded K × m estimates (last trial; worst window for worst-window) to this CSV.")
  var decodedOutput: String?

  @OptionGroup var options: ExperimentOptions

  @OptionGroup var backend: BackendOptions

  @OptionGroup var format: FormatOptions

  func run() async throws {
    try await reportingErrors {
      try await backend.withPool(workers: workers) { pool in
        try checkOutput(decodedOutput)
        let kind = try parseChoice(scheme, what: "scheme", as: SchemeKind.self)
        let inputs = try options.inputMatrix()
        try checkSizes(
          inputCount: inputs.rows, workers: workers, dimension: inputs.columns, stragglers: stragglers)
        guard let setup = try options.setups(points: [(kind, workers, stragglers)], inputs: inputs).first
        else { return }
        let result: ExperimentResult
        do {
          result = try await withProgress(experimentCost(setup)) { try await runExperiment(setup, pool: pool) }
        } catch { throw explainExperimentError(error) }
        try checkFinite(result)
        if let path = decodedOutput, let decoded = result.lastDecoded {
          let header = (0..<decoded.columns).map { "y\($0)" }
          try CSVTable(header: header, values: decoded).write(to: path)
        }
        let columns = experimentColumns(setup, result, inputs: options.inputSource)
        var table = ResultTable(header: columns.map(\.0), keyColumns: experimentKeyColumns)
        table.rows.append(columns.map(\.1))
        print(table.text(format.resolved), terminator: "")
      }
    }
  }
}
