import CodedComputing
import Foundation
import Testing

/// `coded run`, `coded sweep` and `coded timing` through the built executable (the harness of
/// ``CLISplineTests``).
@Suite("CLI: coded run / sweep / timing")
struct CLIRunTests {
  let cli = CLISplineTests()

  static let base = [
    "run", "--scheme", "letcc", "--function", "xsinx", "--K", "6", "--workers", "30",
    "--stragglers", "3", "--straggler-model", "random",
  ]

  /// Runs `arguments`, expecting exit 1, nothing on stdout and one `error:` line naming `fragment`.
  func expectError(_ arguments: [String], mentions fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let run = try cli.coded(arguments)
    #expect(run.status == 1, "exit \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stdout.isEmpty, "stdout: \(run.stdout)", sourceLocation: sourceLocation)
    #expect(run.stderr.hasPrefix("error: "), "stderr: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.split(separator: "\n").count == 1, "stderr: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.contains(fragment), "'\(fragment)' not in: \(run.stderr)", sourceLocation: sourceLocation)
  }

  func replacing(_ option: String, with value: String, in arguments: [String] = base) -> [String] {
    var a = arguments
    if let i = a.firstIndex(of: option) { a[i + 1] = value } else { a += [option, value] }
    return a
  }

  @Test("run prints the Guides/Conventions.md header and one row; the same seed gives the same CSV")
  func runRow() throws {
    let args = Self.base + ["--noise", "0.01", "--trials", "3", "--seed", "7", "--decoder-lambda", "gcv"]
    let first = try cli.coded(args)
    #expect(first.status == 0, "\(first.stderr)")
    let lines = first.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    #expect(lines[0].hasPrefix("scheme,function,K,N,S,straggler_model,noise,trials,mse,"))
    let row = lines[1].split(separator: ",").map(String.init)
    #expect(Array(row[0..<8]) == ["letcc", "xsinx", "6", "30", "3", "random", "0.01", "3"])
    #expect((Double(row[8]) ?? -1) > 0)
    let again = try cli.coded(args)
    // Timing columns differ between runs; everything before them must be identical.
    let stable = { (s: String) in s.split(separator: "\n")[1].split(separator: ",").dropLast(3) }
    #expect(stable(first.stdout) == stable(again.stdout))
    let other = try cli.coded(replacing("--seed", with: "8", in: args))
    #expect(stable(first.stdout) != stable(other.stdout))
  }

  @Test("run reads --inputs and agrees with the library on the same inputs")
  func inputsFile() async throws {
    let scratch = try CLISplineTests.Scratch()
    let x = Matrix(rows: [[0.1, -0.4], [0.7, 0.2], [-0.3, 0.9], [0.5, -0.8]])
    let text = "a,b\n" + x.rowArrays.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n") + "\n"
    let path = try scratch.file("x.csv", text)
    let run = try cli.coded([
      "run", "--scheme", "bacc", "--function", "sigmoid", "--inputs", path, "--workers", "20",
      "--stragglers", "4", "--straggler-model", "worst-window", "--nodes", "equispaced",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let mse = Double(run.stdout.split(separator: "\n")[1].split(separator: ",")[8]) ?? -1
    let library = try await runExperiment(
      ExperimentSetup(
        scheme: .bacc, workload: BuiltinFunction.sigmoid, inputs: x, workers: 20, stragglers: 4,
        stragglerModel: .worstWindow, layout: .equispaced))
    #expect(mse == library.mse)
  }

  @Test("sweep writes one row per point atomically with --output and reports progress on stderr")
  func sweep() throws {
    let scratch = try CLISplineTests.Scratch()
    let output = scratch.directory.appendingPathComponent("sweep.csv").path
    let run = try cli.coded([
      "sweep", "--scheme", "letcc,bacc", "--function", "sin", "--K", "5", "--workers", "20,40",
      "--stragglers", "0,2", "--straggler-model", "worst-window", "--output", output,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.isEmpty)
    #expect(run.stderr.contains("[8/8]"))
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 9)
    #expect(lines[1].hasPrefix("letcc,sin,5,20,0,"))
    #expect(lines[8].hasPrefix("bacc,sin,5,40,2,"))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.directory.path)
    #expect(leftovers == ["sweep.csv"])
  }

  @Test("sweep --skip-invalid skips points a scheme cannot run; without it the sweep fails")
  func sweepSkip() throws {
    let args = [
      "sweep", "--scheme", "lcc", "--function", "square", "--K", "5", "--workers", "10,12",
      "--stragglers", "2", "--straggler-model", "random",
    ]
    let skipped = try cli.coded(args + ["--skip-invalid"])
    #expect(skipped.status == 0, "\(skipped.stderr)")
    #expect(skipped.stdout.split(separator: "\n").count == 2)  // header + N = 12 (10 − 2 < 9)
    try expectError(args, mentions: "lcc needs at least 9 surviving workers")
  }

  @Test("timing prints the schemes and their limits")
  func timing() throws {
    let run = try cli.coded(["timing", "--K", "10", "--workers", "50", "--stragglers", "5", "--dim", "8", "--repeats", "2"])
    #expect(run.status == 0, "\(run.stderr)")
    let names = run.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
    #expect(names == ["letcc", "bacc", "limit-memcopy", "limit-gemm"])
  }

  @Test("round deadline and MPI-only options: one error line each")
  func roundDeadlineOptions() throws {
    let args = replacing("--scheme", with: "letcc")
    try expectError(
      args + ["--round-deadline", "0"],
      mentions: "--round-deadline must be a number of seconds in (0, 10⁶], got 0.0")
    try expectError(
      args + ["--worker-timeout", "2"],
      mentions: "--kill-workers, --garble-workers and --worker-timeout need --backend mpi")
    try expectError(
      args + ["--backend", "mpi", "--kill-workers", "1:later"],
      mentions: "--kill-workers: '1:later' is not I or I:acked")
  }

  @Test("unknown scheme") func unknownScheme() throws {
    try expectError(replacing("--scheme", with: "fountain"), mentions: "unknown scheme 'fountain'")
  }
  @Test("unknown function") func unknownFunction() throws {
    try expectError(replacing("--function", with: "tanh2"), mentions: "unknown function 'tanh2'")
  }
  @Test("unknown straggler model") func unknownModel() throws {
    try expectError(replacing("--straggler-model", with: "sometimes"), mentions: "unknown straggler model 'sometimes'")
  }
  @Test("unknown node layout") func unknownNodes() throws {
    try expectError(replacing("--nodes", with: "random"), mentions: "unknown node layout 'random'")
  }
  @Test("S >= N") func tooManyStragglers() throws {
    try expectError(replacing("--stragglers", with: "30"), mentions: "S = 30 stragglers must be fewer than N = 30")
  }
  @Test("K < 2") func tooFewInputs() throws {
    try expectError(replacing("--K", with: "1"), mentions: "--K must be at least 2")
  }
  @Test("negative noise") func negativeNoise() throws {
    try expectError(replacing("--noise", with: "-0.5"), mentions: "noise must be a finite number >= 0")
  }
  @Test("bad decoder lambda") func badLambda() throws {
    try expectError(replacing("--decoder-lambda", with: "smooth"), mentions: "decoder lambda must be a number >= 0, 'gcv' or 'optimal'")
  }
  @Test("bad encoder lambda, and gcv with too few inputs") func badEncoderLambda() throws {
    try expectError(
      replacing("--encoder-lambda", with: "-1"),
      mentions: "--encoder-lambda must be a number >= 0, 'gcv' or 'optimal', got '-1'")
    try expectError(replacing("--encoder-lambda", with: "rough"), mentions: "got 'rough'")
    try expectError(
      replacing("--K", with: "2", in: replacing("--encoder-lambda", with: "gcv")),
      mentions: "encoder lambda 'gcv' needs K >= 3 inputs, got K = 2")
  }
  @Test("encoder lambda choices are reported: the choice and the λ used")
  func encoderLambdaColumns() throws {
    for (choice, expected) in [("0", 0.0), ("0.25", 0.25), ("optimal", Double.nan), ("gcv", Double.nan)] {
      let run = try cli.coded(replacing("--encoder-lambda", with: choice) + ["--nodes", "equispaced"])
      #expect(run.status == 0, "\(run.stderr)")
      let lines = run.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
      let header = lines[0]
      let row = lines[1]
      let given = try #require(header.firstIndex(of: "encoder_lambda"))
      let used = try #require(header.firstIndex(of: "encoder_lambda_used"))
      // Numbers as the CSV prints them (0 → 0.0); gcv and optimal by name.
      #expect(row[given] == choice || Double(row[given]) == Double(choice))
      let value = try #require(Double(row[used]))
      if expected.isNaN {
        #expect(value > 0)
      } else {
        #expect(value == expected)
      }
      if choice == "optimal" {
        // K·h³/24 with K = 6, N = 30 equispaced (spacing 2/29) and S = 3: h = 4·2/29.
        #expect(abs(value - 6 * pow(8.0 / 29, 3) / 24) < 1e-15)
      }
    }
  }
  @Test("LCC above its threshold") func lccThreshold() throws {
    try expectError(
      ["run", "--scheme", "lcc", "--function", "cube", "--K", "4", "--workers", "12", "--stragglers", "3"],
      mentions: "lcc needs at least 10 surviving workers, got 9")
  }
  @Test("uncoded with N != K") func uncodedShape() throws {
    try expectError(replacing("--scheme", with: "uncoded"), mentions: "N must equal K")
  }
  @Test("latency model without --latency, and a bad one") func latency() throws {
    try expectError(replacing("--straggler-model", with: "latency"), mentions: "needs --latency")
    try expectError(
      replacing("--straggler-model", with: "latency") + ["--latency", "gamma:2"], mentions: "unknown latency model 'gamma'")
  }
  @Test("inputs file: missing, ragged, non-numeric, header only, and --K together with it")
  func badInputs() throws {
    let scratch = try CLISplineTests.Scratch()
    let run = ["run", "--scheme", "bacc", "--function", "sin", "--workers", "10"]
    try expectError(run + ["--inputs", scratch.directory.appendingPathComponent("nope.csv").path], mentions: "nope.csv': no such file")
    try expectError(run + ["--inputs", try scratch.file("r.csv", "a,b\n1,2\n3\n")], mentions: "line 3: 1 cells, but the header has 2 columns")
    try expectError(run + ["--inputs", try scratch.file("n.csv", "a\n1\nx\n")], mentions: "line 3, column 1 (a): 'x' is not a number")
    try expectError(run + ["--inputs", try scratch.file("h.csv", "a\n")], mentions: "has a header but no data rows")
    try expectError(run + ["--inputs", try scratch.file("e.csv", "")], mentions: "e.csv' is empty")
    try expectError(run + ["--inputs", try scratch.file("ok.csv", "a\n1\n2\n"), "--K", "2"], mentions: "either --inputs or --K")
  }
  @Test("unknown option is a usage error (64), not exit 1") func usage() throws {
    let run = try cli.coded(Self.base + ["--frobnicate"])
    #expect(run.status == 64)
  }

  @Test("--format table prints the key columns aligned with 3 significant digits; csv keeps every parameter")
  func tableAndParameterColumns() throws {
    let args = Self.base + ["--straggler-model", "fixed", "--straggler-set", "1,4", "--seed", "3"]
    let csv = try cli.coded(args + ["--format", "csv"])
    #expect(csv.status == 0, "\(csv.stderr)")
    let lines = csv.stdout.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    for column in ["straggle_probability", "latency", "straggler_set", "adversary_magnitude", "inputs", "failed_trials"] {
      #expect(header.contains(column), "\(column) missing")
    }
    // The fixed set holds a comma, so its field is quoted; S is the set's size.
    #expect(lines[1].contains(",\"1,4\",100.0,uniform:-1:1,0,"))
    #expect(lines[1].hasPrefix("letcc,xsinx,6,30,2,fixed,"))
    let mse = try #require(Double(lines[1].split(separator: ",")[8]))

    let table = try cli.coded(args + ["--format", "table"])
    #expect(table.status == 0, "\(table.stderr)")
    let rows = table.stdout.split(separator: "\n").map(String.init)
    #expect(rows.count == 2)
    #expect(rows[0].split(separator: " ").map(String.init) == [
      "scheme", "function", "K", "N", "S", "straggler_model", "noise", "trials", "mse", "mse_std",
      "decoder_lambda_used", "failed_trials",
    ])
    // Every header cell lines up with its value's column end (numbers right-aligned).
    let cells = rows[1].split(separator: " ").map(String.init)
    #expect(cells[0] == "letcc" && cells[4] == "2")
    #expect(cells[8] == String(format: mse >= 1e-3 ? "%.3g" : "%.2e", mse))
    #expect(rows[0].count == rows[1].count)
  }

  @Test("--format table on the families' commands: the same rows as the CSV, aligned")
  func familyTables() throws {
    let arguments = ["polar", "construct", "--workers", "8", "--data-blocks", "4", "--construction", "bec:0.5"]
    let csv = try cli.coded(arguments + ["--format", "csv"])
    let table = try cli.coded(arguments + ["--format", "table"])
    #expect(csv.status == 0 && table.status == 0, "\(csv.stderr)\(table.stderr)")
    let csvRows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    let tableRows = table.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(tableRows.count == csvRows.count && csvRows.count == 9)
    #expect(tableRows[0] == ["index", "score", "information"])
    for (t, c) in zip(tableRows.dropFirst(), csvRows.dropFirst()) {
      // Same index and information; the score rounded to 3 significant digits.
      #expect(t[0] == c[0] && t[2] == c[2])
      let value = try #require(Double(c[1]))
      #expect(abs((Double(t[1]) ?? .nan) - value) <= 0.005 * max(abs(value), 1e-300))
    }
  }
}
