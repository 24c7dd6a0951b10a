/// The decode step every experiment shares — ``runExperiment(_:pool:)``'s simulated and arrival
/// trials and ``runCodedInference(_:)`` — with its bookkeeping: decode seconds, the survivors
/// and the smoothing parameter the scheme reports.
struct _TrialKernel {
  let scheme: any CodingScheme
  private(set) var decodes = 0
  private(set) var decodeSeconds = 0.0
  private(set) var survivorSum = 0.0
  private var lambdaSum = 0.0
  private var lambdaCount = 0
  private let clock = ContinuousClock()

  init(scheme: any CodingScheme) { self.scheme = scheme }

  /// Decodes the survivors' results (|T| × m, ascending workers) into K × m estimates.
  mutating func decode(_ received: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    let start = clock.now
    let decoded = try scheme.decodeReportingLambda(received, survivors: survivors)
    decodeSeconds += (clock.now - start).inSeconds
    decodes += 1
    survivorSum += Double(survivors.count)
    if let lambda = decoded.lambda {
      lambdaSum += lambda
      lambdaCount += 1
    }
    return decoded.estimates
  }

  /// The mean λ_dec over the decodes, NaN when the scheme has none.
  var meanLambda: Double { lambdaCount > 0 ? lambdaSum / Double(lambdaCount) : .nan }
  /// The mean number of survivors per decode.
  var meanSurvivors: Double { decodes > 0 ? survivorSum / Double(decodes) : .nan }
  /// Mean seconds per decode.
  var meanDecodeSeconds: Double { decodes > 0 ? decodeSeconds / Double(decodes) : .nan }
}
