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
  public let alpha: [Double]
  public let beta: [Double]
  public var minimumSurvivors: Int { 1 }
  /// The N × K encoding matrix.
  public let encoder: Matrix
  let _decoders: _OperatorCache<Matrix>

  /// - Throws: ``CodingError/invalidParameter(_:)`` for K < 2 or N < 2.
  public init(inputCount: Int, workerCount: Int, layout: NodeLayout = .chebyshev) throws(CodingError) {
    try _checkSizes(inputCount: inputCount, workerCount: workerCount, minimumWorkers: 2, scheme: "bacc")
    self.inputCount = inputCount
    self.workerCount = workerCount
    alpha = layout.alpha(inputCount)
    beta = layout.beta(workerCount)
    do { encoder = try BerrutInterpolant.matrix(nodes: alpha, at: beta) } catch {
      throw .approximation(error)
    }
    _decoders = _OperatorCache()
  }

  public func encode(_ inputs: Matrix) throws(CodingError) -> Matrix {
    try _checkInputs(inputs, count: inputCount)
    do { return try Matrix.multiply(encoder, inputs) } catch { throw .linearAlgebra(error) }
  }

  /// The K × |T| decoding matrix for a survivor set.
  public func decoder(survivors: [Int]) throws(CodingError) -> Matrix {
    try _decoders.value(for: survivors) { () throws(CodingError) in
      try _approximating { () throws(ApproximationError) in
        try BerrutInterpolant.matrix(nodes: survivors.map { beta[$0] }, at: alpha)
      }
    }
  }

  public func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    try _checkSurvivors(survivors, results: results, workers: workerCount, minimum: 1, scheme: name)
    let d = try decoder(survivors: survivors)
    do { return try Matrix.multiply(d, results) } catch { throw .linearAlgebra(error) }
  }
}
