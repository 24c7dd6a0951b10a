/// The coding schemes by the names the CLI uses.
public enum SchemeKind: String, CaseIterable, Sendable {
  case letcc, bacc, lcc, uncoded, replication

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
    switch self {
    case .letcc:
      return try SplineCode(
        inputCount: inputCount, workerCount: workerCount, layout: layout,
        encoderLambda: encoderLambda, decoderLambda: decoderLambda, noiseLevel: noiseLevel,
        plannedStragglers: plannedStragglers)
    case .bacc:
      return try BerrutCode(inputCount: inputCount, workerCount: workerCount, layout: layout)
    case .lcc:
      return try LagrangeCode(
        inputCount: inputCount, workerCount: workerCount, layout: layout,
        functionDegree: functionDegree)
    case .uncoded:
      guard workerCount == inputCount else {
        throw .invalidParameter(
          "uncoded runs one worker per input: N must equal K (got N = \(workerCount), K = \(inputCount)); use replication for N > K")
      }
      return try UncodedScheme.make(inputCount: inputCount)
    case .replication:
      return try ReplicationCode(inputCount: inputCount, workerCount: workerCount)
    }
  }
}
