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
public struct LagrangeCode: CodingScheme {
  public var name: String { "lcc" }
  public let inputCount: Int
  public let workerCount: Int
  public var alpha: [Double] { _code.alpha }
  public var beta: [Double] { _code.beta }
  /// D, the polynomial degree of f, if known.
  public let functionDegree: Int?
  public let minimumSurvivors: Int
  /// The N × K encoding matrix.
  public var encoder: Matrix { _code.encoder }
  let _code: _DenseInterpolationCode<BarycentricLagrange>

  /// The recovery threshold (K − 1)·D + 1 for degree D, or K when f is not a polynomial.
  public static func recoveryThreshold(inputCount: Int, functionDegree: Int?) -> Int {
    guard let degree = functionDegree else { return inputCount }
    return (inputCount - 1) * degree + 1
  }

  /// - Throws: ``CodingError/invalidParameter(_:)`` when N is below the recovery threshold.
  public init(
    inputCount: Int, workerCount: Int, layout: NodeLayout = .chebyshev, functionDegree: Int? = nil
  ) throws(CodingError) {
    if let degree = functionDegree, degree < 1 {
      throw .invalidParameter("lcc needs a polynomial degree >= 1, got \(degree)")
    }
    let threshold = Self.recoveryThreshold(inputCount: inputCount, functionDegree: functionDegree)
    try _checkSizes(
      inputCount: inputCount, workerCount: workerCount, minimumWorkers: threshold, scheme: "lcc")
    self.inputCount = inputCount
    self.workerCount = workerCount
    self.functionDegree = functionDegree
    minimumSurvivors = threshold
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
