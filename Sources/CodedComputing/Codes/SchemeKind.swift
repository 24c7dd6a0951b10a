/// The library's coding schemes by the names the CLI uses: the one table behind `--scheme`, its
/// help text, `coded schemes` and the Python reference's list.
///
/// A new family adds a case, its ``summary`` and its ``factory``; experiments themselves take any
/// ``SchemeFactory``, so a user's code needs no case here.
public enum SchemeKind: String, CaseIterable, Sendable {
  case letcc, bacc, lcc, uncoded, replication

  /// One line on what the scheme is, for help texts.
  public var summary: String {
    switch self {
    case .letcc: return "LeTCC: smoothing-spline encoder and decoder (Moradi et al. 2024)"
    case .bacc: return "BACC: Berrut rational interpolation (Jahani-Nezhad & Maddah-Ali 2022)"
    case .lcc: return "LCC: Lagrange polynomial codes (Yu et al. 2019); exact for polynomial f"
    case .uncoded: return "uncoded: one worker per input (N = K)"
    case .replication: return "replication: worker n computes f(x_{n mod K}); copies averaged"
    }
  }

  /// The names joined for a help or error message: `letcc, bacc, lcc, uncoded, replication`.
  public static var nameList: String { allCases.map(\.rawValue).joined(separator: ", ") }

  /// The factory that builds this scheme from a ``SchemeRequest``.
  public var factory: SchemeFactory {
    let kind = self
    return SchemeFactory(name: rawValue) { request throws(CodingError) in
      try kind._make(request)
    }
  }

  /// Builds the scheme for K inputs and N workers.
  /// - Parameters:
  ///   - functionDegree: the polynomial degree of f if it is one (LCC's threshold).
  ///   - noiseLevel, plannedStragglers: what LeTCC's `optimal` λ schedule assumes.
  /// - Throws: ``CodingError`` for sizes the scheme cannot take.
  public func make(
    inputCount: Int, workerCount: Int, layout: NodeLayout,
    encoderLambda: SmoothingChoice = .fixed(0),
    decoderLambda: SmoothingChoice = .optimal, noiseLevel: Double = 0, plannedStragglers: Int = 0,
    functionDegree: Int? = nil
  ) throws(CodingError) -> any CodingScheme {
    try _make(
      SchemeRequest(
        inputCount: inputCount, workerCount: workerCount, layout: layout,
        encoderLambda: encoderLambda, decoderLambda: decoderLambda, noiseLevel: noiseLevel,
        plannedStragglers: plannedStragglers, functionDegree: functionDegree))
  }

  func _make(_ request: SchemeRequest) throws(CodingError) -> any CodingScheme {
    let (k, n) = (request.inputCount, request.workerCount)
    switch self {
    case .letcc:
      return try SplineCode(
        inputCount: k, workerCount: n, layout: request.layout,
        encoderLambda: request.encoderLambda, decoderLambda: request.decoderLambda,
        noiseLevel: request.noiseLevel, plannedStragglers: request.plannedStragglers)
    case .bacc:
      return try BerrutCode(inputCount: k, workerCount: n, layout: request.layout)
    case .lcc:
      return try LagrangeCode(
        inputCount: k, workerCount: n, layout: request.layout,
        functionDegree: request.functionDegree)
    case .uncoded:
      guard n == k else {
        throw .invalidParameter(
          "uncoded runs one worker per input: N must equal K (got N = \(n), K = \(k)); use replication for N > K")
      }
      return try ReplicationCode.uncoded(inputCount: k)
    case .replication:
      return try ReplicationCode(inputCount: k, workerCount: n)
    }
  }
}
