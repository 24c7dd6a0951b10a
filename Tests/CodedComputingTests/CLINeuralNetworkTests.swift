import CodedComputing
import Foundation
import Testing

/// `coded train`, `coded infer` and `coded forward-speed` through the built executable (the
/// harness of ``CLISplineTests``).
@Suite("CLI: coded train / infer / forward-speed")
struct CLINeuralNetworkTests {
  let cli = CLISplineTests()
  let run = CLIRunTests()
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
  static let digits = root.appendingPathComponent("notebooks-data/digits").path
  static let mlpTanh = root.appendingPathComponent("notebooks-data/models/digits-mlp-tanh.json")
    .path

  /// A tiny separable data set: 3 features, class 1 iff x0 + x1 > 0 (the header and layout of
  /// scripts/export_digits.py).
  func tinyData(_ scratch: CLISplineTests.Scratch) throws -> String {
    var rng = SplitMix64(seed: 3)
    func rows(_ count: Int) -> String {
      var text = "label,x0,x1,x2\n"
      var made = 0
      while made < count {
        let x = (0..<3).map { _ in Double.random(in: -1...1, using: &rng) }
        guard abs(x[0] + x[1]) > 0.2 else { continue }
        text += "\(x[0] + x[1] > 0 ? 1 : 0),\(x[0]),\(x[1]),\(x[2])\n"
        made += 1
      }
      return text
    }
    _ = try scratch.file("train.csv", rows(60))
    _ = try scratch.file("test.csv", rows(24))
    return scratch.directory.path
  }

  @Test("train writes a deterministic weight file that infer and forward-speed read")
  func trainInferRoundTrip() throws {
    let scratch = try CLISplineTests.Scratch()
    let data = try tinyData(scratch)
    let model = scratch.directory.appendingPathComponent("m.json").path
    let again = scratch.directory.appendingPathComponent("m2.json").path
    let args = [
      "train", "--model", "mlp", "--activation", "tanh", "--hidden", "8", "--epochs", "40",
      "--learning-rate", "0.02", "--data", data, "--seed", "5", "--output",
    ]
    let first = try cli.coded(args + [model])
    #expect(first.status == 0, "\(first.stderr)")
    let lines = first.stdout.split(separator: "\n")
    #expect(
      lines.first
        == "model,activation,epochs,seed,parameters,train_accuracy,test_accuracy,seconds,output")
    #expect(lines.count == 2)
    let second = try cli.coded(args + [again])
    #expect(second.status == 0)
    #expect(
      FileManager.default.contents(atPath: model) == FileManager.default.contents(atPath: again))
    let network = try SequentialNetwork.load(from: model)
    #expect(network.metadata["seed"] == "5")
    #expect(try network.accuracy(on: LabeledDataset.load(csv: data + "/train.csv")) == 1)

    let infer = try cli.coded([
      "infer", "--model", model, "--data", data, "--K", "4", "--workers", "8,12",
      "--stragglers", "0,2", "--schemes", "letcc,bacc,replication",
    ])
    #expect(infer.status == 0, "\(infer.stderr)")
    let rows = infer.stdout.split(separator: "\n")
    #expect(rows.count == 1 + 2 * 3 * 2)
    #expect(rows[0].hasPrefix("model_file,model,activation,smooth,test_accuracy,scheme,K,N,S"))
    #expect(rows[1].hasPrefix("\(model),mlp-tanh,tanh,1,"))
    let speed = try cli.coded([
      "forward-speed", "--model", model, "--data", data, "--batch-sizes", "1,8", "--seconds",
      "0.05",
    ])
    #expect(speed.status == 0, "\(speed.stderr)")
    #expect(speed.stdout.split(separator: "\n").count == 3)
  }

  @Test("infer takes the encoder λ choices and reports them")
  func inferEncoderLambda() throws {
    for choice in ["optimal", "gcv"] {
      let result = try cli.coded([
        "infer", "--model", Self.mlpTanh, "--data", Self.digits, "--K", "10", "--workers", "20",
        "--stragglers", "2", "--schemes", "letcc", "--encoder-lambda", choice,
      ])
      #expect(result.status == 0, "\(result.stderr)")
      let rows = result.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
      let column = try #require(rows[0].firstIndex(of: "encoder_lambda"))
      #expect(rows.count > 1 && rows.dropFirst().allSatisfy { $0[column] == choice })
    }
  }

  @Test("infer on digits reports the network's own test accuracy beside every row")
  func inferDigits() throws {
    let result = try cli.coded([
      "infer", "--model", Self.mlpTanh, "--data", Self.digits, "--K", "10", "--workers", "20",
      "--stragglers", "2", "--schemes", "letcc,replication",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let rows = result.stdout.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false)
    }
    let header = rows[0].map(String.init)
    let accuracy = try SequentialNetwork.load(from: Self.mlpTanh).metadata["test_accuracy"]
    for row in rows.dropFirst() {
      #expect(String(row[header.firstIndex(of: "test_accuracy")!]) == accuracy)
      #expect(String(row[header.firstIndex(of: "groups")!]) == "45")
      #expect(
        String(row[header.firstIndex(of: "split")!])
          == "train_test_split(test_size=0.25; random_state=0; stratify=y)")
    }
  }

  @Test("bad models, files and images: one error line, exit 1")
  func errors() throws {
    let scratch = try CLISplineTests.Scratch()
    let data = try tinyData(scratch)
    try run.expectError(
      [
        "train", "--model", "resnet", "--data", data, "--output",
        scratch.directory.path + "/x.json",
      ],
      mentions: "unknown model 'resnet'")
    try run.expectError(
      [
        "train", "--activation", "swish", "--data", data, "--output",
        scratch.directory.path + "/x.json",
      ],
      mentions: "unknown activation 'swish'")
    try run.expectError(
      [
        "train", "--model", "lenet", "--data", data, "--output", scratch.directory.path + "/x.json",
      ],
      mentions: "lenet needs images")
    let oneClass = try CLISplineTests.Scratch()
    _ = try oneClass.file("train.csv", "label,x0\n0,1\n0,2\n")
    _ = try oneClass.file("test.csv", "label,x0\n0,1\n")
    try run.expectError(
      ["train", "--data", oneClass.directory.path, "--output", scratch.directory.path + "/x.json"],
      mentions: "only one class")
    let text = try String(contentsOfFile: Self.mlpTanh, encoding: .utf8)
    let truncated = try scratch.file("truncated.json", String(text.prefix(2000)))
    try run.expectError(
      ["infer", "--model", truncated, "--data", Self.digits], mentions: "corrupted weight file")
    let wrongShape = try scratch.file(
      "shape.json",
      """
      {"format": "coded-nn", "version": 1, "input": [1, 8, 8], "layers": [
        {"type": "dense", "in": 64, "out": 10, "weight": [1, 2, 3], "bias": [0]}]}
      """)
    try run.expectError(
      ["infer", "--model", wrongShape, "--data", Self.digits],
      mentions: "has 3 values, expected 640")
    try run.expectError(
      ["infer", "--model", Self.mlpTanh, "--data", data], mentions: "have 3 pixels")
    try run.expectError(
      ["infer", "--model", scratch.directory.path + "/none.json", "--data", Self.digits],
      mentions: "no such file")
    try run.expectError(
      [
        "infer", "--model", Self.mlpTanh, "--data", Self.digits, "--K", "10", "--workers", "20",
        "--stragglers", "20",
      ], mentions: "S = 20 must be in 0..<N = 20")
    try run.expectError(
      ["infer", "--model", Self.mlpTanh, "--data", Self.digits, "--encoder-lambda", "smooth"],
      mentions: "--encoder-lambda must be a number >= 0, 'gcv' or 'optimal', got 'smooth'")
    try run.expectError(
      ["forward-speed", "--model", Self.mlpTanh, "--data", data], mentions: "64 features, got 3")
  }
}
