/// BACC, Berrut approximate coded computing (Jahani-Nezhad & Maddah-Ali 2022).
///
/// The encoder is Berrut's rational interpolant through (αₖ, xₖ) evaluated at the βₙ; the decoder
/// is Berrut's interpolant through the survivors' (βₙ, yₙ), re-indexed 0…|T|−1 in ascending
/// order, evaluated at the αₖ (Berrut 1988, first form). Both are dense linear maps, built once
/// (the decoder once per survivor set, cached) and applied to all columns with one GEMM.
///
/// - Complexity: encode O(N·K·d); decode O(K·|T|·m) plus O(K·|T|) to build a new decoder.
public struct BerrutCode: CodingScheme {
  public var name: String { "bacc" }
  public let inputCount: Int
  public let workerCount: Int
  public var alpha: [Double] { _code.alpha }
  public var beta: [Double] { _code.beta }
  public var minimumSurvivors: Int { 1 }
  /// The N × K encoding matrix.
  public var encoder: Matrix { _code.encoder }
  let _code: _DenseInterpolationCode<BerrutInterpolant>

  /// - Throws: ``CodingError/invalidParameter(_:)`` for K < 2 or N < 2.
  public init(inputCount: Int, workerCount: Int, layout: NodeLayout = .chebyshev) throws(CodingError) {
    try _checkSizes(inputCount: inputCount, workerCount: workerCount, minimumWorkers: 2, scheme: "bacc")
    self.inputCount = inputCount
    self.workerCount = workerCount
    _code = try _DenseInterpolationCode(
      inputCount: inputCount, workerCount: workerCount, layout: layout)
  }

  public func encode(_ inputs: Matrix) throws(CodingError) -> Matrix {
    try _code.encode(inputs, inputCount: inputCount)
  }

  /// The K × |T| decoding matrix for a survivor set.
  public func decoder(survivors: [Int]) throws(CodingError) -> Matrix {
    try _code.decoder(survivors: survivors)
  }

  public func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    try _code.decode(results, survivors: survivors, minimum: minimumSurvivors, scheme: name)
  }

  /// E·X into `coded`, reusing its storage when it is already N × d.
  public func encode(_ inputs: Matrix, into coded: inout Matrix) throws(CodingError) {
    try _code.encode(inputs, inputCount: inputCount, into: &coded)
  }

  /// D_T·Y_T into `estimates`, reusing its storage when it is already K × m.
  public func decode(_ results: Matrix, survivors: [Int], into estimates: inout Matrix)
    throws(CodingError)
  {
    try _code.decode(
      results, survivors: survivors, minimum: minimumSurvivors, scheme: name, into: &estimates)
  }
}
