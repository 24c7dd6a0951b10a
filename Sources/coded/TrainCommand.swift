import ArgumentParser
import CodedComputing
import Foundation

/// `coded train`: fit a small network to a labelled CSV data set and save its weight file.
struct TrainCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract:
      "Train an MLP or a LeNet-style network (softmax cross-entropy, SGD or Adam) and save its weights.",
    discussion: """
      --data DIR reads DIR/train.csv and DIR/test.csv (header label,x0,...; see scripts/export_digits.py).
      Training is seeded and deterministic (one BLAS thread). Prints one CSV row with the final
      train and test accuracy; the weight file records the seed, data and accuracies in its metadata.
      """)

  @Option(parsing: .unconditional, help: "Architecture: mlp or lenet.") var model: String = "mlp"
  @Option(parsing: .unconditional, help: "Activation: relu, tanh, sigmoid, gelu, softplus, identity.") var activation:
    String = "relu"
  @Option(parsing: .unconditional, help: "Directory with train.csv and test.csv.") var data: String
  @Option(parsing: .unconditional, help: "Image shape HxW for lenet (default: square root of the feature count).")
  var imageShape: String?
  @Option(parsing: .unconditional, help: "MLP hidden widths, comma-separated.") var hidden: String = "64"
  @OptionGroup var rates: TrainingRateOptions
  @Option(parsing: .unconditional, help: "Optimizer: adam or sgd.") var optimizer: String = "adam"
  @Option(parsing: .unconditional, help: "Seed for initialisation and shuffling.") var seed: UInt64 = 0
  @Option(parsing: .unconditional, help: "Where to write the weight file (JSON).") var output: String

  private var epochs: Int { rates.epochs }
  private var batchSize: Int { rates.batchSize }
  private var learningRate: Double { rates.learningRate }

  func run() async throws {
    try await reportingErrors {
      try await withProgress("coded train (\(epochs) epochs of \(model))") { try _run() }
    }
  }

  private func _run() throws {
    try checkOutput(output)
    setBLASThreadCount(1)
    let architecture = try NetworkArchitecture(named: model)
    let function = try Activation(named: activation)
    guard let optimizerKind = TrainingOptions.Optimizer(rawValue: optimizer) else {
      throw NetworkError.unknownName(
        kind: "optimizer", name: optimizer,
        known: TrainingOptions.Optimizer.allCases.map(\.rawValue))
    }
    let widths = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
      throw NetworkError.invalidData(
        "--hidden must be positive integers separated by commas, got '\(hidden)'")
    }
    let trainPath = (data as NSString).appendingPathComponent("train.csv")
    let testPath = (data as NSString).appendingPathComponent("test.csv")
    let train = try LabeledDataset.load(csv: trainPath)
    let test = try LabeledDataset.load(csv: testPath)
    guard train.features.columns == test.features.columns else {
      throw NetworkError.invalidData(
        "train.csv has \(train.features.columns) features, test.csv \(test.features.columns)")
    }
    let shape = try _parseImageShape(imageShape, featureCount: train.features.columns)
    let classes = max(train.classCount, test.classCount)
    let distinct = Set(train.labels)
    guard distinct.count >= 2 else {
      throw NetworkError.invalidData(
        "'\(trainPath)': every label is \(distinct.first.map(String.init) ?? "missing"), only one class; a classifier needs at least two")
    }
    // Weights (with their gradients and Adam's two moments), and one batch of activations.
    let layerWidths = [train.features.columns] + widths.compactMap { $0 } + [classes]
    let weightTerms = zip(layerWidths, layerWidths.dropFirst()).map { [4, $0 + 1, $1] }
    try checkMemory(
      SizeRequirement(
        what: "a network with layers \(layerWidths.map(String.init).joined(separator: " → ")) (the labels go up to \(classes - 1))",
        options: "--hidden or --batch-size, or the labels (classes are 0 … largest label)",
        terms: weightTerms + layerWidths.map { [4, batchSize, $0] }))
    var network = try SequentialNetwork.make(
      architecture, inputShape: shape, classes: classes, activation: function,
      hidden: widths.compactMap { $0 },
      seed: seed)
    let options = TrainingOptions(
      epochs: epochs, batchSize: batchSize, learningRate: learningRate, optimizer: optimizerKind)
    let clock = ContinuousClock()
    let start = clock.now
    let summaries = try network.train(on: train, options: options, seed: seed)
    let seconds = (clock.now - start).inSeconds
    for s in summaries {
      FileHandle.standardError.write(
        Data("epoch \(s.epoch): loss \(s.loss), train accuracy \(s.accuracy)\n".utf8))
    }
    let trainAccuracy = try network.accuracy(on: train)
    let testAccuracy = try network.accuracy(on: test)
    network.metadata = [
      "architecture": architecture.rawValue, "activation": function.rawValue, "hidden": hidden,
      "epochs": "\(epochs)", "batch_size": "\(batchSize)", "learning_rate": "\(learningRate)",
      "optimizer": optimizerKind.rawValue, "seed": "\(seed)", "data": data,
      "train_accuracy": "\(trainAccuracy)", "test_accuracy": "\(testAccuracy)",
      "train_samples": "\(train.count)", "test_samples": "\(test.count)",
      "trained_by": "coded train",
    ]
    try network.save(to: output)
    print("model,activation,epochs,seed,parameters,train_accuracy,test_accuracy,seconds,output")
    print(
      "\(architecture.rawValue),\(function.rawValue),\(epochs),\(seed),\(network.parameterCount),\(trainAccuracy),\(testAccuracy),\(seconds),\(output)"
    )
  }
}

/// Parses "HxW" (or infers a square image) into a one-channel shape; flat when not square and not given.
func _parseImageShape(_ text: String?, featureCount: Int) throws(NetworkError) -> FeatureShape {
  if let text {
    let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
      throw .invalidData("--image-shape must look like 8x8, got '\(text)'")
    }
    guard parts[0] * parts[1] == featureCount else {
      throw .wrongInputDimension(expected: parts[0] * parts[1], actual: featureCount)
    }
    return FeatureShape(channels: 1, height: parts[0], width: parts[1])
  }
  let side = Int(Double(featureCount).squareRoot().rounded())
  if side * side == featureCount { return FeatureShape(channels: 1, height: side, width: side) }
  return FeatureShape(flat: featureCount)
}
