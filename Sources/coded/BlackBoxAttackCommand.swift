import ArgumentParser
import CodedComputing
import Foundation

struct BlackBoxAttackCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "attack",
    abstract: "Black-box adversarial examples on a classifier with coded gradients, per code; CSV.",
    discussion: """
      For each of the first --images correctly classified test images, Adam minimises the \
      Carlini–Wagner objective ||x − x0||² + c·max(0, Z_y − max_{j≠y} Z_j + κ) with gradients from \
      the code's central differences (the model's outputs only), pixels clipped to [0, 1], until \
      --budget model queries are spent; the closest misclassified iterate is kept. Every round \
      injects fresh latencies from --latency (units of --time-unit seconds) on the in-process pool. \
      Codes: polar and mds (N workers per block, K = N − S), uncoded (coordinate finite \
      differences: K = N, gives up on the S slowest per block), replication, gaussian \
      (--gaussian-directions random directions over all d coordinates, least squares on the \
      first all-but-S answers: random search). Summary rows: code,model,latency,workers,\
      stragglers,images,budget,success_rate,mean_l2,median_l2,mean_queries_to_success,\
      mean_seconds. --details FILE: one row per image; --dump FILE: originals and adversarials \
      of the first --dump-images images for scripts/plot_blackbox.py.
      """)

  @Option(help: "A coded-nn v1 weight file (Guides/CodedInference.md).")
  var model: String

  @Option(help: "Test data, a label,x0,… CSV.")
  var data: String = "notebooks-data/digits/test.csv"

  @Option(parsing: .unconditional, help: "Images to attack (the first correctly classified ones).")
  var images: Int = 100

  @Option(parsing: .unconditional, help: "Model queries per image.")
  var budget: Int = 4000

  @OptionGroup var common: BlackBoxCommonOptions

  @Option(help: "The latency law of one worker.")
  var latency: String = "exponential:1"

  @Option(help: "Comma-separated codes.")
  var codes: String = "polar,mds,uncoded,gaussian"

  @Option(name: .customLong("gaussian-directions"), parsing: .unconditional, help: "Random directions per round of the gaussian code.")
  var gaussianDirections: Int = 20

  @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "Adam's learning rate.")
  var learningRate: Double = 0.05

  @Option(parsing: .unconditional, help: "c, the weight of the hinge.")
  var constant: Double = 2

  @Option(parsing: .unconditional, help: "κ, the margin asked for.")
  var confidence: Double = 0.1

  @Option(help: "Also write one row per image to FILE.")
  var details: String?

  @Option(help: "Also write the original and adversarial images to FILE.")
  var dump: String?

  @Option(name: .customLong("dump-images"), parsing: .unconditional, help: "Images written to --dump.")
  var dumpImages: Int = 8

  func run() async throws {
    try await common.running {
      guard images >= 1 && images <= 10_000 else {
        throw CLIFailure("--images must be in 1...10000, got \(images)")
      }
      guard budget >= 1 && budget <= 10_000_000 else {
        throw CLIFailure("--budget must be in 1...10000000, got \(budget)")
      }
      guard gaussianDirections >= 1 && gaussianDirections > common.stragglers else {
        throw CLIFailure("--gaussian-directions must exceed --stragglers, got \(gaussianDirections)")
      }
      for (value, name) in [(learningRate, "--learning-rate"), (constant, "--constant")] {
        guard value > 0 && value.isFinite else { throw CLIFailure("\(name) must be a finite number > 0, got \(value)") }
      }
      guard confidence >= 0 && confidence.isFinite else {
        throw CLIFailure("--confidence must be a finite number >= 0, got \(confidence)")
      }
      let network = try SequentialNetwork.load(from: model)
      let test = try LabeledDataset.load(csv: data)
      let d = test.features.columns
      guard (try? network.outputDimension(inputDimension: d)) != nil else {
        throw CLIFailure("the model takes \(network.inputShape.count) inputs, the data has \(d) features")
      }
      let law = try parseBlackBoxLatency(latency)
      let chosen = try common.parseCodes(codes)
      let logits = try network.evaluate(batch: test.features)
      var selected: [Int] = []
      for i in 0..<test.count where selected.count < images {
        let row = logits.row(i)
        if row.indices.max(by: { row[$0] < row[$1] }) == test.labels[i] { selected.append(i) }
      }
      guard !selected.isEmpty else { throw CLIFailure("the model classifies no test image correctly") }
      let parameters = AttackParameters(
        budget: budget, learningRate: learningRate, constant: constant, confidence: confidence,
        bounds: 0...1)
      var summary = [
        "code,model,latency,workers,stragglers,images,budget,success_rate,mean_l2,median_l2,mean_queries_to_success,mean_seconds"
      ]
      var detailLines = ["code,image,label,predicted,success,l2,queries_to_success,queries,iterations,seconds"]
      var dumpLines = ["code,image,label,predicted,kind," + (0..<d).map { "x\($0)" }.joined(separator: ",")]
      let modelName = URL(fileURLWithPath: model).lastPathComponent
      let pool = InProcessWorkerPool()
      for code in chosen {
        let estimator: CodedGradientEstimator
        if code == .gaussian {
          estimator = try CodedGradientEstimator(
            code: .gaussian, dimension: d, workers: gaussianDirections, blockSize: d,
            step: common.step, seed: common.seed)
        } else {
          estimator = try common.estimator(code, dimension: d, latency: law)
        }
        let setting = common.setting(for: estimator, law: law)
        var generator = SplitMix64(seed: common.seed &+ 1)
        var results: [AttackResult] = []
        for (count, i) in selected.enumerated() {
          let image = test.features.row(i)
          let result = try await attackBlackBox(
            classifier: network, image: image, label: test.labels[i], estimator: estimator,
            parameters: parameters, setting: setting, pool: pool, using: &generator)
          results.append(result)
          detailLines.append(
            "\(code.rawValue),\(i),\(test.labels[i]),\(result.predicted),\(result.success ? 1 : 0),"
              + "\(csvNumber(result.distance)),\(result.queriesToSuccess),\(result.queries),"
              + "\(result.iterations),\(csvNumber(result.seconds))")
          if count < dumpImages {
            for (kind, pixels) in [("original", image), ("adversarial", result.adversarial)] {
              dumpLines.append(
                "\(code.rawValue),\(i),\(test.labels[i]),\(result.predicted),\(kind),"
                  + pixels.map(csvNumber).joined(separator: ","))
            }
          }
          if (count + 1) % 10 == 0 {
            printError("\(code.rawValue): \(count + 1)/\(selected.count) images")
          }
        }
        let successes = results.filter(\.success)
        let distances = successes.map(\.distance).sorted()
        let rate = Double(successes.count) / Double(results.count)
        let meanL2 = distances.isEmpty ? 0 : distances.reduce(0, +) / Double(distances.count)
        let medianL2 = distances.isEmpty ? 0 : JobTimeSummary.quantile(distances, 0.5)
        let meanQueries = successes.isEmpty
          ? 0 : Double(successes.reduce(0) { $0 + $1.queriesToSuccess }) / Double(successes.count)
        let meanSeconds = results.reduce(0) { $0 + $1.seconds } / Double(results.count)
        try requireFinite([rate, meanL2, medianL2, meanQueries, meanSeconds], "an attack figure")
        summary.append(
          "\(code.rawValue),\(csvField(modelName)),\(csvField(law.description)),\(estimator.blockWorkers),\(common.stragglers),"
            + "\(results.count),\(budget),"
            + [rate, meanL2, medianL2, meanQueries, meanSeconds].map(csvNumber).joined(separator: ","))
        printError(
          "\(code.rawValue): success \(rate), median L2 \(medianL2), \(meanSeconds) s per image")
      }
      if let details { try writeAtomically(detailLines.joined(separator: "\n") + "\n", to: details) }
      if let dump { try writeAtomically(dumpLines.joined(separator: "\n") + "\n", to: dump) }
      try common.emit(summary)
    }
  }
}
