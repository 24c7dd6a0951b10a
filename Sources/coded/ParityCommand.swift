import ArgumentParser
import CodedComputing
import Foundation

/// `coded parity`: parity models and learned codes (issue 16; Guides/LearnedCodes.md).
struct ParityCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "parity",
    abstract: "Learned coded computation: parity models (k queries, r = 1) and learned codes.",
    subcommands: [
      ParityTrainCommand.self, ParityLearnCommand.self, ParityEvaluateCommand.self,
      ParityRunCommand.self,
    ])
}

/// The data directory: --data, else the base model's `data` metadata.
func _parityDataDirectory(_ option: String?, base: SequentialNetwork, path: String) throws -> String
{
  if let option { return option }
  guard let recorded = base.metadata["data"], !recorded.isEmpty else {
    throw CLIFailure("'\(path)' records no training data in its metadata; pass --data DIR")
  }
  return recorded
}

/// train.csv and test.csv of a data directory, checked against the base model's input size.
func _parityData(_ directory: String, base: SequentialNetwork, path: String) throws -> (
  train: LabeledDataset, test: LabeledDataset
) {
  let train = try LabeledDataset.load(
    csv: (directory as NSString).appendingPathComponent("train.csv"))
  let test = try LabeledDataset.load(
    csv: (directory as NSString).appendingPathComponent("test.csv"))
  for (name, set) in [("train.csv", train), ("test.csv", test)]
  where set.features.columns != base.inputShape.count {
    throw CLIFailure(
      "the images in '\(directory)/\(name)' have \(set.features.columns) pixels, the model '\(path)' takes \(base.inputShape.count) (\(base.inputShape))"
    )
  }
  return (train, test)
}

/// The training options shared by `parity train` and `parity learn`.
struct ParityTrainingFlags: ParsableArguments {
  @OptionGroup var rates: TrainingRateOptions
  @Option(help: "Queries per epoch (default: the training-set size).") var queriesPerEpoch: Int?
  @Option(help: "Seed for initialisation and the k-subsets.") var seed: UInt64 = 0
  @Option(help: "Directory with train.csv and test.csv (default: the base model's metadata).")
  var data: String?

  var epochs: Int { rates.epochs }
  var batchSize: Int { rates.batchSize }
  var learningRate: Double { rates.learningRate }

  /// --epochs, --batch-size and --learning-rate are checked by their group.
  func validate() throws {
    if let queriesPerEpoch, queriesPerEpoch < 1 {
      throw ValidationError("--queries-per-epoch must be at least 1, got \(queriesPerEpoch)")
    }
  }

  var options: ParityTrainingOptions {
    ParityTrainingOptions(
      epochs: epochs, batchSize: batchSize, learningRate: learningRate,
      queriesPerEpoch: queriesPerEpoch)
  }

  /// The base model's data: train.csv and test.csv, checked against its input size.
  func load(base: SequentialNetwork, path: String) throws -> (
    directory: String, train: LabeledDataset, test: LabeledDataset
  ) {
    let directory = try _parityDataDirectory(data, base: base, path: path)
    let (train, test) = try _parityData(directory, base: base, path: path)
    return (directory, train, test)
  }

  /// Prints each epoch's mean loss on stderr (after the weights are written, so that a failure
  /// prints nothing but its `error:` line).
  func log(_ losses: [Double]) {
    for (epoch, loss) in losses.enumerated() {
      FileHandle.standardError.write(Data("epoch \(epoch + 1): mse \(loss)\n".utf8))
    }
  }
}

func _checkQueryCount(_ k: Int) throws {
  guard (2...4).contains(k) else {
    throw CLIFailure("--k must be 2, 3 or 4 (r = 1 parity models), got \(k)")
  }
}

/// `coded parity train`.
struct ParityTrainCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract:
      "Train a parity model F_P with F_P(encode(X₁…X_k)) ≈ Σ F(Xᵢ), initialised from the base model.",
    discussion: """
      Parity queries come from random k-subsets of DIR/train.csv (DIR: --data, else the base model's
      "data" metadata); targets are the sums of the frozen base model's logits; MSE loss, Adam, seeded
      and deterministic (one BLAS thread). The weight file (written atomically) records the base model,
      k, encoder, training time and the degraded-mode accuracy on DIR/test.csv. Prints one CSV row.
      """)

  @Option(help: "The base model's weight file.") var model: String
  @Option(help: "Queries per parity query: 2, 3 or 4.") var k: Int
  @Option(help: "Encoder: sum or concat (concat: k = 2 or 4).") var encoder: String = "sum"
  @OptionGroup var training: ParityTrainingFlags
  @Option(help: "Where to write the parity model's weight file.") var output: String

  func run() async throws { try await reportingErrors { try _run() } }

  private func _run() throws {
    setBLASThreadCount(1)
    try _checkQueryCount(k)
    let kind = try parseChoice(encoder, what: "encoder", as: ParityEncoder.self)
    let base = try SequentialNetwork.load(from: model)
    let code = try ParityModelCode(queryCount: k, encoder: kind, inputShape: base.inputShape)
    let (directory, train, test) = try training.load(base: base, path: model)
    let (epochs, seed) = (training.epochs, training.seed)
    let clock = ContinuousClock()
    let start = clock.now
    var generator = SplitMix64(seed: seed)
    var (parity, losses) = try code.trainParityModel(
      base: base, data: train, options: training.options, using: &generator)
    let seconds = (clock.now - start).inSeconds
    let groups = test.count / k
    let used = test.features.selectingRows(Array(0..<(groups * k)))
    let score = ParityModelCode.degradedMode(
      queryCount: k, baseOutputs: try base.logits(used),
      parityOutputs: try parity.logits(try _parityQueries(used, code: code)),
      labels: test.labels)
    let baseName = ((model as NSString).lastPathComponent as NSString).deletingPathExtension
    parity.name = "\(baseName).parity-k\(k)-\(kind.rawValue)"
    parity.metadata = [
      "role": "parity model", "base_model": model, "base_name": base.name,
      "base_checksum": base.parameterChecksum, "k": "\(k)", "encoder": kind.rawValue,
      "epochs": "\(epochs)", "batch_size": "\(training.batchSize)",
      "learning_rate": "\(training.learningRate)",
      "queries_per_epoch": "\(training.queriesPerEpoch ?? train.count)", "optimizer": "adam",
      "loss": "mse", "seed": "\(seed)", "data": directory, "final_mse": "\(losses.last ?? .nan)",
      "degraded_accuracy": "\(score.accuracy)", "degraded_rmse": "\(score.rmse)",
      "base_test_accuracy": "\(try base.accuracy(on: test.prefix(groups * k)))",
      "train_seconds": "\(seconds)", "trained_by": "coded parity train",
    ]
    try parity.save(to: output)
    training.log(losses)
    print(
      "model,k,encoder,epochs,seed,final_mse,degraded_accuracy,degraded_rmse,train_seconds,output")
    print(
      "\(model),\(k),\(kind.rawValue),\(epochs),\(seed),\(csvNumber(losses.last ?? .nan)),\(csvNumber(score.accuracy)),\(csvNumber(score.rmse)),\(csvNumber(seconds)),\(output)"
    )
  }
}

/// The parity queries of consecutive groups of k rows (G × d).
func _parityQueries(_ images: Matrix, code: ParityModelCode) throws -> Matrix {
  let k = code.inputCount
  let groups = images.rows / k
  var queries = Matrix(rows: groups, columns: images.columns)
  for g in 0..<groups {
    let coded = try code.encode(images.selectingRows(Array((g * k)..<((g + 1) * k))))
    for j in 0..<images.columns { queries[g, j] = coded[k, j] }
  }
  return queries
}

/// `coded parity learn`: the learned code of "Learning a code" (k = 2).
struct ParityLearnCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "learn",
    abstract:
      "Train a learned code (MLP encoder k·d → d, MLP decoder) end to end through the frozen base model.",
    discussion: """
      Writes two weight files (atomically): the encoder and the decoder, each recording the base model,
      k, its partner's checksum, the training time and the degraded-mode accuracy on DIR/test.csv.
      """)

  @Option(help: "The base model's weight file.") var model: String
  @Option(help: "Queries per parity query (the learned code is studied at k = 2).") var k: Int = 2
  @OptionGroup var training: ParityTrainingFlags
  @Option(help: "Encoder hidden width.") var encoderHidden: Int = 128
  @Option(help: "Decoder hidden width.") var decoderHidden: Int = 64
  @Option(help: "Where to write the encoder's weight file.") var outputEncoder: String
  @Option(help: "Where to write the decoder's weight file.") var outputDecoder: String

  func validate() throws {
    guard encoderHidden >= 1, decoderHidden >= 1 else {
      throw ValidationError("the hidden widths must be at least 1")
    }
  }

  func run() async throws { try await reportingErrors { try _run() } }

  private func _run() throws {
    setBLASThreadCount(1)
    try _checkQueryCount(k)
    let base = try SequentialNetwork.load(from: model)
    let (directory, train, test) = try training.load(base: base, path: model)
    let (epochs, seed) = (training.epochs, training.seed)
    var generator = SplitMix64(seed: seed)
    let clock = ContinuousClock()
    let start = clock.now
    var code = try LearnedCode.make(
      base: base, queryCount: k, encoderHidden: encoderHidden, decoderHidden: decoderHidden,
      using: &generator)
    let losses = try code.train(
      base: base, data: train, options: training.options, using: &generator)
    let seconds = (clock.now - start).inSeconds
    let score = try code.degradedMode(base: base, data: test)
    let baseName = ((model as NSString).lastPathComponent as NSString).deletingPathExtension
    let common = [
      "base_model": model, "base_name": base.name, "base_checksum": base.parameterChecksum,
      "k": "\(k)", "epochs": "\(epochs)", "batch_size": "\(training.batchSize)",
      "learning_rate": "\(training.learningRate)", "seed": "\(seed)", "data": directory,
      "final_mse": "\(losses.last ?? .nan)", "degraded_accuracy": "\(score.accuracy)",
      "degraded_rmse": "\(score.rmse)", "train_seconds": "\(seconds)",
      "trained_by": "coded parity learn",
    ]
    code.encoder.name = "\(baseName).learned-k\(k).encoder"
    code.decoder.name = "\(baseName).learned-k\(k).decoder"
    code.encoder.metadata = common.merging(
      ["role": "learned encoder", "partner_checksum": code.decoder.parameterChecksum]) { $1 }
    code.decoder.metadata = common.merging(
      ["role": "learned decoder", "partner_checksum": code.encoder.parameterChecksum]) { $1 }
    try code.encoder.save(to: outputEncoder)
    try code.decoder.save(to: outputDecoder)
    training.log(losses)
    print(
      "model,k,epochs,seed,final_mse,degraded_accuracy,degraded_rmse,train_seconds,encoder,decoder")
    print(
      "\(model),\(k),\(epochs),\(seed),\(csvNumber(losses.last ?? .nan)),\(csvNumber(score.accuracy)),\(csvNumber(score.rmse)),\(csvNumber(seconds)),\(outputEncoder),\(outputDecoder)"
    )
  }
}

/// `coded parity evaluate`.
struct ParityEvaluateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract:
      "Degraded-mode accuracy of parity models against LeTCC, BACC, replication and a default.",
    discussion: """
      The test set in file order is cut into ⌊n/k⌋ groups of k; every (group, position) is rebuilt in
      turn (parity, learned); LeTCC and BACC use K = k, N = k + 1 and lose every single worker in turn;
      replication uses 2k workers; default returns the most frequent training class. Prints (or writes
      atomically with --output) CSV: scheme,k,workers,base_accuracy,degraded_accuracy,rmse,seconds_per_query.
      """)

  @Option(help: "The base model's weight file.") var model: String
  @Option(help: "The parity model's weight file.") var parity: String
  @Option(help: "Queries per parity query: 2, 3 or 4.") var k: Int
  @Option(help: "Encoder: sum or concat (default: the parity model's metadata, else sum).")
  var encoder: String?
  @Option(help: "A learned code's encoder weight file (adds the `learned` row).")
  var learnedEncoder: String?
  @Option(help: "A learned code's decoder weight file.") var learnedDecoder: String?
  @Option(help: "Directory with train.csv and test.csv (default: the base model's metadata).")
  var data: String?
  @Option(help: "Write the CSV here (atomically) instead of stdout.") var output: String?
  @OptionGroup var format: FormatOptions

  func run() async throws { try await reportingErrors { try _run() } }

  private func _run() throws {
    setBLASThreadCount(1)
    try _checkQueryCount(k)
    let (base, parityModel, kind) = try _loadParityModels(
      model: model, parity: parity, k: k, encoder: encoder)
    var learned: LearnedCode? = nil
    switch (learnedEncoder, learnedDecoder) {
    case (nil, nil): break
    case (let e?, let d?):
      let (encoderNetwork, decoderNetwork) = (
        try SequentialNetwork.load(from: e), try SequentialNetwork.load(from: d)
      )
      try _checkTrainedFor(base, encoderNetwork, path: e)
      try _checkTrainedFor(base, decoderNetwork, path: d)
      learned = try LearnedCode(
        encoder: encoderNetwork, decoder: decoderNetwork, queryCount: k, base: base)
    default:
      throw CLIFailure("--learned-encoder and --learned-decoder go together")
    }
    let directory = try _parityDataDirectory(data, base: base, path: model)
    let (train, test) = try _parityData(directory, base: base, path: model)
    let defaults = try DegradedModeSetup.defaults(base: base, train: train)
    let rows = try runDegradedModeComparison(
      DegradedModeSetup(
        base: base, test: test, queryCount: k, encoder: kind, parity: parityModel, learned: learned,
        defaultClass: defaults.defaultClass, defaultLogits: defaults.defaultLogits))
    var lines = ["scheme,k,workers,base_accuracy,degraded_accuracy,rmse,seconds_per_query"]
    for r in rows {
      lines.append(
        "\(r.scheme),\(r.queryCount),\(r.workerCount),\(csvNumber(r.baseAccuracy)),\(csvNumber(r.degradedAccuracy)),\(csvNumber(r.rmse)),\(csvNumber(r.secondsPerQuery))"
      )
    }
    try emitRows(lines, output: output, format: format.resolved)
  }
}

/// The base model, the parity model and the encoder of `parity evaluate` and `parity run`: both
/// weight files loaded, the parity model checked against the base (shapes, `base_checksum`) and
/// against --k, the encoder from --encoder, else the parity model's metadata, else sum.
func _loadParityModels(model: String, parity: String, k: Int, encoder: String?) throws -> (
  base: SequentialNetwork, parity: SequentialNetwork, encoder: ParityEncoder
) {
  let base = try SequentialNetwork.load(from: model)
  let parityModel = try SequentialNetwork.load(from: parity)
  try ParityModelCode.checkCompatible(parity: parityModel, base: base)
  try _checkTrainedFor(base, parityModel, path: parity)
  if let recorded = parityModel.metadata["k"], recorded != "\(k)" {
    throw CLIFailure("'\(parity)' is a parity model for k = \(recorded), not --k \(k)")
  }
  let encoderName = encoder ?? parityModel.metadata["encoder"] ?? "sum"
  let kind = try parseChoice(encoderName, what: "encoder", as: ParityEncoder.self)
  if let recorded = parityModel.metadata["encoder"], recorded != kind.rawValue {
    throw CLIFailure(
      "'\(parity)' was trained with the \(recorded) encoder, not --encoder \(kind.rawValue)")
  }
  return (base, parityModel, kind)
}

/// Refuses a network whose metadata says it was trained for another base model (`base_checksum`).
func _checkTrainedFor(_ base: SequentialNetwork, _ network: SequentialNetwork, path: String) throws {
  if let recorded = network.metadata["base_checksum"], recorded != base.parameterChecksum {
    throw CLIFailure(
      "'\(path)' was trained for the base model with checksum \(recorded), not this one (\(base.parameterChecksum))"
    )
  }
}
