/// BACC, Berrut approximate coded computing (Jahani-Nezhad & Maddah-Ali 2022).
///
/// The encoder is Berrut's rational interpolant through (αₖ, xₖ) evaluated at the βₙ; the decoder
/// is Berrut's interpolant through the survivors' (βₙ, yₙ), re-indexed 0…|T|−1 in ascending
/// order, evaluated at the αₖ (Berrut 1988, first form). Both are dense linear maps, built once
/// (the decoder once per survivor set, cached) and applied to all columns with one GEMM.
///
/// - Complexity: encode O(N·K·d); decode O(K·|T|·m) plus O(K·|T|) to build a new decoder.
public typealias BerrutCode = DenseInterpolationCode<BerrutInterpolant>

extension DenseInterpolationCode where Interpolant == BerrutInterpolant {
  /// BACC for K inputs and N workers; any one survivor decodes.
  /// - Throws: ``CodingError/invalidParameter(_:)`` for K < 2 or N < 2.
  public init(inputCount: Int, workerCount: Int, layout: NodeLayout = .chebyshev)
    throws(CodingError)
  {
    try self.init(
      name: "bacc", inputCount: inputCount, workerCount: workerCount, layout: layout,
      minimumWorkers: 2, minimumSurvivors: 1, functionDegree: nil)
  }
}
