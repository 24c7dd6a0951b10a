import CodedComputing
import Foundation
import Testing

/// `coded blackbox …` through the built executable (the harness of ``CLISplineTests``): the
/// issue's columns, exact gradients on `quadratic`, and one `error:` line per bad input.
@Suite("CLI: coded blackbox (BlackBox)")
struct CLIBlackBoxTests {
  let cli = CLISplineTests()
  let errors = CLIRunTests()

  /// The polar CLI tests' runner: status 0 expected, header and rows split on commas.
  func table(_ arguments: [String]) throws -> (header: [String], rows: [[String]]) {
    try CLIPolarTests().table(arguments)
  }

  static let gradient = [
    "blackbox", "gradient", "--function", "quadratic", "--dim", "30", "--workers", "8", "--step", "0.5",
  ]

  @Test("gradient: exactly the issue's columns; quadratic exact for every code with no stragglers; uncoded costs 2d evaluations")
  func gradientColumns() throws {
    for code in ["polar", "mds", "uncoded", "replication", "gaussian"] {
      let t = try table(Self.gradient + ["--code", code, "--trials", "2", "--seed", "3"])
      #expect(
        t.header == [
          "code", "dim", "workers", "stragglers", "evaluations", "gradient_relative_error", "seconds",
        ])
      #expect(t.rows.count == 2)
      for row in t.rows {
        #expect(Array(row.prefix(4)) == [code, "30", "8", "0"])
        #expect((Double(row[5]) ?? 1) <= 1e-8, "\(code): \(row)")
        #expect((Double(row[6]) ?? -1) >= 0)
        if code == "uncoded" { #expect(row[4] == "60") }
      }
    }
  }

  @Test("gradient: with 2 random stragglers per block MDS stays exact, uncoded loses coordinates; rosenbrock and logistic to 1e-6")
  func gradientStragglers() throws {
    let args = Self.gradient + ["--stragglers", "2", "--straggler-model", "random", "--seed", "4"]
    let mds = try table(args + ["--code", "mds"])
    #expect((Double(mds.rows[0][5]) ?? 1) <= 1e-8)
    let uncoded = try table(args + ["--code", "uncoded"])
    #expect((Double(uncoded.rows[0][5]) ?? 0) >= 0.05)
    for function in ["rosenbrock", "logistic"] {
      let t = try table([
        "blackbox", "gradient", "--function", function, "--dim", "12", "--workers", "6", "--code", "mds",
        "--stragglers", "1", "--straggler-model", "exponential:1", "--time-unit", "0.0005",
      ])
      #expect((Double(t.rows[0][5]) ?? 1) <= 1e-6, "\(function): \(t.rows)")
    }
  }

  @Test("optimize and attack: their columns, --output atomic, figures in range")
  func optimizeAndAttack() throws {
    let scratch = try CLISplineTests.Scratch()
    let output = scratch.directory.appendingPathComponent("optimize.csv").path
    let run = try cli.coded([
      "blackbox", "optimize", "--function", "quadratic", "--dim", "8", "--workers", "6",
      "--stragglers", "1", "--codes", "mds,uncoded", "--iterations", "4", "--latency", "exponential:2",
      "--latency", "pareto:0.5,1.5", "--time-unit", "0.0002", "--output", output,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.isEmpty)
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "code,latency,iteration,evaluations,seconds,value,decoded")
    #expect(lines.count == 1 + 2 * 2 * 4)
    // A law with a comma is one quoted field (RFC 4180).
    #expect(lines.contains { $0.hasPrefix("mds,\"pareto:0.5,1.5\",4,") })
    let models = "notebooks-data/models/digits-mlp-gelu.json"
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let attack = try table([
      "blackbox", "attack", "--model", root.appendingPathComponent(models).path, "--data",
      root.appendingPathComponent("notebooks-data/digits/test.csv").path, "--images", "2",
      "--budget", "400", "--workers", "20", "--stragglers", "4", "--codes", "mds,uncoded,gaussian",
      "--time-unit", "0.0001",
    ])
    #expect(
      attack.header == [
        "code", "model", "latency", "workers", "stragglers", "images", "budget", "success_rate",
        "mean_l2", "median_l2", "mean_queries_to_success", "mean_seconds",
      ])
    #expect(attack.rows.map { $0[0] } == ["mds", "uncoded", "gaussian"])
    for row in attack.rows {
      let rate = Double(row[7]) ?? -1
      #expect(rate >= 0 && rate <= 1)
      #expect(row[5] == "2")
    }
  }

  @Test(
    "bad input: one error: line, exit 1",
    arguments: [
      (["--code", "mds", "--step", "0"], "--step"),
      (["--code", "mds", "--step", "nan"], "--step"),
      (["--code", "mds", "--step", "-1"], "--step"),
      (["--code", "mds", "--dim", "0"], "--dim"),
      (["--code", "mds", "--block-size", "20"], "cannot cover"),
      (["--code", "turbo"], "unknown --code"),
      (["--code", "gaussian", "--deadline", "0"], "--deadline"),
      (["--code", "mds", "--function", "nope"], "unknown function"),
      (["--code", "mds", "--stragglers", "2"], "none takes no stragglers"),
      (["--code", "mds", "--stragglers", "1", "--straggler-model", "pareto:0,1"], "pareto"),
    ])
  func badInput(arguments: [String], fragment: String) throws {
    var args = Self.gradient
    var i = 0
    while i < arguments.count {
      if let j = args.firstIndex(of: arguments[i]) { args[j + 1] = arguments[i + 1] } else {
        args += [arguments[i], arguments[i + 1]]
      }
      i += 2
    }
    try errors.expectError(args, mentions: fragment)
  }

  @Test("attack: a model file that does not load is one error: line")
  func badModel() throws {
    try errors.expectError(
      ["blackbox", "attack", "--model", "/nonexistent/model.json", "--workers", "8"],
      mentions: "model.json")
  }
}
