import CodedComputing
import Foundation
import Testing

/// `coded parity train|learn|evaluate` through the built executable (the harness of
/// ``CLISplineTests``), on the shipped digits MLP with a few short epochs.
@Suite("CLI: coded parity")
struct CLIParityTests {
  let cli = CLISplineTests()
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
  static let digits = root.appendingPathComponent("notebooks-data/digits").path
  static let mlp = root.appendingPathComponent("notebooks-data/models/digits-mlp-relu.json").path
  static let lenet = root.appendingPathComponent("notebooks-data/models/digits-lenet-relu.json")
    .path

  /// A parity model trained briefly (3 epochs of 300 queries).
  func train(
    _ scratch: CLISplineTests.Scratch, k: Int = 2, encoder: String = "sum", name: String = "p.json"
  )
    throws -> (path: String, run: CLISplineTests.Run)
  {
    let path = scratch.directory.appendingPathComponent(name).path
    let run = try cli.coded([
      "parity", "train", "--model", Self.mlp, "--k", "\(k)", "--encoder", encoder, "--epochs", "3",
      "--queries-per-epoch", "300", "--seed", "4", "--data", Self.digits, "--output", path,
    ])
    return (path, run)
  }

  @Test("train writes a reproducible parity model; evaluate prints one row per scheme")
  func trainAndEvaluate() throws {
    let scratch = try CLISplineTests.Scratch()
    let (path, run) = try train(scratch)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout.split(separator: "\n").first
        == "model,k,encoder,epochs,seed,final_mse,degraded_accuracy,degraded_rmse,train_seconds,output"
    )
    let (again, _) = try train(scratch, name: "q.json")
    let (a, b) = (try SequentialNetwork.load(from: path), try SequentialNetwork.load(from: again))
    #expect(a.flatParameters == b.flatParameters)
    #expect(a.metadata["k"] == "2")
    #expect(a.metadata["encoder"] == "sum")
    #expect(a.metadata["base_model"] == Self.mlp)
    let degraded = try #require(Double(a.metadata["degraded_accuracy"] ?? ""))

    let evaluation = try cli.coded([
      "parity", "evaluate", "--model", Self.mlp, "--parity", path, "--k", "2", "--data",
      Self.digits,
    ])
    #expect(evaluation.status == 0, "\(evaluation.stderr)")
    let lines = evaluation.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.first == "scheme,k,workers,base_accuracy,degraded_accuracy,rmse,seconds_per_query")
    let rows = lines.dropFirst().map { $0.split(separator: ",").map(String.init) }
    #expect(rows.map { $0[0] } == ["parity", "letcc", "bacc", "replication", "default"])
    #expect(rows.map { $0[2] } == ["3", "3", "3", "4", "2"])
    let accuracy = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], Double($0[4]) ?? -1) })
    // The same number the training run recorded; 450 test images, 225 groups, 450 rebuilt.
    #expect(accuracy["parity"] == degraded)
    #expect(
      abs((accuracy["parity"] ?? 0) * 450 - ((accuracy["parity"] ?? 0) * 450).rounded()) < 1e-9)
    // Far above returning the most frequent training class (about 1 in 10 on digits).
    #expect((accuracy["parity"] ?? 0) > 0.85)
    #expect((accuracy["default"] ?? 1) < 0.15)
    #expect(accuracy["replication"] == Double(rows[0][3]))
    for row in rows { #expect(row.allSatisfy { Double($0) != nil || $0 == row[0] }) }
  }

  @Test("concat at k = 4 trains and evaluates")
  func concatFour() throws {
    let scratch = try CLISplineTests.Scratch()
    let (path, run) = try train(scratch, k: 4, encoder: "concat")
    #expect(run.status == 0, "\(run.stderr)")
    let evaluation = try cli.coded([
      "parity", "evaluate", "--model", Self.mlp, "--parity", path, "--k", "4", "--data",
      Self.digits,
    ])
    #expect(evaluation.status == 0, "\(evaluation.stderr)")
    #expect(evaluation.stdout.split(separator: "\n").count == 6)
  }

  /// One `error:` line on stderr, exit 1.
  func expectFailure(
    _ arguments: [String], mentions: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let run = try cli.coded(arguments)
    #expect(run.status == 1, "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(
      lines.first?.hasPrefix("error: ") == true, "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.contains(mentions), "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stdout.isEmpty, sourceLocation: sourceLocation)
  }

  @Test("bad input: one error line, exit 1")
  func badInput() throws {
    let scratch = try CLISplineTests.Scratch()
    let output = scratch.directory.appendingPathComponent("out.json").path
    let trainArgs = [
      "parity", "train", "--model", Self.mlp, "--epochs", "1", "--data", Self.digits,
    ]
    try expectFailure(trainArgs + ["--k", "5", "--output", output], mentions: "got 5")
    try expectFailure(trainArgs + ["--k", "1", "--output", output], mentions: "got 1")
    try expectFailure(
      trainArgs + ["--k", "3", "--encoder", "concat", "--output", output], mentions: "k = 3")
    try expectFailure(
      trainArgs + ["--k", "2", "--encoder", "xor", "--output", output], mentions: "xor")
    #expect(!FileManager.default.fileExists(atPath: output))

    // An output that cannot be written: the error after training, and nothing else on stderr.
    try expectFailure(
      trainArgs + ["--k", "2", "--queries-per-epoch", "40", "--output", "/nonexistent/dir/p.json"],
      mentions: "/nonexistent/dir/p.json")

    // A learning rate that makes the weights overflow.
    try expectFailure(
      trainArgs + ["--k", "2", "--queries-per-epoch", "40", "--learning-rate", "1e300", "--output", output],
      mentions: "diverged")
    #expect(!FileManager.default.fileExists(atPath: output))

    // Missing, truncated and checksum-failing weight files.
    let text = try String(contentsOfFile: Self.mlp, encoding: .utf8)
    let truncated = try scratch.file("truncated.json", String(text.prefix(text.count / 2)))
    let marker = "\"bias\": ["
    let range = try #require(text.range(of: marker))
    var damaged = text
    let digitIndex = try #require(
      damaged[range.upperBound...].firstIndex(where: { ("1"..."8").contains($0) }))
    let digit = damaged[digitIndex]
    damaged.replaceSubrange(
      digitIndex...digitIndex, with: String(Character(UnicodeScalar(digit.asciiValue! + 1))))
    let badChecksum = try scratch.file("checksum.json", damaged)
    let missing = scratch.directory.appendingPathComponent("missing.json").path
    for (file, what) in [
      (missing, "no such file"), (truncated, "not valid JSON"), (badChecksum, "checksum mismatch"),
    ] {
      try expectFailure(
        [
          "parity", "train", "--model", file, "--k", "2", "--epochs", "1", "--data", Self.digits,
          "--output", output,
        ],
        mentions: what)
      try expectFailure(
        [
          "parity", "evaluate", "--model", Self.mlp, "--parity", file, "--k", "2", "--data",
          Self.digits,
        ],
        mentions: what)
    }

    // A parity model of another architecture (the LeNet for the MLP).
    try expectFailure(
      [
        "parity", "evaluate", "--model", Self.mlp, "--parity", Self.lenet, "--k", "2", "--data",
        Self.digits,
      ],
      mentions: "does not match")
    // k or encoder other than the parity model's.
    let (parity, run) = try train(scratch)
    #expect(run.status == 0)
    try expectFailure(
      [
        "parity", "evaluate", "--model", Self.mlp, "--parity", parity, "--k", "4", "--data",
        Self.digits,
      ],
      mentions: "k = 2")
    try expectFailure(
      [
        "parity", "evaluate", "--model", Self.mlp, "--parity", parity, "--k", "2", "--encoder",
        "concat",
        "--data", Self.digits,
      ],
      mentions: "sum")
    try expectFailure(
      [
        "parity", "evaluate", "--model", Self.mlp, "--parity", parity, "--k", "7", "--data",
        Self.digits,
      ],
      mentions: "got 7")

    // A parity model trained for another base model of the same architecture.
    var other = try SequentialNetwork.load(from: Self.mlp)
    var weights = other.flatParameters
    weights[0] += 0.25
    other.setFlatParameters(weights)
    let otherPath = scratch.directory.appendingPathComponent("other.json").path
    try other.save(to: otherPath)
    try expectFailure(
      ["parity", "evaluate", "--model", otherPath, "--parity", parity, "--k", "2", "--data", Self.digits],
      mentions: "trained for the base model")

    // Images of the wrong size: 3 features for a network on 8 × 8 images.
    let wrong = scratch.directory.appendingPathComponent("wrong")
    try FileManager.default.createDirectory(at: wrong, withIntermediateDirectories: true)
    let rows = "label,x0,x1,x2\n0,0.1,0.2,0.3\n1,0.3,0.2,0.1\n1,0.5,0.5,0.5\n0,0,0,0\n"
    try Data(rows.utf8).write(to: wrong.appendingPathComponent("train.csv"))
    try Data(rows.utf8).write(to: wrong.appendingPathComponent("test.csv"))
    try expectFailure(
      [
        "parity", "train", "--model", Self.mlp, "--k", "2", "--epochs", "1", "--data", wrong.path,
        "--output", output,
      ],
      mentions: "3 pixels")
    try expectFailure(
      [
        "parity", "evaluate", "--model", Self.mlp, "--parity", parity, "--k", "2", "--data",
        wrong.path,
      ],
      mentions: "3 pixels")
    #expect(!FileManager.default.fileExists(atPath: output))
  }

  @Test("learn writes an encoder and a decoder that evaluate adds as the learned row")
  func learned() throws {
    let scratch = try CLISplineTests.Scratch()
    let encoder = scratch.directory.appendingPathComponent("e.json").path
    let decoder = scratch.directory.appendingPathComponent("d.json").path
    let learn = try cli.coded([
      "parity", "learn", "--model", Self.mlp, "--epochs", "2", "--queries-per-epoch", "300",
      "--data", Self.digits, "--output-encoder", encoder, "--output-decoder", decoder,
    ])
    #expect(learn.status == 0, "\(learn.stderr)")
    let (parity, run) = try train(scratch)
    #expect(run.status == 0)
    let evaluation = try cli.coded([
      "parity", "evaluate", "--model", Self.mlp, "--parity", parity, "--k", "2", "--data",
      Self.digits,
      "--learned-encoder", encoder, "--learned-decoder", decoder,
    ])
    #expect(evaluation.status == 0, "\(evaluation.stderr)")
    let schemes = evaluation.stdout.split(separator: "\n").dropFirst().map {
      $0.split(separator: ",")[0]
    }
    #expect(schemes == ["parity", "learned", "letcc", "bacc", "replication", "default"])
    let learnedRow = evaluation.stdout.split(separator: "\n")[2].split(separator: ",")
    let recorded = try SequentialNetwork.load(from: decoder).metadata["degraded_accuracy"]
    #expect(String(learnedRow[4]) == recorded)
    try expectFailure(
      [
        "parity", "evaluate", "--model", Self.mlp, "--parity", parity, "--k", "2", "--data",
        Self.digits,
        "--learned-encoder", decoder, "--learned-decoder", encoder,
      ],
      mentions: "learned encoder")
  }

  @Test(
    "parity run in process: withholding each data worker in turn gives evaluate's degraded accuracy"
  )
  func parityRunInProcess() throws {
    // Over the same G·k test queries, accuracy(withhold 0) + accuracy(withhold 1) − base accuracy
    // counts each query once rebuilt: it is exactly `parity evaluate`'s degraded accuracy (every
    // (group, position) rebuilt in turn), computed there without any pool.
    let parity = Self.root.appendingPathComponent(
      "notebooks-data/models/digits-mlp-relu.parity-k2-sum.json"
    ).path
    func row(_ extra: [String]) throws -> [String: String] {
      let run = try cli.coded(
        ["parity", "run", "--model", Self.mlp, "--parity", parity, "--k", "2", "--format", "csv"]
          + extra)
      #expect(run.status == 0, "\(run.stderr)")
      let lines = run.stdout.split(separator: "\n").map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      }
      return Dictionary(uniqueKeysWithValues: zip(lines[0], lines[1]))
    }
    let (first, second, all) = (
      try row(["--withhold", "0"]), try row(["--withhold", "1"]), try row([])
    )
    let queries = Double(try #require(Int(all["queries"] ?? "")))
    func count(_ row: [String: String], _ column: String) -> Int {
      Int(((Double(row[column] ?? "") ?? .nan) * queries).rounded())
    }
    #expect(all["rebuilt"] == "0" && first["rebuilt"] == all["groups"])
    #expect(count(all, "accuracy") == count(all, "base_accuracy"))
    let evaluation = try cli.coded([
      "parity", "evaluate", "--model", Self.mlp, "--parity", parity, "--k", "2", "--data",
      Self.digits,
    ])
    let parityRow = try #require(evaluation.stdout.split(separator: "\n").dropFirst().first)
    let degraded = try #require(Double(parityRow.split(separator: ",")[4]))
    let rebuiltCorrect =
      count(first, "accuracy") + count(second, "accuracy") - count(all, "base_accuracy")
    #expect(abs(Double(rebuiltCorrect) / queries - degraded) < 1e-12, "\(rebuiltCorrect)")
    try expectFailure(
      ["parity", "run", "--model", Self.mlp, "--parity", parity, "--k", "2", "--withhold", "3"],
      mentions: "--withhold must be a worker in 0…2, got 3")
  }
}
