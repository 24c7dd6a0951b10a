import CodedComputing
import Foundation
import Testing

/// `coded polar …` through the built executable (the harness of ``CLISplineTests``): the issue's
/// column names, values against closed forms, and one `error:` line per bad input.
@Suite("CLI: coded polar")
struct CLIPolarTests {
  let cli = CLISplineTests()
  let errors = CLIRunTests()

  func table(_ arguments: [String]) throws -> (header: [String], rows: [[String]]) {
    let run = try cli.coded(arguments)
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    return (lines.first ?? [], Array(lines.dropFirst()))
  }

  @Test(
    "polarization: index,mean_time in natural order; exact = 25/12, 11/12, 3/4, 1/4 at N = 4; Monte Carlo inside its CI"
  )
  func polarization() throws {
    let exact = try table(["polar", "polarization", "--workers", "4", "--latency", "exponential:1"])
    #expect(Array(exact.header.prefix(2)) == ["index", "mean_time"])
    #expect(exact.rows.map { $0[0] } == ["0", "1", "2", "3"])
    for (row, expected) in zip(exact.rows, [25.0 / 12, 11.0 / 12, 0.75, 0.25]) {
      #expect(abs((Double(row[1]) ?? 0) - expected) <= 1e-6)
    }
    let mc = try table([
      "polar", "polarization", "--workers", "4", "--latency", "exponential:1", "--method",
      "monte-carlo", "--trials", "20000", "--seed", "5",
    ])
    for (row, expected) in zip(mc.rows, [25.0 / 12, 11.0 / 12, 0.75, 0.25]) {
      let (mean, half) = (Double(row[1]) ?? 0, Double(row[2]) ?? 0)
      #expect(half > 0 && abs(mean - expected) <= 2 * half, "\(row)")
    }
  }

  @Test("construct: index,score,information with the hand-computed BEC values (N = 4, K = 2)")
  func construct() throws {
    let t = try table([
      "polar", "construct", "--workers", "4", "--data-blocks", "2", "--construction", "bec:0.5",
    ])
    #expect(t.header == ["index", "score", "information"])
    #expect(t.rows.map { Double($0[1]) ?? -1 } == [0.9375, 0.5625, 0.4375, 0.0625])
    #expect(t.rows.map { $0[2] } == ["0", "0", "1", "1"])
    let deadline = try table([
      "polar", "construct", "--workers", "8", "--data-blocks", "3", "--construction", "deadline:1",
      "--latency", "exponential:1",
    ])
    #expect(deadline.rows.filter { $0[2] == "1" }.count == 3)
  }

  @Test(
    "job-time: the issue's columns; MDS, uncoded and replication means match their order statistics"
  )
  func jobTime() throws {
    let t = try table([
      "polar", "job-time", "--workers", "16", "--data-blocks", "8", "--latency", "exponential:1",
      "--construction", "mean", "--trials", "20000", "--seed", "3",
    ])
    #expect(
      t.header == [
        "scheme", "workers", "data_blocks", "trials", "mean_job_time", "p50_job_time",
        "p99_job_time", "decode_seconds",
      ])
    #expect(t.rows.map { $0[0] } == ["polar", "mds", "uncoded", "replication"])
    let mean = Dictionary(uniqueKeysWithValues: t.rows.map { ($0[0], Double($0[4]) ?? .nan) })
    // Exp(1) order statistics: the K-th of N has mean Σ_{i=N−K+1}^{N} 1/i; the max of K is H_K;
    // replication (two copies a block): the max of 8 Exp(2) is H_8/2.
    let mds = (9...16).reduce(0.0) { $0 + 1 / Double($1) }
    let harmonic8 = (1...8).reduce(0.0) { $0 + 1 / Double($1) }
    #expect(abs((mean["mds"] ?? 0) - mds) <= 0.02 * mds)
    #expect(abs((mean["uncoded"] ?? 0) - harmonic8) <= 0.03 * harmonic8)
    #expect(abs((mean["replication"] ?? 0) - harmonic8 / 2) <= 0.03 * harmonic8 / 2)
    // No code decodes before the K-th arrival.
    #expect((mean["polar"] ?? 0) >= mds)
    #expect(t.rows.allSatisfy { row in row[4...].allSatisfy { (Double($0) ?? .nan).isFinite } })
  }

  @Test("timing: scheme,encode_seconds,decode_seconds for polar and mds")
  func timing() throws {
    let t = try table([
      "polar", "timing", "--workers", "64", "--data-blocks", "32", "--columns", "8", "--repeats",
      "3",
    ])
    #expect(t.header == ["scheme", "encode_seconds", "decode_seconds"])
    #expect(t.rows.map { $0[0] } == ["polar", "mds"])
    #expect(t.rows.allSatisfy { (Double($0[1]) ?? -1) > 0 && (Double($0[2]) ?? -1) > 0 })
  }

  @Test("descent: every scheme reaches the target in the same number of iterations (exact codes)")
  func descent() throws {
    let scratch = try CLISplineTests.Scratch()
    let trace = scratch.directory.appendingPathComponent("trace.csv").path
    let t = try table([
      "polar", "descent", "--workers", "8", "--data-blocks", "4", "--latency", "exponential:1",
      "--rows", "64", "--features", "8", "--tolerance", "1e-4", "--time-unit", "0.0001",
      "--trace", trace,
    ])
    #expect(t.header.first == "scheme" && t.header.contains("seconds_to_target"))
    #expect(t.rows.count == 4 && t.rows.allSatisfy { $0[5] == "1" })
    #expect(Set(t.rows.map { $0[6] }).count == 1)
    let traced = try String(contentsOfFile: trace, encoding: .utf8)
    #expect(
      traced.hasPrefix("scheme,problem,latency,iteration,seconds,relative_gradient,model_seconds\n")
    )
  }

  @Test(
    "coded run: polar and mds are exact on linear f, refuse a nonlinear one, and name an undecodable set"
  )
  func runScheme() throws {
    let base = [
      "run", "--function", "identity", "--K", "4", "--dim", "3", "--input-range=-1:1", "--workers",
      "8",
    ]
    for scheme in ["polar", "mds"] {
      let t = try table(
        base + [
          "--scheme", scheme, "--stragglers", "2", "--straggler-model", "random", "--trials", "5",
        ])
      #expect((Double(t.rows.first?[8] ?? "") ?? 1) <= 1e-28, "\(scheme): \(t.rows)")
    }
    try errors.expectError(
      [
        "run", "--scheme", "polar", "--function", "xsinx", "--K", "4", "--dim", "3", "--workers",
        "8",
        "--input-range=-1:1", "--stragglers", "2", "--straggler-model", "random",
      ],
      mentions: "needs a linear f")
    // bec:0.5 at N = 8, K = 4 keeps positions {3, 5, 6, 7}; workers 0…3 alone cannot recover 3.
    try errors.expectError(
      base + [
        "--scheme", "polar", "--stragglers", "4", "--straggler-model", "fixed", "--straggler-set",
        "4,5,6,7",
      ],
      mentions: "information position is not recoverable (3)")
  }

  @Test("--output writes the CSV atomically and prints nothing")
  func output() throws {
    let scratch = try CLISplineTests.Scratch()
    let path = scratch.directory.appendingPathComponent("c.csv").path
    let run = try cli.coded([
      "polar", "construct", "--workers", "4", "--data-blocks", "1", "--construction", "bec:0.3",
      "--output", path,
    ])
    #expect(run.status == 0 && run.stdout.isEmpty)
    #expect(
      try String(contentsOfFile: path, encoding: .utf8).hasPrefix("index,score,information\n"))
  }

  @Test(
    "bad input: one error line, exit 1",
    arguments: [
      (
        ["construct", "--workers", "8", "--data-blocks", "9", "--construction", "bec:0.5"],
        "--data-blocks"
      ),
      (
        ["construct", "--workers", "8", "--data-blocks", "0", "--construction", "bec:0.5"],
        "--data-blocks"
      ),
      (
        ["construct", "--workers", "8", "--data-blocks", "2", "--construction", "bec:1"],
        "EPS must be in (0, 1)"
      ),
      (
        ["construct", "--workers", "8", "--data-blocks", "2", "--construction", "bec:0"],
        "EPS must be in (0, 1)"
      ),
      (
        [
          "construct", "--workers", "8", "--data-blocks", "2", "--construction", "deadline:0",
          "--latency", "exponential:1",
        ], "deadline must be > 0"
      ),
      (
        ["construct", "--workers", "8", "--data-blocks", "2", "--construction", "mean"],
        "needs a latency law"
      ),
      (
        ["construct", "--workers", "0", "--data-blocks", "1", "--construction", "mean"], "--workers"
      ),
      (["polarization", "--workers", "8", "--latency", "pareto:1,0.8"], "infinite mean"),
      (["polarization", "--workers", "70000", "--latency", "exponential:1"], "must be <= 65536"),
      (
        [
          "construct", "--workers", "131072", "--data-blocks", "2", "--construction", "mean",
          "--latency", "exponential:1",
        ], "limited to N <= 65536"
      ),
      (
        [
          "job-time", "--workers", "1048576", "--data-blocks", "3", "--latency", "exponential:1",
          "--construction", "bec:0.5", "--trials", "10000",
        ], "trials·N <= 2^32"
      ),
      (["polarization", "--workers", "8", "--latency", "gamma:2"], "unknown latency model"),
      (
        ["polarization", "--workers", "8", "--latency", "exponential:1", "--method", "exactly"],
        "--method"
      ),
      (
        [
          "job-time", "--workers", "6", "--data-blocks", "3", "--latency", "exponential:1",
          "--construction", "mean", "--trials", "10", "--kernel", "hadamard",
        ], "hadamard kernel needs N = 2^n"
      ),
      (
        [
          "job-time", "--workers", "8", "--data-blocks", "3", "--latency", "exponential:1",
          "--construction", "mean", "--trials", "0",
        ], "--trials"
      ),
      (
        [
          "timing", "--workers", "8", "--data-blocks", "3", "--columns", "2", "--schemes",
          "polar,lt",
        ], "unknown scheme 'lt'"
      ),
      (
        [
          "descent", "--workers", "8", "--data-blocks", "4", "--latency", "exponential:1",
          "--problem", "ridge",
        ], "--problem"
      ),
    ] as [([String], String)])
  func badInput(arguments: [String], fragment: String) throws {
    try errors.expectError(["polar"] + arguments, mentions: fragment)
  }
}
