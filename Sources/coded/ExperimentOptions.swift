import ArgumentParser
import CodedComputing
import Foundation

/// The options shared by `coded run` and `coded sweep` (README.md, "The `coded` CLI"; the
/// columns and models are defined in Guides/Conventions.md).
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

  @Option(
    name: .customLong("round-deadline"), parsing: .unconditional,
    help:
      "Seconds a round on the pool may take before the run ends with an error (default 120; a safety net against workers that hang or die unseen)."
  )
  var roundDeadline: Double?

  /// `--round-deadline` as a duration (default ``ExperimentSetup/defaultRoundDeadline``).
  func deadline() throws -> Duration {
    guard let roundDeadline else { return ExperimentSetup.defaultRoundDeadline }
    guard roundDeadline > 0, roundDeadline <= 1e6 else {
      throw CLIFailure(
        "--round-deadline must be a number of seconds in (0, 10⁶], got \(roundDeadline)")
    }
    return .seconds(roundDeadline)
  }

  func workload() throws -> any Workload { try CodedComputing.workload(named: function) }

  func layout() throws -> NodeLayout { try parseChoice(nodes, what: "node layout", as: NodeLayout.self) }

  func model() throws -> StragglerModel {
    try StragglerModel(
      parsing: stragglerModel, probability: straggleProbability, latency: latency, set: stragglerSet)
  }

  /// Where the inputs came from, for the CSV: `file:PATH`, or `uniform:A:B` with --K, --dim and --seed.
  var inputSource: String { inputs.map { "file:\($0)" } ?? "uniform:\(inputRange)" }

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

  /// The setups of a grid of (scheme, N, S) points, sharing one workload (a `model:PATH` file is
  /// loaded once) and one parse of every option. The numbers are validated by the library
  /// (``validateExperiment(_:)``), once per point.
  func setups(points: [(SchemeKind, Int, Int)], inputs: Matrix) throws -> [ExperimentSetup] {
    let (f, stragglerModel, layout) = (try workload(), try model(), try layout())
    let roundDeadline = try deadline()
    let encoder = try SmoothingChoice(parsing: encoderLambda, what: "--encoder-lambda")
    let decoder = try SmoothingChoice(parsing: decoderLambda)
    return points.map { scheme, workers, stragglers in
      // The S reported (and planned for) is the one the model uses: none has none, fixed has its
      // named set.
      let effective: Int
      switch stragglerModel {
      case .none: effective = 0
      case .fixed(let set): effective = Set(set).count
      default: effective = stragglers
      }
      return ExperimentSetup(
        scheme: scheme.factory, workload: f, inputs: inputs, workers: workers,
        stragglers: effective, stragglerModel: stragglerModel, layout: layout,
        encoderLambda: encoder, decoderLambda: decoder, noise: noise, adversaries: adversaries,
        adversaryMagnitude: adversaryMagnitude, trials: trials, seed: seed,
        roundDeadline: roundDeadline)
    }
  }
}

/// Parses one of an enumeration's raw values; the error names what was asked for and the known
/// values: `unknown scheme 'x' (known: letcc, …)`.
func parseChoice<Choice: RawRepresentable & CaseIterable>(
  _ text: String, what: String, as type: Choice.Type
) throws -> Choice where Choice.RawValue == String {
  guard let choice = Choice(rawValue: text) else {
    let known = Choice.allCases.map(\.rawValue).joined(separator: ", ")
    throw CLIFailure("unknown \(what) '\(text)' (known: \(known))")
  }
  return choice
}

/// The columns `--format table` shows for `coded run` and `coded sweep`.
let experimentKeyColumns = [
  "scheme", "function", "K", "N", "S", "straggler_model", "noise", "trials", "mse", "mse_std",
  "decoder_lambda_used", "failed_trials",
]

/// The columns of `coded run` and `coded sweep`, each with its value: header and row come from
/// this one list, so they cannot drift apart. Every parameter that distinguishes two runs is a
/// column (empty where the straggler model does not use it); `inputs` says where X came from.
func experimentColumns(_ setup: ExperimentSetup, _ result: ExperimentResult, inputs: String)
  -> [(String, String)]
{
  var probability = ""
  var latency = ""
  var stragglerSet = ""
  switch setup.stragglerModel {
  case .probabilistic(let p): probability = csvNumber(p)
  case .latency(let model), .arrival(let model): latency = model.description
  case .fixed(let set): stragglerSet = set.map(String.init).joined(separator: ",")
  default: break
  }
  return [
    ("scheme", setup.scheme.name), ("function", setup.workload.name),
    ("K", "\(setup.inputs.rows)"), ("N", "\(setup.workers)"), ("S", "\(setup.stragglers)"),
    ("straggler_model", setup.stragglerModel.description), ("noise", csvNumber(setup.noise)),
    ("trials", "\(setup.trials)"), ("mse", csvNumber(result.mse)),
    ("mse_std", csvNumber(result.mseStandardDeviation)), ("mse_min", csvNumber(result.mseMin)),
    ("mse_max", csvNumber(result.mseMax)), ("nodes", setup.layout.rawValue),
    ("encoder_lambda", setup.encoderLambda.description),
    ("decoder_lambda", setup.decoderLambda.description),
    ("decoder_lambda_used", csvNumber(result.decoderLambda)),
    ("encoder_lambda_used", csvNumber(result.encoderLambda)),
    ("d", "\(result.inputDimension)"), ("m", "\(result.outputDimension)"),
    ("mean_survivors", csvNumber(result.meanSurvivors)),
    ("failed_workers", "\(result.failedWorkers.count)"), ("adversaries", "\(setup.adversaries)"),
    ("seed", "\(setup.seed)"), ("straggle_probability", probability), ("latency", latency),
    ("straggler_set", stragglerSet), ("adversary_magnitude", csvNumber(setup.adversaryMagnitude)),
    ("inputs", inputs), ("failed_trials", "\(result.failedTrials)"),
    ("encode_seconds", csvNumber(result.encodeSeconds)),
    ("compute_seconds", csvNumber(result.computeSeconds)),
    ("decode_seconds", csvNumber(result.decodeSeconds)),
  ]
}
