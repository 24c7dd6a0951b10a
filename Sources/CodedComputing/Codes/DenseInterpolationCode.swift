/// A code whose encoder and decoders are dense interpolation matrices, applied with GEMM: BACC
/// (``BerrutCode``) and LCC (``LagrangeCode``) are this type over their interpolants.
///
/// `Interpolant.matrix(nodes:at:)` is the p × n matrix mapping data at `nodes` to the
/// interpolant's values at `points`. The encoder (N × K, nodes α → points β) is built once; each
/// survivor set's decoder (K × |T|, nodes β_T → points α) is built on first use and cached.
///
/// ```swift
/// let bacc = try BerrutCode(inputCount: 10, workerCount: 40)          // DenseInterpolationCode<BerrutInterpolant>
/// let lcc = try LagrangeCode(inputCount: 10, workerCount: 40, functionDegree: 2)
/// ```
///
/// - Complexity: encode O(N·K·d); decode O(K·|T|·m) plus O(K·|T|) (Berrut) or O(|T|²)
///   (Lagrange) to build a new decoder.
public struct DenseInterpolationCode<Interpolant: BarycentricInterpolant>: CodingScheme {
  public let name: String
  public let inputCount: Int
  public let workerCount: Int
  public let minimumSurvivors: Int
  /// D, the polynomial degree of f, where the code uses it (LCC's threshold); nil otherwise.
  public let functionDegree: Int?
  /// The data points α (K, ascending).
  public let alpha: [Double]
  /// The worker points β (N, ascending).
  public let beta: [Double]
  /// The N × K encoding matrix.
  public let encoder: Matrix
  let _decoders = _OperatorCache<Matrix>()

  /// - Throws: ``CodingError/invalidParameter(_:)`` for K < 2 or N below `minimumWorkers`.
  init(
    name: String, inputCount: Int, workerCount: Int, layout: NodeLayout, minimumWorkers: Int,
    minimumSurvivors: Int, functionDegree: Int?
  ) throws(CodingError) {
    try _checkSizes(
      inputCount: inputCount, workerCount: workerCount, minimumWorkers: minimumWorkers, scheme: name
    )
    self.name = name
    self.inputCount = inputCount
    self.workerCount = workerCount
    self.minimumSurvivors = minimumSurvivors
    self.functionDegree = functionDegree
    let (alpha, beta) = (layout.alpha(inputCount), layout.beta(workerCount))
    self.alpha = alpha
    self.beta = beta
    encoder = try _approximating { () throws(ApproximationError) in
      try Interpolant.matrix(nodes: alpha, at: beta)
    }
  }

  public func encode(_ inputs: Matrix) throws(CodingError) -> Matrix {
    var coded = Matrix(rows: 0, columns: 0)
    try encode(inputs, into: &coded)
    return coded
  }

  /// E·X by GEMM into `coded` (its storage reused when it is already N × d).
  public func encode(_ inputs: Matrix, into coded: inout Matrix) throws(CodingError) {
    try _checkInputs(inputs, count: inputCount)
    if coded.rows != encoder.rows || coded.columns != inputs.columns {
      coded = Matrix(_uninitializedRows: encoder.rows, columns: inputs.columns)
    }
    do { try Matrix.multiply(encoder, inputs, into: &coded) } catch { throw .linearAlgebra(error) }
  }

  /// The K × |T| decoding matrix for a survivor set (built once per set, cached).
  public func decoder(survivors: [Int]) throws(CodingError) -> Matrix {
    try _decoders.value(for: survivors) { () throws(CodingError) in
      try _approximating { () throws(ApproximationError) in
        try Interpolant.matrix(nodes: survivors.map { beta[$0] }, at: alpha)
      }
    }
  }

  public func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    var estimates = Matrix(rows: 0, columns: 0)
    try decode(results, survivors: survivors, into: &estimates)
    return estimates
  }

  /// D_T·Y_T by GEMM into `estimates` (its storage reused when it is already K × m).
  public func decode(_ results: Matrix, survivors: [Int], into estimates: inout Matrix)
    throws(CodingError)
  {
    try _checkSurvivors(
      survivors, results: results, workers: workerCount, minimum: minimumSurvivors, scheme: name)
    let d = try decoder(survivors: survivors)
    if estimates.rows != d.rows || estimates.columns != results.columns {
      estimates = Matrix(_uninitializedRows: d.rows, columns: results.columns)
    }
    do { try Matrix.multiply(d, results, into: &estimates) } catch { throw .linearAlgebra(error) }
    try _checkDecoded(estimates, results: results, survivors: survivors)
  }
}
