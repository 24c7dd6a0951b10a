import ArgumentParser
import CodedComputing
import Foundation

/// `coded spline`: fits the natural cubic smoothing spline of every data column with one
/// factorisation and prints the fitted values at the `--at` points as CSV.
struct SplineCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "spline",
    abstract: "Fit smoothing splines to CSV data and print their values at given points.",
    discussion: """
      Each y column's spline g minimises sum_i w_i (y_i - g(t_i))^2 + lambda * integral of \
      g''(t)^2 dt, which is scipy make_smoothing_spline's lam. lambda = 0 interpolates (the \
      natural cubic spline); outside [t_0, t_last] the spline continues as a straight line.

      The default --lambda is gcv: generalised cross-validation picks one lambda shared by all \
      y columns and prints it on stderr as 'lambda=VALUE'; stdout is only the CSV.

      Output: CSV with the data's header; the first column holds the --at points, then one \
      column of fitted values per y column.

      Example: coded spline --data data.csv --at points.csv --lambda 0.1
      """)

  @Option(
    parsing: .unconditional, help: ArgumentHelp(
      "CSV with a header: first column t (strictly increasing), then one or more y columns.",
      valueName: "file"))
  var data: String

  @Option(
    parsing: .unconditional, help: ArgumentHelp(
      "CSV with a header and one column: the points to evaluate the splines at.", valueName: "file"))
  var at: String

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "The smoothing parameter: a number >= 0, or 'gcv' to choose it by generalised cross-validation.",
      valueName: "value|gcv"))
  var lambda: String = "gcv"

  @Option(
    parsing: .unconditional, help: ArgumentHelp(
      "CSV with a header and one column: a positive weight per data row.", valueName: "file"))
  var weights: String?

  func run() async throws {
    try await reportingErrors { try fitAndPrint() }
  }

  /// `--lambda` as a ``SmoothingChoice``: a number >= 0 or `gcv` (`optimal` needs a noise level
  /// and a straggler count, which a plain fit does not have).
  static func lambdaChoice(parsing text: String) throws -> SmoothingChoice {
    let token = text.trimmingCharacters(in: .whitespaces)
    guard token.lowercased() == "gcv" || Double(token) != nil else {
      throw CLIFailure("--lambda: '\(text)' is neither a number nor 'gcv'")
    }
    guard let choice = try? SmoothingChoice(parsing: token, what: "--lambda") else {
      throw CLIFailure("--lambda: '\(text)' must be a finite number >= 0 (or 'gcv')")
    }
    return choice
  }

  func fitAndPrint() throws {
    let choice = try Self.lambdaChoice(parsing: lambda)
    let table = try CSVTable.read(contentsOf: data)
    guard table.header.count >= 2 else {
      throw CLIFailure(
        "'\(data)' has \(table.header.count) column; need t and at least one y column")
    }
    // The --at file is read on a second thread while the spline is fitted at a fixed λ; errors
    // are still reported in the order of a sequential run: --at, then --weights, then the fit.
    let pointsReader = _Background { try readSingleColumn(at, option: "--at") }
    // GCV takes long and prints λ: it waits for the --at file (whose error would come first).
    if choice == .gcv { _ = try pointsReader.value() }
    let header = table.header
    let rows = table.values.rows
    // t is copied out; the y columns are shifted down inside the table's own storage (no second
    // n·c array to allocate and fault in).
    var storage = (consume table).values.storage
    let t = Array(storage[0..<rows])
    storage.removeFirst(rows)
    let y = Matrix(rows: rows, columns: header.count - 1, columnMajor: storage)
    var w: [Double]? = nil
    var weightsFailure: (any Error)? = nil
    if let weights {
      do {
        let column = try readSingleColumn(weights, option: "--weights")
        guard column.count == t.count else {
          throw CLIFailure(
            "--weights: '\(weights)' has \(column.count) weights, but '\(data)' has "
              + "\(t.count) data rows")
        }
        w = column
      } catch {
        weightsFailure = error
      }
    }

    var fit: Result<SmoothingSpline, any Error>? = nil
    if weightsFailure == nil {
      fit = Result { () throws -> SmoothingSpline in
        let smoother: SplineSmoother
        do throws(ApproximationError) {
          switch choice {
          case .fixed(let value):
            smoother = try SplineSmoother(knots: t, weights: w, lambda: value)
          case .gcv, .optimal:
            let (chosen, gcv) = try SplineSmoother.byGCV(knots: t, data: y, weights: w)
            printError("lambda=\(gcv.lambda)")
            smoother = chosen
          }
        } catch {
          throw explain(error, gcv: choice == .gcv, tName: header[0])
        }
        return try smoother.fit(y)
      }
    }
    let points = try pointsReader.value()
    if let weightsFailure { throw weightsFailure }
    let fitted = try fit!.get().evaluate(at: points)
    for p in 0..<fitted.rows {
      for c in 0..<fitted.columns where !fitted[p, c].isFinite {
        throw CLIFailure(
          "the spline of \(header[c + 1]) at \(points[p]) ('\(at)' line \(p + 2)) is \(fitted[p, c]): beyond a Double (about ±1.8e308); the spline continues as a straight line outside the knots, so evaluate nearer them or rescale the data")
      }
    }
    // The --at points, then the fitted columns: the output table's column-major storage.
    let out = Matrix(
      rows: points.count, columns: header.count, columnMajor: points + fitted.storage)
    try CSVTable(header: header, values: out).write(toFileDescriptor: STDOUT_FILENO)
  }

  /// Reads a CSV with a header and exactly one column.
  func readSingleColumn(_ path: String, option: String) throws -> [Double] {
    let table = try CSVTable.read(contentsOf: path)
    guard table.header.count == 1 else {
      throw CLIFailure(
        "\(option): '\(path)' has \(table.header.count) columns (\(table.header.joined(separator: ","))); expected exactly one"
      )
    }
    return table.values.storage  // one column: the storage is that column
  }

  /// Turns a library error into a message about the user's files: data row i is line i + 2.
  func explain(_ error: ApproximationError, gcv: Bool, tName: String) -> CLIFailure {
    switch error {
    case .nodesNotIncreasing(let index, let previous, let value):
      let kind =
        value == previous ? "repeats the previous value" : "is below the previous value \(previous)"
      return CLIFailure(
        "'\(data)' line \(index + 2): \(tName) = \(value) \(kind); \(tName) must be strictly increasing"
      )
    case .tooFewPoints(let count, let minimum):
      let reason = gcv ? " for --lambda gcv (give a number instead)" : ""
      let rows = count == 1 ? "1 data row" : "\(count) data rows"
      return CLIFailure("'\(data)' has \(rows); need at least \(minimum)\(reason)")
    case .nonPositiveWeight(let index, let value):
      return CLIFailure(
        "--weights: '\(weights ?? "")' line \(index + 2): weight \(value) must be finite and > 0")
    default:
      return CLIFailure(error.description)
    }
  }
}

/// A value computed on a thread of its own, started at once; ``value()`` waits for it.
final class _Background<T>: @unchecked Sendable {
  private var result: Result<T, any Error>? = nil
  private let done = DispatchSemaphore(value: 0)

  init(_ work: @escaping @Sendable () throws -> T) {
    let thread = Thread { [self] in
      result = Result { try work() }
      done.signal()
    }
    thread.stackSize = 1 << 20
    thread.start()
  }

  /// Waits for the work and returns its value or throws its error (any number of times).
  func value() throws -> T {
    done.wait()
    done.signal()  // for the next call
    return try result!.get()
  }
}
