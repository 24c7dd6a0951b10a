import CodedComputing
import Foundation
import Testing

/// `coded lt threshold|latency` through the built executable (the harness of ``CLISplineTests``).
@Suite("CLI: coded lt")
struct CLILTTests {
  let cli = CLISplineTests()
  let errors = CLIRunTests()

  @Test(
    "threshold prints the issue's columns, p_le_* for each fixed threshold; same seed, same row")
  func threshold() throws {
    let args = [
      "lt", "threshold", "--sources", "200", "--trials", "30", "--fixed-threshold", "250,300",
      "--fixed-threshold", "220", "--seed", "4",
    ]
    let run = try cli.coded(args)
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    #expect(lines[0] == "sources,trials,mean,median,p95,p99,max,p_le_250,p_le_300,p_le_220")
    let row = lines[1].split(separator: ",").map { Double($0) ?? .nan }
    #expect(row[0] == 200 && row[1] == 30)
    #expect(row.allSatisfy { $0.isFinite })
    #expect(row[2] >= 200 && row[3] >= 200 && row[4] >= row[3] && row[6] >= row[5])
    #expect((0...1).contains(row[7]) && row[8] >= row[7] && row[9] <= row[7])
    #expect(run.stderr.contains("[30/30]"))
    // The library with the same seeds gives the same mean.
    let code = try LTCode(functionCount: 200)
    var thresholds: [Double] = []
    for trial in 0..<30 {
      var generator = SplitMix64(seed: 4 + UInt64(trial))
      thresholds.append(Double(try ltDecodingThreshold(code: code, mode: .full, using: &generator)))
    }
    #expect(row[2] == SampleSummary(thresholds).mean)
    #expect(try cli.coded(args).stdout == run.stdout)
  }

  @Test("threshold in arrival order and in sum mode; --output writes atomically")
  func arrivalOrder() throws {
    let scratch = try CLISplineTests.Scratch()
    let output = scratch.directory.appendingPathComponent("t.csv").path
    let run = try cli.coded([
      "lt", "threshold", "--sources", "100", "--trials", "10", "--latency", "pareto:1,1",
      "--tau", "0.005", "--mode", "sum", "--output", output,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.isEmpty)
    let text = try String(contentsOfFile: output, encoding: .utf8)
    #expect(text.hasPrefix("sources,trials,mean,median,p95,p99,max\n100,10,"))
  }

  @Test("latency prints one row per strategy with the issue's columns")
  func latency() throws {
    let run = try cli.coded([
      "lt", "latency", "--sources", "100", "--latency", "exponential:0.2", "--tau", "0.005",
      "--trials", "20", "--strategies", "one,uncoded,replication:2,lt1,ltr:2,rateless",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "strategy,mean,median,p90,p99")
    #expect(
      lines.dropFirst().map { String($0.split(separator: ",")[0]) } == [
        "one", "uncoded", "replication:2", "lt1", "ltr:2", "rateless",
      ])
    for line in lines.dropFirst() {
      let numbers = line.split(separator: ",").dropFirst().map { Double($0) ?? .nan }
      #expect(numbers.count == 4 && numbers.allSatisfy { $0.isFinite && $0 > 0 }, "\(line)")
      #expect(numbers[3] >= numbers[2] && numbers[2] >= numbers[1], "\(line)")
    }
    // one: X₀ + τ·m with X₀ ~ Exp(mean 5), so the mean is near 5.5.
    let one = lines[1].split(separator: ",").compactMap { Double($0) }
    #expect(one[0] > 3 && one[0] < 8)
  }

  @Test(
    "bad input: one error line, exit 1",
    arguments: [
      (["lt", "threshold", "--sources", "0", "--trials", "1"], "--sources"),
      (["lt", "threshold", "--sources", "10", "--trials", "1", "--c", "0"], "--c"),
      (["lt", "threshold", "--sources", "10", "--trials", "1", "--c", "-1"], "--c"),
      (["lt", "threshold", "--sources", "10", "--trials", "1", "--delta", "1"], "--delta"),
      (["lt", "threshold", "--sources", "10", "--trials", "1", "--delta", "0"], "--delta"),
      (["lt", "threshold", "--sources", "10", "--trials", "0"], "--trials"),
      (["lt", "threshold", "--sources", "10", "--trials", "1", "--mode", "most"], "most"),
      (["lt", "threshold", "--sources", "10", "--trials", "1", "--fixed-threshold", "x"], "'x'"),
      (["lt", "threshold", "--sources", "1000000000", "--trials", "1"], "too large"),
      (
        [
          "lt", "latency", "--sources", "10", "--latency", "exponential:1", "--tau", "-1",
          "--trials", "5", "--strategies", "one",
        ], "--tau"
      ),
      (
        [
          "lt", "latency", "--sources", "10", "--latency", "exponential:1", "--tau", "0.1",
          "--trials", "5", "--strategies", "one,two",
        ], "unknown strategy 'two'"
      ),
      (
        [
          "lt", "latency", "--sources", "10", "--latency", "exponential:1", "--tau", "0.1",
          "--trials", "5", "--strategies", "replication:3",
        ], "replication:3"
      ),
      (
        [
          "lt", "latency", "--sources", "10", "--latency", "weibull:1", "--tau", "0.1", "--trials",
          "5", "--strategies", "one",
        ], "weibull"
      ),
      (
        [
          "lt", "latency", "--sources", "0", "--latency", "exponential:1", "--tau", "0.1",
          "--trials", "5", "--strategies", "one",
        ], "--sources"
      ),
      // Negative numbers reach our checks (not the argument parser's usage error, exit 64).
      (["lt", "threshold", "--sources", "-3", "--trials", "1"], "--sources"),
      (["lt", "threshold", "--sources", "10", "--trials", "1", "--fixed-threshold", "-5"], "-5"),
      (["lt", "threshold", "--sources", "10", "--trials", "1", "--span-limit", "-1"], "-1"),
      (["lt", "threshold", "--sources", "10", "--trials", "1", "--delta", "nan"], "--delta"),
      (
        ["lt", "threshold", "--sources", "10", "--trials", "1", "--workers", "5"],
        "--workers needs --latency"
      ),
      (
        [
          "lt", "latency", "--sources", "10", "--latency", "exponential:1", "--tau", "nan",
          "--trials", "5", "--strategies", "one",
        ], "--tau"
      ),
      (["lt", "run", "--function", "xsinx", "--sources", "10", "--workers", "-2"], "--workers"),
      (["lt", "run", "--function", "nope", "--sources", "10"], "unknown function 'nope'"),
      (["lt", "run", "--function", "xsinx", "--sources", "10", "--dim", "0"], "--dim"),
      (["lt", "run", "--function", "xsinx", "--sources", "10", "--input-range", "1:0"], "1:0"),
      (
        ["lt", "run", "--function", "xsinx", "--sources", "10", "--time-scale", "-1"],
        "--time-scale"
      ),
      (["lt", "run", "--function", "xsinx", "--sources", "10", "--mode", "half"], "'half'"),
    ])
  func badInput(_ arguments: [String], _ fragment: String) throws {
    try errors.expectError(arguments, mentions: fragment)
  }

  @Test(
    "a simulation that never decodes: progress lines, then one error line with symbols seen and sources missing"
  )
  func neverDecodes() throws {
    let run = try cli.coded([
      "lt", "latency", "--sources", "10", "--latency", "exponential:1", "--tau", "0.1", "--trials",
      "5", "--strategies", "lt1", "--redundancy", "0.5",
    ])
    #expect(run.status == 1)
    #expect(run.stdout.isEmpty)
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.filter { $0.hasPrefix("error:") }.count == 1)
    #expect(lines.last?.hasPrefix("error: lt1: no trial decoded in 5") == true, "\(run.stderr)")
    #expect(run.stderr.contains("symbols seen, ") && run.stderr.contains("sources missing"))
  }

  @Test(
    "lt run: the decoded sum equals the direct sum to rounding, for every strategy",
    arguments: [
      "one", "uncoded", "replication:2", "lt1", "ltr:2", "rateless",
    ])
  func realRound(_ strategy: String) throws {
    let run = try cli.coded([
      "lt", "run", "--function", "xsinx", "--sources", "300", "--dim", "2", "--workers", "10",
      "--strategy", strategy, "--latency", "exponential:0.2", "--time-scale", "0.002", "--trials",
      "2",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.first
        == "strategy,function,sources,workers,trial,results,seconds,max_abs_error,relative_error")
    #expect(lines.count == 3)
    for line in lines.dropFirst() {
      let fields = line.split(separator: ",").map(String.init)
      #expect(
        fields[0] == strategy && fields[1] == "xsinx" && fields[2] == "300" && fields[3] == "10")
      let relative = Double(fields[8]) ?? .nan
      // Σ of 300 values of x·sin x: workers send double-double partial sums and the master
      // peels in double-double, so every residual is exact and the decoded sum is the exact sum
      // rounded once, as is the direct sum (before: up to 2.4e-12, amplified by peeling).
      #expect(relative <= 1e-15, "\(line)")
    }
  }

  @Test(
    "lt run: a stream that ends before decoding is an error naming symbols seen and sources missing"
  )
  func runStreamEnds() throws {
    try errors.expectError(
      [
        "lt", "run", "--function", "sin", "--sources", "200", "--workers", "4",
        "--max-results-per-worker", "5",
      ], mentions: "20 symbols seen")
    try errors.expectError(
      ["lt", "run", "--function", "nope", "--sources", "20"], mentions: "unknown function 'nope'")
    try errors.expectError(
      [
        "lt", "run", "--function", "sin", "--sources", "20", "--workers", "3", "--strategy",
        "replication:2",
      ],
      mentions: "replication:2")
  }
}
