import CodedComputing
import Foundation
import Testing

/// The MPI backend end to end: the built `coded` under `mpirun` (each job bounded by
/// ``MPILauncher``), against the in-process pool on the same flags. Serialized: each job starts
/// up to 17 ranks on a small machine.
@Suite(
  "MPI: coded run --backend mpi", .serialized,
  .enabled(if: MPILauncher.isAvailable, "mpirun (Open MPI) not found: the MPI tests are skipped"))
struct MPIWorkerPoolTests {
  let cli = CLISplineTests()

  /// The fields of one CSV line (RFC 4180 quoting: `"1,5"` is one field).
  static func fields(_ line: Substring) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var previous: Character? = nil
    for character in line {
      switch character {
      case "\"" where quoted: quoted = false
      case "\"":
        if previous == "\"" { field.append("\"") }
        quoted = true
      case "," where !quoted:
        fields.append(field)
        field = ""
      default: field.append(character)
      }
      previous = character
    }
    fields.append(field)
    return fields
  }

  /// The CSV row of `coded run` as column → value.
  static func columns(_ stdout: String) -> [String: String] {
    let lines = stdout.split(separator: "\n")
    guard lines.count >= 2 else { return [:] }
    return Dictionary(uniqueKeysWithValues: zip(fields(lines[0]), fields(lines[1])))
  }

  static func number(_ row: [String: String], _ column: String) -> Double {
    row[column].flatMap(Double.init) ?? .nan
  }

  /// The columns that do not depend on timing.
  static func stable(_ row: [String: String]) -> [String: String] {
    row.filter { !$0.key.hasSuffix("_seconds") }
  }

  /// Expects the MPI row's MSE (and its spread over trials) within 1e-12 relative of the
  /// in-process run's MSE: the same survivors decode the same values up to rounding.
  static func expectMSE(
    _ row: [String: String], matches local: CLISplineTests.Run,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let expected = number(columns(local.stdout), "mse")
    #expect(expected > 0, "\(local.stderr)", sourceLocation: sourceLocation)
    #expect(abs(number(row, "mse") - expected) <= 1e-12 * expected, sourceLocation: sourceLocation)
    #expect(number(row, "mse_std") <= 1e-12 * expected, sourceLocation: sourceLocation)
  }

  /// The `--decoded-output` files of an MPI run and of the in-process run it is compared with.
  struct DecodedFiles {
    let scratch: CLISplineTests.Scratch
    var mpi: String { scratch.directory.appendingPathComponent("mpi.csv").path }
    var local: String { scratch.directory.appendingPathComponent("local.csv").path }

    init() throws { scratch = try CLISplineTests.Scratch() }

    /// The two decoded K × m matrices (MPI, in-process).
    func read() throws -> (Matrix, Matrix) {
      (try CSVTable.read(contentsOf: mpi).values, try CSVTable.read(contentsOf: local).values)
    }
  }

  struct Case: Sendable, CustomTestStringConvertible {
    let scheme: String
    let function: String
    let k: Int
    let workers: Int
    let stragglerSet: [Int]
    var testDescription: String {
      "\(scheme) \(function) K=\(k) N=\(workers) missing \(stragglerSet)"
    }
  }

  static let schemes: [Case] = [
    Case(scheme: "letcc", function: "xsinx", k: 5, workers: 10, stragglerSet: [2, 7]),
    Case(scheme: "bacc", function: "sigmoid", k: 5, workers: 10, stragglerSet: [0, 9]),
    Case(scheme: "lcc", function: "square", k: 3, workers: 8, stragglerSet: [1, 4]),
    Case(scheme: "uncoded", function: "sin", k: 6, workers: 6, stragglerSet: []),
    Case(scheme: "replication", function: "cube", k: 4, workers: 8, stragglerSet: [3, 6]),
  ]

  func arguments(_ c: Case, decoded: String, model: String = "fixed") -> [String] {
    var a = [
      "run", "--scheme", c.scheme, "--function", c.function, "--K", "\(c.k)", "--dim", "3",
      "--workers", "\(c.workers)", "--stragglers", "\(c.stragglerSet.count)", "--seed", "5",
      "--decoded-output", decoded,
    ]
    if c.stragglerSet.isEmpty {
      a += ["--straggler-model", "none"]
    } else {
      a += [
        "--straggler-model", model, "--straggler-set",
        c.stragglerSet.map(String.init).joined(separator: ","),
      ]
    }
    return a
  }

  @Test(
    "every scheme decodes the same estimates on MPI ranks as in-process (≤ 1e-12 relative)",
    arguments: schemes)
  func sameEstimates(_ c: Case) throws {
    let files = try DecodedFiles()
    let (mpiPath, localPath) = (files.mpi, files.local)
    let mpi = try MPILauncher.coded(
      ranks: c.workers + 1, arguments(c, decoded: mpiPath) + ["--backend", "mpi"])
    #expect(mpi.status == 0, "\(mpi.stderr)")
    let local = try cli.coded(arguments(c, decoded: localPath))
    #expect(local.status == 0, "\(local.stderr)")
    let mpiRow = Self.columns(mpi.stdout)
    #expect(Self.stable(mpiRow) == Self.stable(Self.columns(local.stdout)))
    #expect(mpi.stdout.split(separator: "\n").count == 2, "only rank 0 prints: \(mpi.stdout)")
    let (a, b) = try files.read()
    #expect(a.rows == c.k)
    #expect(relativeGap(a, b) <= 1e-12)
    #expect(Self.number(mpiRow, "mean_survivors") == Double(c.workers - c.stragglerSet.count))
  }

  @Test("a sweep on MPI ranks prints the in-process CSV")
  func sweep() throws {
    let arguments = [
      "sweep", "--scheme", "letcc,bacc", "--function", "sin", "--K", "4", "--workers", "6,8",
      "--stragglers", "0,1", "--straggler-model", "worst-window",
    ]
    let mpi = try MPILauncher.coded(ranks: 9, arguments + ["--backend", "mpi"])
    #expect(mpi.status == 0, "\(mpi.stderr)")
    let local = try cli.coded(arguments)
    // Every column but the last three (the timings).
    let drop = { (text: String) in text.split(separator: "\n").map { Self.fields($0).dropLast(3) } }
    #expect(drop(mpi.stdout).count == 9)
    #expect(drop(mpi.stdout) == drop(local.stdout))
  }

  @Test(
    "two workers sleeping 2 s: every round ends at the first N − S arrivals, late results never leak into later rounds"
  )
  func realStragglers() throws {
    let base = [
      "run", "--scheme", "letcc", "--function", "xsinx", "--K", "6", "--workers", "12",
      "--stragglers", "2", "--seed", "3",
    ]
    let mpi = try MPILauncher.coded(
      ranks: 13,
      base + [
        "--straggler-model", "arrival", "--latency", "slow-set:3,8@0,2", "--trials", "4",
        "--backend", "mpi",
      ])
    #expect(mpi.status == 0, "\(mpi.stderr)")
    let row = Self.columns(mpi.stdout)
    // compute_seconds is the mean wall time of one round on the master.
    let round = Self.number(row, "compute_seconds")
    #expect(round < 0.4, "a round took \(round) s with 2 s stragglers")
    #expect(
      mpi.seconds < 8, "4 rounds of which none waits for the 2 s workers took \(mpi.seconds) s")
    // Every round decoded from the same 10 fast workers: the in-process fixed-set numbers.
    Self.expectMSE(
      row, matches: try cli.coded(base + ["--straggler-model", "fixed", "--straggler-set", "3,8"]))
    #expect(Self.number(row, "mean_survivors") == 10)
  }

  @Test("results of abandoned rounds arriving during later rounds are dropped")
  func lateResultsOfEarlierRounds() throws {
    // The others answer after 0.1 s; workers 3 and 8 sleep 0.3 s without watching for the
    // abandon: each round (~0.1 s) ends without them, and their answers reach the master during
    // the next rounds. Taken as answers of the
    // current round they would change the survivors; dropped, every round decodes from the ten
    // fast workers — the in-process numbers for workers 3 and 8 straggling.
    let base = [
      "run", "--scheme", "letcc", "--function", "xsinx", "--K", "6", "--workers", "12",
      "--stragglers", "2", "--seed", "4",
    ]
    let mpi = try MPILauncher.coded(
      ranks: 13,
      base + [
        "--straggler-model", "arrival", "--latency", "slow-set:3,8@0.1,0.3", "--trials", "6",
        "--garble-workers", "3:late,8:late", "--backend", "mpi",
      ])
    #expect(mpi.status == 0, "\(mpi.stderr)")
    let row = Self.columns(mpi.stdout)
    #expect(Self.number(row, "mean_survivors") == 10)
    #expect(row["failed_workers"] == "0")
    Self.expectMSE(
      row, matches: try cli.coded(base + ["--straggler-model", "fixed", "--straggler-set", "3,8"]))
  }

  @Test(
    "random latencies: late results of abandoned rounds are dropped (same MSE as the survivors decode)"
  )
  func lateResultsDropped() throws {
    // Exponential delays with a mean of 20 ms: each round abandons 3 workers, whose results may
    // still arrive during later rounds; every trial must decode from exactly N − S = 9 workers.
    let mpi = try MPILauncher.coded(
      ranks: 13,
      [
        "run", "--scheme", "bacc", "--function", "sigmoid", "--K", "5", "--workers", "12",
        "--stragglers", "3", "--straggler-model", "arrival", "--latency", "exponential:50",
        "--trials", "20", "--backend", "mpi",
      ])
    #expect(mpi.status == 0, "\(mpi.stderr)")
    let row = Self.columns(mpi.stdout)
    #expect(Self.number(row, "mean_survivors") == 9)
    #expect(Self.number(row, "mse") < 1e-2)
    #expect(row["failed_workers"] == "0")
  }

  @Test(
    "killed workers (at most S) are permanent stragglers: same estimates as those workers straggling in-process"
  )
  func killedWorkers() throws {
    let files = try DecodedFiles()
    let (mpiPath, localPath) = (files.mpi, files.local)
    let base = [
      "run", "--scheme", "letcc", "--function", "xsinx", "--K", "5", "--workers", "10",
      "--stragglers", "2", "--seed", "9",
    ]
    let mpi = try MPILauncher.coded(
      ranks: 11,
      base + [
        "--straggler-model", "none", "--kill-workers", "2,6", "--backend", "mpi",
        "--decoded-output", mpiPath,
      ], recovery: true, limit: 60)
    #expect(mpi.status == 0, "\(mpi.stderr)")
    #expect(mpi.seconds < 30)
    let row = Self.columns(mpi.stdout)
    #expect(row["failed_workers"] == "2")
    #expect(Self.number(row, "mean_survivors") == 8)
    let local = try cli.coded(
      base + [
        "--straggler-model", "fixed", "--straggler-set", "2,6", "--decoded-output", localPath,
      ])
    #expect(local.status == 0, "\(local.stderr)")
    let (a, b) = try files.read()
    #expect(relativeGap(a, b) <= 1e-12)
    Self.expectMSE(row, matches: local)
  }

  @Test(
    "a worker that dies after acknowledging is found by its silence, long before the round deadline"
  )
  func diesAfterAcknowledging() throws {
    // CODED_MPI_PROCESS_CHECKS=0: the master cannot look at the worker's process, as for a worker
    // on another host; only the missing heartbeats (every 0.25 s) tell it, after
    // --worker-timeout 1. The round deadline is 60 s: a run that waited for it would take > 60 s.
    let files = try DecodedFiles()
    let (mpiPath, localPath) = (files.mpi, files.local)
    let base = [
      "run", "--scheme", "letcc", "--function", "sin", "--K", "3", "--workers", "6",
      "--stragglers", "2", "--straggler-model", "fixed", "--trials", "3",
    ]
    let mpi = try MPILauncher.coded(
      ranks: 7,
      base + [
        "--straggler-set", "4", "--kill-workers", "2:acked", "--worker-timeout", "1",
        "--round-deadline", "60", "--backend", "mpi", "--decoded-output", mpiPath,
      ], recovery: true, limit: 90, environment: ["CODED_MPI_PROCESS_CHECKS": "0"])
    #expect(mpi.status == 0, "\(mpi.stderr)")
    #expect(mpi.seconds < 30, "\(mpi.seconds) s")
    let row = Self.columns(mpi.stdout)
    #expect(row["failed_workers"] == "1", "\(mpi.stdout)")
    // Found after the 1 s of silence (so not by its process), within a few heartbeats more.
    #expect((1.0..<10).contains(Self.number(row, "compute_seconds")), "\(mpi.stdout)")
    let local = try cli.coded(
      base + ["--straggler-set", "2,4", "--decoded-output", localPath])
    #expect(local.status == 0, "\(local.stderr)")
    let (a, b) = try files.read()
    #expect(relativeGap(a, b) <= 1e-12)
    Self.expectMSE(row, matches: local)
  }

  @Test("an unseen death ends at the round deadline: one error line, mpirun fails")
  func roundDeadline() throws {
    // The process check is off and the silence limit (--worker-timeout 3) is longer than the
    // round deadline (2 s): only the deadline ends the wait for all six answers.
    let run = try MPILauncher.coded(
      ranks: 7,
      [
        "run", "--scheme", "letcc", "--function", "sin", "--K", "3", "--workers", "6",
        "--stragglers", "1", "--straggler-model", "random", "--kill-workers", "3:acked",
        "--worker-timeout", "3", "--round-deadline", "2", "--backend", "mpi",
      ], recovery: true, limit: 60, environment: ["CODED_MPI_PROCESS_CHECKS": "0"])
    #expect(run.status != 0, "\(run.stderr)")
    #expect(run.seconds < 30, "\(run.seconds) s")
    #expect(run.stdout.isEmpty, "\(run.stdout)")
    #expect(run.errorLines.count == 1, "\(run.stderr)")
    #expect(
      run.errorLines.first?.hasPrefix(
        "error: the round deadline of 2.0 s passed before it finished: only 5 workers answered")
        == true, "\(run.stderr)")
  }

  @Test("killed workers on the arrival path: every round decodes from the six live workers")
  func killedWorkersArrival() throws {
    let base = [
      "run", "--scheme", "bacc", "--function", "sin", "--K", "4", "--workers", "8",
      "--stragglers", "2",
    ]
    let mpi = try MPILauncher.coded(
      ranks: 9,
      base + [
        "--straggler-model", "arrival", "--latency", "constant:0.001", "--trials", "5",
        "--kill-workers", "0,7", "--backend", "mpi",
      ], recovery: true, limit: 60)
    #expect(mpi.status == 0, "\(mpi.stderr)")
    let row = Self.columns(mpi.stdout)
    #expect(Self.number(row, "mean_survivors") == 6)
    // A dead worker is a straggler from the start; whether a round ended before its death was
    // noticed (failed_workers counts only noticed ones) does not change who answered.
    #expect((0...2).contains(Int(row["failed_workers"] ?? "") ?? -1))
    // Same survivors every round: the trials agree up to rounding (the decoder's GEMM).
    Self.expectMSE(
      row, matches: try cli.coded(base + ["--straggler-model", "fixed", "--straggler-set", "0,7"]))
  }

  @Test(
    "more deaths than the code tolerates: one error line naming the dead workers, exit 1, no hang")
  func tooManyDeaths() throws {
    // LCC on x² with K = 3 needs (K − 1)·2 + 1 = 5 of the 8 workers; three die and one straggles.
    // mpirun's own status: under --enable-recovery Open MPI 4.1.4 would exit 0 whatever rank 0
    // returns; rank 0 makes it fail (MPIWorld.failLaunchedJob).
    let run = try MPILauncher.coded(
      ranks: 9,
      [
        "run", "--scheme", "lcc", "--function", "square", "--K", "3", "--workers", "8",
        "--stragglers", "1", "--straggler-model", "random", "--kill-workers", "1,5,6",
        "--backend", "mpi",
      ], recovery: true, limit: 60)
    #expect(run.status != 0, "\(run.stderr)")
    #expect(run.seconds < 30)
    #expect(run.stdout.isEmpty, "\(run.stdout)")
    #expect(run.errorLines.count == 1, "\(run.stderr)")
    #expect(run.errorLines.first?.contains("dead workers: 1, 5, 6") == true, "\(run.stderr)")
  }

  @Test("more deaths than the arrival rule allows: the round's error names the dead workers")
  func tooManyDeathsArrival() throws {
    let (run, status) = try MPILauncher.codedReportingRankZero(
      ranks: 7,
      [
        "run", "--scheme", "letcc", "--function", "sin", "--K", "3", "--workers", "6",
        "--stragglers", "1", "--straggler-model", "arrival", "--latency", "constant:0",
        "--kill-workers", "0,3", "--backend", "mpi",
      ], limit: 60)
    #expect(status == 1, "\(run.stderr)")
    #expect(run.errorLines.count == 1, "\(run.stderr)")
    #expect(run.errorLines.first?.contains("workers answered") == true, "\(run.stderr)")
    #expect(run.errorLines.first?.contains("dead workers: 0, 3") == true, "\(run.stderr)")
  }

  @Test(
    "garbage answers (NaN, one value short) within the tolerance: the estimates of those workers straggling"
  )
  func garbledWithinTolerance() throws {
    let files = try DecodedFiles()
    let (mpiPath, localPath) = (files.mpi, files.local)
    let base = [
      "run", "--scheme", "lcc", "--function", "square", "--K", "3", "--dim", "2", "--workers", "8",
      "--stragglers", "1", "--straggler-model", "fixed",
    ]
    let mpi = try MPILauncher.coded(
      ranks: 9,
      base + [
        "--straggler-set", "2", "--garble-workers", "1,5:short", "--backend", "mpi",
        "--decoded-output", mpiPath,
      ], limit: 60)
    #expect(mpi.status == 0, "\(mpi.stderr)")
    let row = Self.columns(mpi.stdout)
    #expect(row["failed_workers"] == "2")
    let local = try cli.coded(base + ["--straggler-set", "1,2,5", "--decoded-output", localPath])
    #expect(local.status == 0, "\(local.stderr)")
    let (a, b) = try files.read()
    #expect(relativeGap(a, b) <= 1e-12)
  }

  @Test(
    "more garbage answers than the code tolerates: one error line naming the failed workers and why, exit 1"
  )
  func garbledBeyondTolerance() throws {
    let run = try MPILauncher.coded(
      ranks: 9,
      [
        "run", "--scheme", "lcc", "--function", "square", "--K", "3", "--workers", "8",
        "--stragglers", "1", "--straggler-model", "random", "--garble-workers", "1,5:short,6",
        "--backend", "mpi",
      ], limit: 60)
    #expect(run.status == 1)
    #expect(run.stdout.isEmpty)
    #expect(run.errorLines.count == 1, "\(run.stderr)")
    let line = String(run.errorLines.first ?? "")
    #expect(line.contains("failed workers: 1, 5, 6"), "\(line)")
    #expect(line.contains("returned a non-finite value"), "\(line)")
  }

  @Test("N larger than the world: one error line with the mpirun command, every rank stops, exit 1")
  func worldTooSmall() throws {
    let run = try MPILauncher.coded(
      ranks: 4,
      [
        "run", "--scheme", "letcc", "--function", "sin", "--K", "3", "--workers", "8", "--backend",
        "mpi",
      ],
      limit: 60)
    #expect(run.status == 1)
    #expect(run.seconds < 30)
    #expect(run.errorLines.count == 1, "\(run.stderr)")
    #expect(
      run.errorLines.first?.contains("need 9 MPI ranks but the world has 4") == true,
      "\(run.stderr)")
    #expect(run.errorLines.first?.contains("mpirun -np 9") == true)
  }

  @Test("a usage error under mpirun is reported once (by rank 0), not by every rank")
  func usageErrorOnce() throws {
    let run = try MPILauncher.coded(
      ranks: 4,
      [
        "run", "--scheme", "bacc", "--function", "sin", "--K", "3", "--workers", "abc", "--backend",
        "mpi",
      ],
      limit: 60)
    #expect(run.status != 0)
    #expect(run.stdout.isEmpty)
    #expect(
      run.stderr.components(separatedBy: "The value 'abc' is invalid").count == 2, "\(run.stderr)")
    let bad = try MPILauncher.coded(
      ranks: 4,
      [
        "run", "--scheme", "bacc", "--function", "sin", "--K", "3", "--workers", "3",
        "--garble-workers", "1:x", "--backend", "mpi",
      ], limit: 60)
    #expect(bad.status == 1)
    #expect(
      bad.errorLines == ["error: --garble-workers: '1:x' is not I, I:short or I:late"],
      "\(bad.stderr)")
  }

  @Test("--backend mpi outside mpirun fails with the mpirun command to use")
  func outsideMPIRun() throws {
    let run = try cli.coded([
      "run", "--scheme", "letcc", "--function", "sin", "--K", "3", "--workers", "8", "--backend",
      "mpi",
    ])
    #expect(run.status == 1)
    #expect(run.stdout.isEmpty)
    #expect(
      run.stderr.hasPrefix("error: --backend mpi needs an MPI launcher; run: mpirun -np 9 "),
      "\(run.stderr)")
    #expect(run.stderr.split(separator: "\n").count == 1)
    let single = try MPILauncher.coded(
      ranks: 1,
      [
        "run", "--scheme", "letcc", "--function", "sin", "--K", "3", "--workers", "8", "--backend",
        "mpi",
      ],
      limit: 60)
    #expect(single.status == 1)
    #expect(single.errorLines.count == 1, "\(single.stderr)")
    #expect(single.errorLines.first?.contains("mpirun -np 9") == true, "\(single.stderr)")
  }

  @Test(
    "streaming rounds and round timing on MPI ranks: stop, exhaustion, deadlines, per-worker times")
  func streaming() throws {
    // mpi-bench stream checks the delivered results itself and exits 1 when they are wrong.
    let run = try MPILauncher.bench(ranks: 5, ["stream"], limit: 60)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    #expect(
      run.stdout.contains("stop: ending=stopped delivered=30 consistent=true"), "\(run.stdout)")
    #expect(
      run.stdout.contains("exhaust: ending=exhausted delivered=20 per-worker=[5, 5, 5, 5]"),
      "\(run.stdout)")
    #expect(run.stdout.contains("deadline: ending=deadline seconds-under-1=true"), "\(run.stdout)")
    // Workers busy in f for 1.2 s are not presumed dead after 0.4 s of silence: they beat.
    #expect(run.stdout.contains("heartbeat: answered=4 failures=0"), "\(run.stdout)")
    #expect(
      run.stdout.contains(
        "times: arrival-order=[0, 1, 2, 3] all-timed=true last-waited-its-delay=true"),
      "\(run.stdout)")
    #expect(
      run.stdout.contains(
        "deadline-round: error=only 0 workers answered (0 failed); 1 were needed under-1s=true"),
      "\(run.stdout)")
  }

  @Test("a model file missing on the worker ranks: one error line with the workers' reason, exit 1")
  func modelMissingOnWorkers() throws {
    // MPMD: rank 0 starts in a directory holding the model, the workers in one that does not.
    let scratch = try CLISplineTests.Scratch()
    let master = scratch.directory.appendingPathComponent("master")
    let workers = scratch.directory.appendingPathComponent("workers")
    try FileManager.default.createDirectory(at: master, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: workers, withIntermediateDirectories: true)
    var generator = SplitMix64(seed: 1)
    let network = try SequentialNetwork(
      inputShape: FeatureShape(flat: 3),
      layers: [.dense(DenseLayer(inputs: 3, outputs: 2, using: &generator))])
    try network.save(to: master.appendingPathComponent("net.json").path)
    let coded = try MPILauncher.executable()
    let arguments = [
      "run", "--scheme", "bacc", "--function", "model:net.json", "--K", "3", "--dim", "3",
      "--workers", "4", "--straggler-model", "none", "--backend", "mpi",
    ]
    let run = try MPILauncher.launch(
      MPILauncher.common + ["-np", "1", "-wdir", master.path, coded] + arguments + [":"]
        + ["-np", "4", "-wdir", workers.path, coded] + arguments,
      limit: 60)
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.errorLines.count == 1, "\(run.stderr)")
    #expect(run.errorLines.first?.contains("could not build the workload") == true, "\(run.stderr)")
  }
}
