import ArgumentParser
import CodedComputing
import Foundation

/// The options shared by `coded run` and `coded sweep` (DESIGN.md, "The CLI").
struct ExperimentOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: "Built-in function (xsinx, sin, sigmoid, square, cube, identity coordinate-wise; softmax, sumsquares on the whole vector) or model:PATH, a trained network's weight file.")
  var function: String

  @Option(parsing: .unconditional, help: "CSV with a header, K rows and d columns: the inputs x_k.")
  var inputs: String?

  @Option(name: .customLong("K"), parsing: .unconditional, help: "Number of inputs K (random inputs, with --dim and --input-range).")
  var inputCount: Int?

  @Option(parsing: .unconditional, help: "Input dimension d for random inputs.")
  var dim: Int = 1

  @Option(name: .customLong("input-range"), parsing: .unconditional, help: "A:B, the range random inputs are drawn from uniformly.")
  var inputRange: String = "-1:1"

  @Option(name: .customLong("straggler-model"), parsing: .unconditional, help: "none, random, worst-window, probabilistic, latency (simulated run times), arrival (real first N-S arrivals on the in-process pool with injected --latency delays) or fixed.")
  var stragglerModel: String = "random"

  @Option(name: .customLong("straggle-probability"), parsing: .unconditional, help: "p for --straggler-model probabilistic.")
  var straggleProbability: Double?

  @Option(parsing: .unconditional, help: "Latency model for --straggler-model latency, e.g. exponential:1, shifted-exponential:0.5,2, pareto:1,2.5, slow-set:0,3@1,10.")
  var latency: String?

  @Option(name: .customLong("straggler-set"), parsing: .unconditional, help: "Comma-separated workers that straggle, for --straggler-model fixed.")
  var stragglerSet: String?

  @Option(parsing: .unconditional, help: "Node layout: equispaced, chebyshev or midpoints.")
  var nodes: String = "chebyshev"

  @Option(name: .customLong("encoder-lambda"), parsing: .unconditional, help: "LeTCC encoder smoothing parameter: a number >= 0, gcv or optimal.")
  var encoderLambda: String = "0"

  @Option(name: .customLong("decoder-lambda"), parsing: .unconditional, help: "LeTCC decoder smoothing parameter: a number >= 0, gcv or optimal.")
  var decoderLambda: String = "optimal"

  @Option(parsing: .unconditional, help: "Standard deviation of the Gaussian noise workers add to each output coordinate.")
  var noise: Double = 0

  @Option(parsing: .unconditional, help: "Byzantine workers per trial (return uniform values in ±adversary-magnitude).")
  var adversaries: Int = 0

  @Option(name: .customLong("adversary-magnitude"), parsing: .unconditional, help: "Range of the adversaries' values.")
  var adversaryMagnitude: Double = 100

  @Option(parsing: .unconditional, help: "Number of seeded trials (fresh stragglers and noise each).")
  var trials: Int = 1

  @Option(parsing: .unconditional, help: "Random seed.")
  var seed: UInt64 = 0

  func workload() throws -> any Workload {
    if let network = try networkWorkload(named: function) { return network }
    guard let f = BuiltinFunction(rawValue: function) else {
      throw WorkloadError.unknownFunction(function, known: BuiltinFunction.allCases.map(\.rawValue))
    }
    return f
  }

  func layout() throws -> NodeLayout {
    guard let layout = NodeLayout(rawValue: nodes) else {
      throw CLIFailure("unknown node layout '\(nodes)' (known: equispaced, chebyshev, midpoints)")
    }
    return layout
  }

  func model() throws -> StragglerModel {
    switch stragglerModel {
    case "none": return .none
    case "random": return .random
    case "worst-window": return .worstWindow
    case "probabilistic":
      guard let p = straggleProbability else {
        throw CLIFailure("--straggler-model probabilistic needs --straggle-probability P")
      }
      guard p >= 0, p < 1 else { throw CLIFailure("--straggle-probability must be in [0, 1), got \(p)") }
      return .probabilistic(p)
    case "latency":
      guard let text = latency else {
        throw CLIFailure("--straggler-model latency needs --latency MODEL (e.g. exponential:1)")
      }
      return .latency(try LatencyModel(parsing: text))
    case "arrival":
      guard let text = latency else {
        throw CLIFailure("--straggler-model arrival needs --latency MODEL (e.g. exponential:200 for a 5 ms mean)")
      }
      return .arrival(try LatencyModel(parsing: text))
    case "fixed":
      guard let text = stragglerSet else {
        throw CLIFailure("--straggler-model fixed needs --straggler-set W1,W2,...")
      }
      return .fixed(text.isEmpty ? [] : try parseIntegerList(text, option: "--straggler-set"))
    default:
      throw CLIFailure(
        "unknown straggler model '\(stragglerModel)' (known: none, random, worst-window, probabilistic, latency, arrival, fixed)")
    }
  }

  func inputMatrix() throws -> Matrix {
    if let path = inputs {
      if inputCount != nil {
        throw CLIFailure("give either --inputs or --K, not both")
      }
      return try CSVTable.read(contentsOf: path).values
    }
    guard let k = inputCount else { throw CLIFailure("give --inputs FILE or --K K (with --dim and --input-range)") }
    guard k >= 2 else { throw CLIFailure("--K must be at least 2, got \(k)") }
    guard dim >= 1 else { throw CLIFailure("--dim must be at least 1, got \(dim)") }
    try checkMemory(SizeRequirement(what: "the K × d random inputs", options: "--K or --dim", terms: [[k, dim]]))
    let bounds = inputRange.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
    guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low.isFinite, high.isFinite,
      low < high
    else {
      throw CLIFailure("--input-range must be A:B with finite A < B, got '\(inputRange)'")
    }
    guard (high - low).isFinite else {
      throw CLIFailure(
        "--input-range \(inputRange): the width B - A overflows a Double; keep it below 1.8e308")
    }
    return uniformInputs(count: k, dimension: dim, range: low...high, seed: seed)
  }

  func validateNumbers() throws {
    guard noise.isFinite, noise >= 0 else { throw CLIFailure("--noise must be a finite number >= 0, got \(noise)") }
    guard trials >= 1 else { throw CLIFailure("--trials must be at least 1, got \(trials)") }
    _ = try encoderChoice()
    guard adversaries >= 0 else { throw CLIFailure("--adversaries must be >= 0, got \(adversaries)") }
    guard adversaryMagnitude.isFinite, adversaryMagnitude > 0 else {
      throw CLIFailure("--adversary-magnitude must be a finite number > 0, got \(adversaryMagnitude)")
    }
  }

  /// `--encoder-lambda` parsed: a number >= 0, gcv or optimal.
  func encoderChoice() throws -> SmoothingChoice {
    try SmoothingChoice(parsing: encoderLambda, what: "--encoder-lambda")
  }

  func setup(scheme: SchemeKind, workers: Int, stragglers: Int, inputs: Matrix) throws -> ExperimentSetup {
    let model = try model()
    // The S reported is the one the model uses: none has none, fixed has its named set.
    let effective: Int
    switch model {
    case .none: effective = 0
    case .fixed(let set): effective = Set(set).count
    default: effective = stragglers
    }
    return ExperimentSetup(
      scheme: scheme, workload: try workload(), inputs: inputs, workers: workers, stragglers: effective,
      stragglerModel: model, layout: try layout(), encoderLambda: try encoderChoice(),
      decoderLambda: try SmoothingChoice(parsing: decoderLambda), noise: noise,
      adversaries: adversaries, adversaryMagnitude: adversaryMagnitude, trials: trials, seed: seed)
  }
}

func parseScheme(_ text: String) throws -> SchemeKind {
  guard let scheme = SchemeKind(rawValue: text) else {
    throw CLIFailure(
      "unknown scheme '\(text)' (known: \(SchemeKind.allCases.map(\.rawValue).joined(separator: ", ")))")
  }
  return scheme
}

/// The CSV header of `coded run` and `coded sweep`.
let experimentHeader = [
  "scheme", "function", "K", "N", "S", "straggler_model", "noise", "trials", "mse",
  "mse_std", "mse_min", "mse_max", "nodes", "encoder_lambda", "decoder_lambda", "decoder_lambda_used",
  "encoder_lambda_used", "d", "m", "mean_survivors", "failed_workers", "adversaries", "seed",
  "encode_seconds", "compute_seconds", "decode_seconds",
].joined(separator: ",")

func experimentRow(_ setup: ExperimentSetup, _ options: ExperimentOptions, _ result: ExperimentResult) -> String {
  [
    setup.scheme.rawValue, setup.workload.name, "\(setup.inputs.rows)", "\(setup.workers)",
    "\(setup.stragglers)", setup.stragglerModel.description, csvNumber(setup.noise), "\(setup.trials)",
    csvNumber(result.mse), csvNumber(result.mseStandardDeviation), csvNumber(result.mseMin),
    csvNumber(result.mseMax), setup.layout.rawValue, setup.encoderLambda.description,
    setup.decoderLambda.description, csvNumber(result.decoderLambda), csvNumber(result.encoderLambda),
    "\(result.inputDimension)",
    "\(result.outputDimension)", csvNumber(result.meanSurvivors), "\(result.failedWorkers.count)",
    "\(setup.adversaries)", "\(setup.seed)", csvNumber(result.encodeSeconds),
    csvNumber(result.computeSeconds), csvNumber(result.decodeSeconds),
  ].joined(separator: ",")
}
