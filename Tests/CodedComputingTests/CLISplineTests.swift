import CodedComputing
import Foundation
import Testing

/// `coded spline` run as a subprocess on temporary files.
///
/// The executable is looked up next to the test bundle (`swift test` builds every product of the
/// package, `coded` included, into the same products directory), then under `.build/debug`
/// relative to this file; `CODED_EXECUTABLE` overrides both.
@Suite("CLI: coded spline")
struct CLISplineTests {
  static let executable: URL? = {
    let fileManager = FileManager.default
    var candidates: [URL] = []
    if let override = ProcessInfo.processInfo.environment["CODED_EXECUTABLE"] {
      candidates.append(URL(fileURLWithPath: override))
    }
    let bundle = Bundle.main.bundleURL
    candidates.append(bundle.appendingPathComponent("coded"))
    candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("coded"))
    if let argument = CommandLine.arguments.first {
      let runner = URL(fileURLWithPath: argument).deletingLastPathComponent()
      candidates.append(runner.appendingPathComponent("coded"))
      candidates.append(runner.deletingLastPathComponent().appendingPathComponent("coded"))
    }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(packageRoot.appendingPathComponent(".build/debug/coded"))
    return candidates.first { fileManager.isExecutableFile(atPath: $0.path) }
  }()

  struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  /// A fresh temporary directory per test.
  final class Scratch {
    let directory: URL
    init() throws {
      directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("coded-spline-tests-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` to `name` in the directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
      let url = directory.appendingPathComponent(name)
      try Data(text.utf8).write(to: url)
      return url.path
    }
  }

  func coded(_ arguments: [String]) throws -> Run {
    let executable = try #require(
      Self.executable, "the coded executable was not found; run `swift build` first")
    let (status, stdout, stderr) = try runProcess(executable, arguments)
    return Run(status: status, stdout: stdout, stderr: stderr)
  }

  static func csv(header: [String], rows: [[Double]]) -> String {
    header.joined(separator: ",") + "\n"
      + rows.map { $0.map { "\($0)" }.joined(separator: ",") + "\n" }.joined()
  }

  // MARK: Correct runs against scipy

  /// n12 reference case (3 columns, non-unit weights), λ = 0.05: scipy make_smoothing_spline values
  /// recorded by scripts/make_spline_test_values.py.
  @Test("three weighted columns at a fixed λ agree with scipy to 1e-9")
  func weightedColumnsMatchScipy() throws {
    let scratch = try Scratch()
    let reference = SplineReferenceData.n12
    let fit = reference.fits[2]
    #expect(fit.lambda == 0.05)
    let data = try scratch.file(
      "data.csv",
      Self.csv(
        header: ["time", "a", "b", "c"],
        rows: zip(reference.knots, reference.data).map { [$0] + $1 }))
    let at = try scratch.file(
      "at.csv", Self.csv(header: ["z"], rows: reference.points.map { [$0] }))
    let weights = try scratch.file(
      "w.csv", Self.csv(header: ["w"], rows: reference.weights!.map { [$0] }))
    let run = try coded([
      "spline", "--data", data, "--at", at, "--lambda", "0.05", "--weights", weights,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.isEmpty)
    let table = try CSVTable.parse(run.stdout, source: "stdout")
    #expect(table.header == ["time", "a", "b", "c"])
    #expect(table.values.column(0) == reference.points)
    let fitted = Matrix(
      rows: table.values.rows, columns: 3,
      columnMajor: Array(table.values.storage[table.values.rows...]))
    #expect(
      relativeGap(fitted, fit.scipy.values) <= 1e-9, "\(relativeGap(fitted, fit.scipy.values))")
  }

  /// The GCV reference data: the λ printed on stderr is within 1% of scipy's GCV choice, and
  /// stdout is pure CSV.
  @Test("--lambda gcv (the default) reports λ on stderr")
  func gcvDefault() throws {
    let scratch = try Scratch()
    let data = try scratch.file(
      "data.csv",
      Self.csv(
        header: ["t", "y"],
        rows: zip(SplineReferenceData.gcvKnots, SplineReferenceData.gcvData).map { [$0, $1] }))
    let at = try scratch.file("at.csv", "t\n0.5\n1.5\n")
    for arguments in [["--lambda", "gcv"], []] {
      let run = try coded(["spline", "--data", data, "--at", at] + arguments)
      #expect(run.status == 0, "\(run.stderr)")
      let line = run.stderr.trimmingCharacters(in: .newlines)
      #expect(line.hasPrefix("lambda="))
      let lambda = try #require(Double(line.dropFirst("lambda=".count)))
      #expect(abs(lambda / SplineReferenceData.gcvScipyLambda - 1) <= 0.01)
      let table = try CSVTable.parse(run.stdout, source: "stdout")
      #expect(table.header == ["t", "y"] && table.values.rows == 2)
      // The printed values are the spline at that λ.
      let expected = try SmoothingSpline(
        knots: SplineReferenceData.gcvKnots, data: SplineReferenceData.gcvData, lambda: lambda
      ).evaluate(at: [0.5, 1.5])
      #expect(relativeGap(table.values.column(1), expected.column(0)) <= 1e-12)
    }
  }

  @Test("λ = 0 interpolates and points outside extrapolate linearly")
  func interpolatesAndExtrapolates() throws {
    let scratch = try Scratch()
    let data = try scratch.file("data.csv", "t, y\r\n0, 0\r\n1, 1\r\n2, 4\r\n3, 9\r\n")
    let at = try scratch.file("at.csv", "x\n1\n2\n")
    let run = try coded(["spline", "--data", data, "--at", at, "--lambda", "0"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "t,y\n1.0,1.0\n2.0,4.0\n")
  }

  // MARK: Bad input: one `error:` line, exit code 1

  /// Runs with the given files and options and checks exit code 1, empty stdout, and exactly one
  /// stderr line starting with "error:" that contains every expected fragment.
  func expectFailure(
    data: String? = "t,y\n0,1\n1,2\n2,0\n3,1\n", at: String? = "t\n0.5\n", weights: String? = nil,
    extra: [String] = [], mentions fragments: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let scratch = try Scratch()
    var arguments = ["spline"]
    arguments += [
      "--data",
      try data.map { try scratch.file("data.csv", $0) }
        ?? scratch.directory.appendingPathComponent("missing.csv").path,
    ]
    if let at { arguments += ["--at", try scratch.file("at.csv", at)] }
    if let weights { arguments += ["--weights", try scratch.file("w.csv", weights)] }
    arguments += extra
    let run = try coded(arguments)
    #expect(run.status == 1, "exit \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stdout.isEmpty, sourceLocation: sourceLocation)
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(
      run.stderr.hasPrefix("error: "), "stderr: \(run.stderr)", sourceLocation: sourceLocation)
    for fragment in fragments {
      #expect(
        run.stderr.contains(fragment), "'\(fragment)' not in: \(run.stderr)",
        sourceLocation: sourceLocation)
    }
  }

  @Test("unsorted t")
  func unsorted() throws {
    try expectFailure(
      data: "t,y\n0,1\n2,2\n1,0\n3,1\n", extra: ["--lambda", "1"],
      mentions: ["line 4", "t = 1.0", "below the previous value 2.0", "strictly increasing"])
  }

  @Test("repeated t")
  func repeated() throws {
    try expectFailure(
      data: "t,y\n0,1\n1,2\n1,0\n3,1\n", mentions: ["line 4", "t = 1.0 repeats the previous value"])
  }

  @Test("fewer than 2 points, and fewer than 3 for GCV")
  func tooFewPoints() throws {
    try expectFailure(
      data: "t,y\n0,1\n", extra: ["--lambda", "1"], mentions: ["has 1 data row; need at least 2"])
    try expectFailure(
      data: "t,y\n0,1\n1,2\n", extra: ["--lambda", "gcv"],
      mentions: ["has 2 data rows; need at least 3 for --lambda gcv"])
  }

  @Test("NaN or infinity in the data", arguments: ["nan", "inf", "-Infinity", "1e400"])
  func nonFiniteData(_ cell: String) throws {
    try expectFailure(
      data: "t,y\n0,1\n1,\(cell)\n2,0\n",
      mentions: ["line 3, column 2 (y)", "'\(cell)' is not finite"])
  }

  @Test("negative λ", arguments: ["-1", "-1e-300", "-inf", "nan"])
  func negativeLambda(_ value: String) throws {
    try expectFailure(
      extra: ["--lambda", value], mentions: ["--lambda: '\(value)' must be a finite number >= 0"])
  }

  @Test("non-numeric λ")
  func nonNumericLambda() throws {
    try expectFailure(
      extra: ["--lambda", "smooth"], mentions: ["--lambda: 'smooth' is neither a number nor 'gcv'"])
  }

  @Test("non-positive weight", arguments: ["0", "-2"])
  func nonPositiveWeight(_ value: String) throws {
    try expectFailure(
      weights: "w\n1\n1\n\(value)\n1\n", extra: ["--lambda", "1"],
      mentions: ["--weights", "line 4", "weight \(Double(value)!) must be finite and > 0"])
  }

  @Test("weights length mismatch")
  func weightsMismatch() throws {
    try expectFailure(weights: "w\n1\n1\n1\n", mentions: ["has 3 weights", "has 4 data rows"])
  }

  @Test("ragged CSV")
  func ragged() throws {
    try expectFailure(
      data: "t,y\n0,1\n1,2,3\n2,0\n", mentions: ["line 3: 3 cells, but the header has 2 columns"])
  }

  @Test("non-numeric cell")
  func nonNumeric() throws {
    try expectFailure(
      data: "t,y\n0,1\n1,abc\n2,0\n", mentions: ["line 3, column 2 (y): 'abc' is not a number"])
    try expectFailure(at: "t\n0.5\n\n1\n", mentions: ["at.csv' line 3: blank line"])
  }

  @Test("empty file and header-only file")
  func empty() throws {
    try expectFailure(data: "", mentions: ["data.csv' is empty"])
    try expectFailure(data: "t,y\n", mentions: ["data.csv' has a header but no data rows"])
    try expectFailure(at: "\n\n", mentions: ["at.csv' is empty"])
  }

  @Test("missing file")
  func missing() throws {
    try expectFailure(data: nil, mentions: ["cannot read", "missing.csv", "no such file"])
  }

  @Test("--at with two columns")
  func atTwoColumns() throws {
    try expectFailure(
      at: "a,b\n0.5,1\n", mentions: ["--at", "has 2 columns (a,b); expected exactly one"])
  }

  @Test("unknown option is a usage error (64)")
  func unknownOption() throws {
    let scratch = try Scratch()
    let data = try scratch.file("data.csv", "t,y\n0,1\n1,2\n2,0\n")
    let run = try coded(["spline", "--data", data, "--at", data, "--smoothness", "1"])
    #expect(run.status == 64)
    #expect(run.stderr.contains("--smoothness"))
  }
}
