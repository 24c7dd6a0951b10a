/// A code for approximate coded computing: K inputs → N coded inputs → K decoded outputs.
///
/// Built for K inputs, N workers and a node layout. ``encode(_:)`` maps the K × d inputs to the
/// N × d coded inputs (row n for worker n); ``decode(_:survivors:)`` maps the results of the
/// workers in T (|T| × m, rows in ascending worker order) to K × m estimates of f(xₖ). Both maps
/// are linear in the data and are applied to all columns at once.
public protocol CodingScheme: Sendable {
  /// The scheme's name as the CLI spells it (letcc, bacc, lcc, uncoded, replication).
  var name: String { get }
  /// K, the number of inputs.
  var inputCount: Int { get }
  /// N, the number of workers.
  var workerCount: Int { get }
  /// The fewest survivors the decoder accepts (for LCC the recovery threshold).
  var minimumSurvivors: Int { get }
  /// Whether the decoder can work from the workers marked in `received` (N entries; true when
  /// worker n's result arrived).
  ///
  /// Pools stop a round at the first arrived set for which this holds
  /// (``StoppingRule/decodable(by:)``) and experiments count an undecodable drawn straggler set
  /// as a failed trial. It must be *monotone* (a superset of a decodable set is decodable) and
  /// cheap — it runs after every arrival. The default is a count: at least
  /// ``minimumSurvivors``; codes that can decode from some sets of a size and not from others
  /// (polar codes) answer from the set.
  func canDecode(from received: [Bool]) -> Bool
  /// Whether ``canDecode(from:)`` depends on *which* workers answered, not only on how many.
  /// False (the default) lets pools stop at a count in O(1) per arrival.
  var decodabilityDependsOnSet: Bool { get }
  /// X (K × d) ↦ X̃ (N × d).
  func encode(_ inputs: Matrix) throws(CodingError) -> Matrix
  /// Y_T (|T| × m) ↦ F̂ (K × m); `survivors` ascending, distinct, in 0..<N.
  func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix
  /// ``decode(_:survivors:)`` plus the decoder's smoothing parameter where the scheme has one
  /// (LeTCC: the λ_dec used, chosen per decode for `gcv`/`optimal`); nil otherwise.
  func decodeReportingLambda(_ results: Matrix, survivors: [Int]) throws(CodingError)
    -> (estimates: Matrix, lambda: Double?)
  /// ``encode(_:)`` into `coded`, reusing its storage when it already has the result's shape
  /// (N × d): a master running rounds in a loop then allocates nothing for the coded inputs.
  /// Otherwise `coded` is replaced. The values are those of ``encode(_:)``.
  func encode(_ inputs: Matrix, into coded: inout Matrix) throws(CodingError)
  /// ``decode(_:survivors:)`` into `estimates`, reusing its storage when it is already K × m.
  func decode(_ results: Matrix, survivors: [Int], into estimates: inout Matrix) throws(CodingError)
  /// ``encode(_:)`` plus the encoder's smoothing parameter where the scheme has one (LeTCC: the
  /// λ_enc used, chosen per encode for `gcv`); nil otherwise.
  func encodeReportingLambda(_ inputs: Matrix) throws(CodingError) -> (coded: Matrix, lambda: Double?)
}

extension CodingScheme {
  /// At least ``minimumSurvivors`` workers answered.
  public func canDecode(from received: [Bool]) -> Bool {
    received.reduce(0) { $0 + ($1 ? 1 : 0) } >= minimumSurvivors
  }

  /// A count threshold: any ``minimumSurvivors`` workers will do.
  public var decodabilityDependsOnSet: Bool { false }

  /// ``canDecode(from:)`` for a survivor list (ascending or not, within 0..<N).
  public func canDecode(survivors: [Int]) -> Bool {
    var received = [Bool](repeating: false, count: workerCount)
    for n in survivors where n >= 0 && n < workerCount { received[n] = true }
    return canDecode(from: received)
  }

  /// Schemes without a smoothing parameter report nil.
  public func decodeReportingLambda(_ results: Matrix, survivors: [Int]) throws(CodingError)
    -> (estimates: Matrix, lambda: Double?)
  {
    (try decode(results, survivors: survivors), nil)
  }

  /// The allocating ``encode(_:)``, assigned.
  public func encode(_ inputs: Matrix, into coded: inout Matrix) throws(CodingError) {
    coded = try encode(inputs)
  }

  /// The allocating ``decode(_:survivors:)``, assigned.
  public func decode(_ results: Matrix, survivors: [Int], into estimates: inout Matrix)
    throws(CodingError)
  {
    estimates = try decode(results, survivors: survivors)
  }

  /// Schemes without a smoothing parameter report nil.
  public func encodeReportingLambda(_ inputs: Matrix) throws(CodingError) -> (coded: Matrix, lambda: Double?) {
    (try encode(inputs), nil)
  }
}

/// Why a coded computation cannot proceed: things a user or the numbers cause.
public enum CodingError: Error, Equatable, Sendable, CustomStringConvertible {
  case invalidParameter(String)
  case tooFewSurvivors(scheme: String, survivors: Int, minimum: Int)
  case wrongShape(what: String, expected: String, actual: String)
  case invalidSurvivors(String)
  case approximation(ApproximationError)
  case linearAlgebra(LAPACKError)

  public var description: String {
    switch self {
    case .invalidParameter(let message):
      return message
    case .tooFewSurvivors(let scheme, let survivors, let minimum):
      return "\(scheme) needs at least \(minimum) surviving workers, got \(survivors)"
    case .wrongShape(let what, let expected, let actual):
      return "\(what) has shape \(actual), expected \(expected)"
    case .invalidSurvivors(let message):
      return "invalid survivor set: \(message)"
    case .approximation(let error):
      return error.description
    case .linearAlgebra(let error):
      return error.description
    }
  }
}
