/// The machinery BACC and LCC share: a code whose encoder and decoders are dense interpolation
/// matrices, applied with GEMM.
///
/// `interpolationMatrix(nodes, points)` returns the p × n matrix mapping data at `nodes` to the
/// interpolant's values at `points` (Berrut's or Lagrange's). The encoder (N × K, nodes α →
/// points β) is built once; each survivor set's decoder (K × |T|, nodes β_T → points α) is built
/// on first use and cached.
struct _DenseInterpolationCode: Sendable {
  let alpha: [Double]
  let beta: [Double]
  let encoder: Matrix
  let interpolationMatrix: @Sendable ([Double], [Double]) throws(ApproximationError) -> Matrix
  let decoders = _OperatorCache<Matrix>()

  init(
    inputCount: Int, workerCount: Int, layout: NodeLayout,
    interpolationMatrix:
      @escaping @Sendable ([Double], [Double]) throws(ApproximationError) -> Matrix
  ) throws(CodingError) {
    alpha = layout.alpha(inputCount)
    beta = layout.beta(workerCount)
    self.interpolationMatrix = interpolationMatrix
    let (alpha, beta) = (alpha, beta)
    encoder = try _approximating { () throws(ApproximationError) in
      try interpolationMatrix(alpha, beta)
    }
  }

  func encode(_ inputs: Matrix, inputCount: Int) throws(CodingError) -> Matrix {
    var coded = Matrix(rows: 0, columns: 0)
    try encode(inputs, inputCount: inputCount, into: &coded)
    return coded
  }

  /// E·X by GEMM into `coded` (its storage reused when it is already N × d).
  func encode(_ inputs: Matrix, inputCount: Int, into coded: inout Matrix) throws(CodingError) {
    try _checkInputs(inputs, count: inputCount)
    if coded.rows != encoder.rows || coded.columns != inputs.columns {
      coded = Matrix(_uninitializedRows: encoder.rows, columns: inputs.columns)
    }
    do { try Matrix.multiply(encoder, inputs, into: &coded) } catch { throw .linearAlgebra(error) }
  }

  func decoder(survivors: [Int]) throws(CodingError) -> Matrix {
    try decoders.value(for: survivors) { () throws(CodingError) in
      try _approximating { () throws(ApproximationError) in
        try interpolationMatrix(survivors.map { beta[$0] }, alpha)
      }
    }
  }

  func decode(_ results: Matrix, survivors: [Int], minimum: Int, scheme: String) throws(CodingError)
    -> Matrix
  {
    var estimates = Matrix(rows: 0, columns: 0)
    try decode(results, survivors: survivors, minimum: minimum, scheme: scheme, into: &estimates)
    return estimates
  }

  /// D_T·Y_T by GEMM into `estimates` (its storage reused when it is already K × m).
  func decode(
    _ results: Matrix, survivors: [Int], minimum: Int, scheme: String, into estimates: inout Matrix
  ) throws(CodingError) {
    try _checkSurvivors(
      survivors, results: results, workers: beta.count, minimum: minimum, scheme: scheme)
    let d = try decoder(survivors: survivors)
    if estimates.rows != d.rows || estimates.columns != results.columns {
      estimates = Matrix(_uninitializedRows: d.rows, columns: results.columns)
    }
    do { try Matrix.multiply(d, results, into: &estimates) } catch { throw .linearAlgebra(error) }
    try _checkDecoded(estimates, results: results, survivors: survivors)
  }
}
