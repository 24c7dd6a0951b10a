/// LCC, Lagrange coded computing (Yu et al. 2019) over the reals.
///
/// The encoder is the Lagrange polynomial through (αₖ, xₖ), of degree K − 1, evaluated at the
/// βₙ; the decoder is the polynomial interpolating every survivor (barycentric form, Berrut &
/// Trefethen 2004), evaluated at the αₖ. For f a polynomial of degree D, f∘u has degree
/// (K − 1)·D, so decoding is exact once |T| ≥ (K − 1)·D + 1: the recovery threshold. The scheme
/// refuses fewer survivors. For non-polynomial f (no degree given) it still interpolates all
/// survivors, with a threshold of K, and is unstable as N grows (Runge) — the failure that
/// motivates approximate codes.
///
/// - Complexity: encode O(N·K·d); decode O(K·|T|·m) plus O(|T|²) to build a new decoder.
public typealias LagrangeCode = DenseInterpolationCode<BarycentricLagrange>

extension DenseInterpolationCode where Interpolant == BarycentricLagrange {
  /// The recovery threshold (K − 1)·D + 1 for degree D, or K when f is not a polynomial.
  public static func recoveryThreshold(inputCount: Int, functionDegree: Int?) -> Int {
    guard let degree = functionDegree else { return inputCount }
    return (inputCount - 1) * degree + 1
  }

  /// LCC for K inputs, N workers and f of degree `functionDegree` (nil: not a polynomial).
  /// - Throws: ``CodingError/invalidParameter(_:)`` when N is below the recovery threshold or the
  ///   degree is below 1.
  public init(
    inputCount: Int, workerCount: Int, layout: NodeLayout = .chebyshev, functionDegree: Int? = nil
  ) throws(CodingError) {
    if let degree = functionDegree, degree < 1 {
      throw .invalidParameter("lcc needs a polynomial degree >= 1, got \(degree)")
    }
    let threshold = Self.recoveryThreshold(inputCount: inputCount, functionDegree: functionDegree)
    try self.init(
      name: "lcc", inputCount: inputCount, workerCount: workerCount, layout: layout,
      minimumWorkers: threshold, minimumSurvivors: threshold, functionDegree: functionDegree)
  }
}
