/// One point of an MSE experiment: a scheme, a function, the inputs, N, S and the models.
///
/// The scheme is any ``SchemeFactory`` — the library's (`.letcc`, `.bacc`, `.lcc`, `.uncoded`,
/// `.replication`, or ``SchemeKind/factory``) or a user's own code.
public struct ExperimentSetup: Sendable {
  public var scheme: SchemeFactory
  public var workload: any Workload
  /// X, K × d.
  public var inputs: Matrix
  public var workers: Int
  public var stragglers: Int
  public var stragglerModel: StragglerModel
  public var layout: NodeLayout
  public var encoderLambda: SmoothingChoice
  public var decoderLambda: SmoothingChoice
  /// σ: workers add N(0, σ²) to every output coordinate.
  public var noise: Double
  /// Byzantine workers per trial: chosen uniformly among the survivors, they return values drawn
  /// uniformly from [−adversaryMagnitude, adversaryMagnitude] instead of f.
  public var adversaries: Int
  public var adversaryMagnitude: Double
  public var trials: Int
  public var seed: UInt64
  /// Family-specific scheme settings, passed through ``SchemeRequest/options``.
  public var schemeOptions: [String: String]
  /// The deadline of every round the experiment runs on its pool (nil: none): a round still
  /// short of its stopping rule then ends with an error instead of waiting on — a safety net
  /// for workers that hang or die unseen (on the MPI pool, a remote worker whose death it did not
  /// notice). Defaults to ``defaultRoundDeadline``.
  public var roundDeadline: Duration?

  /// 120 s: far beyond a round of the experiments here (milliseconds; arrival delays are at most
  /// what the latency law draws), short enough that a job that cannot finish ends.
  public static let defaultRoundDeadline: Duration = .seconds(120)

  public init(
    scheme: SchemeFactory, workload: any Workload, inputs: Matrix, workers: Int, stragglers: Int,
    stragglerModel: StragglerModel, layout: NodeLayout = .chebyshev,
    encoderLambda: SmoothingChoice = .fixed(0),
    decoderLambda: SmoothingChoice = .optimal, noise: Double = 0, adversaries: Int = 0,
    adversaryMagnitude: Double = 100, trials: Int = 1, seed: UInt64 = 0,
    schemeOptions: [String: String] = [:], roundDeadline: Duration? = defaultRoundDeadline
  ) {
    self.scheme = scheme
    self.workload = workload
    self.inputs = inputs
    self.workers = workers
    self.stragglers = stragglers
    self.stragglerModel = stragglerModel
    self.layout = layout
    self.encoderLambda = encoderLambda
    self.decoderLambda = decoderLambda
    self.noise = noise
    self.adversaries = adversaries
    self.adversaryMagnitude = adversaryMagnitude
    self.trials = trials
    self.seed = seed
    self.schemeOptions = schemeOptions
    self.roundDeadline = roundDeadline
  }

  /// What the scheme factory is asked for: K, N, the layout and λ choices, σ, S, f's degree.
  public var schemeRequest: SchemeRequest {
    SchemeRequest(
      inputCount: inputs.rows, workerCount: workers, layout: layout, encoderLambda: encoderLambda,
      decoderLambda: decoderLambda, noiseLevel: noise, plannedStragglers: stragglers,
      functionDegree: workload.polynomialDegree, options: schemeOptions)
  }
}

/// What one experiment measured.
public struct ExperimentResult: Sendable {
  /// MSE per decoded trial (for worst-window, the maximum over windows of that trial). Failed
  /// trials — an undecodable straggler set — are not in it; see ``failedTrials``.
  public var trialMSE: [Double]
  /// The mean of `trialMSE`.
  public var mse: Double { trialMSE.reduce(0, +) / Double(max(1, trialMSE.count)) }
  /// Sample standard deviation over trials (0 for one trial).
  public var mseStandardDeviation: Double {
    guard trialMSE.count > 1 else { return 0 }
    let mean = mse
    let ss = trialMSE.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (ss / Double(trialMSE.count - 1)).squareRoot()
  }
  public var mseMin: Double { trialMSE.min() ?? .nan }
  public var mseMax: Double { trialMSE.max() ?? .nan }
  /// The mean decoder λ LeTCC used (NaN for other schemes).
  public var decoderLambda: Double
  /// The encoder λ LeTCC used (NaN for other schemes).
  public var encoderLambda: Double = .nan
  /// The mean number of surviving workers per decode.
  public var meanSurvivors: Double
  /// Workers whose computation failed (they count as stragglers in every trial).
  public var failedWorkers: [Int]
  public var encodeSeconds: Double
  public var computeSeconds: Double
  /// Mean seconds per decode.
  public var decodeSeconds: Double
  /// d and m.
  public var inputDimension: Int
  public var outputDimension: Int
  /// The decoded K × m estimates of the last trial (for worst-window, of its worst window).
  public var lastDecoded: Matrix? = nil
  /// Trials whose straggler set the scheme could not decode (counted, not averaged in).
  public var failedTrials: Int = 0
}

/// Why an experiment cannot run.
public enum ExperimentError: Error, Equatable, Sendable, CustomStringConvertible {
  case invalidSetup(String)
  case coding(CodingError)
  case workload(String)
  case pool(PoolError)

  public var description: String {
    switch self {
    case .invalidSetup(let message): return message
    case .coding(let error): return error.description
    case .workload(let message): return message
    case .pool(let error): return error.description
    }
  }
}
