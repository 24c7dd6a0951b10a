/// A systematic MDS code over the reals: any K of the N coded blocks determine the K data blocks.
///
/// The generator is G = [I_K; P] (N × K): workers 0..<K hold the data blocks themselves, worker
/// K + i holds Σₖ P[i, k]·x_k with P[i, k] ~ N(0, 1)/√K drawn from a seeded ``SplitMix64`` (a
/// random completion: every K × K submatrix is invertible with probability 1). We measured the
/// worst K-subset condition numbers of this generator against a systematic Chebyshev–Vandermonde
/// one (`scripts/mds_conditioning.py`, `notebooks-data/mds-conditioning.csv`): at N = 2K the
/// worst found grows from 6·10³ to 1.3·10⁶ for K = 8…64 with the random completion, but from
/// 4·10⁶ to 3·10²¹ (singular in double precision) with Chebyshev–Vandermonde, so the random
/// completion is the one used.
///
/// Decoding from a set T of ≥ K survivors (Lee et al. 2018) copies the systematic survivors S
/// and solves for the r = K − |S| missing blocks M from the first r parity survivors T′:
/// P[T′, M]·X_M = Y_T′ − P[T′, S]·X_S — an r × r LAPACK `dgesv` (LU with partial pivoting) and
/// one GEMM, O(r³ + r·K·m).
///
/// ```swift
/// let code = try MDSCode(dataBlocks: 4, workers: 8)
/// let coded = try code.encode(blocks)                         // 8 × d
/// let decoded = try code.decode(coded.selectingRows([1, 4, 6, 7]), survivors: [1, 4, 6, 7])
/// ```
/// - Complexity: encode O((N − K)·K·d) (one GEMM); decode O(r³ + r·K·m) with r ≤ K.
public struct MDSCode: CodingScheme {
  public var name: String { "mds" }
  public let inputCount: Int
  public let workerCount: Int
  public var minimumSurvivors: Int { inputCount }
  /// P, the (N − K) × K parity part of the generator.
  public let parity: Matrix

  /// The largest N·K the generator may have (2²⁶ entries, 512 MiB): checked before allocating.
  public static let maximumGeneratorEntries = 1 << 26

  /// - Parameters:
  ///   - dataBlocks: K ≥ 1.
  ///   - workers: N ≥ K.
  ///   - seed: the seed of the parity entries.
  /// - Throws: ``CodingError/invalidParameter(_:)`` for K < 1, N < K or a generator too large.
  /// - Complexity: O((N − K)·K) normal draws.
  public init(dataBlocks: Int, workers: Int, seed: UInt64 = 0) throws(CodingError) {
    guard dataBlocks >= 1, workers >= dataBlocks else {
      throw .invalidParameter(
        "mds needs 1 <= K <= N, got K = \(dataBlocks) for N = \(workers)")
    }
    guard
      workers.multipliedReportingOverflow(by: dataBlocks).partialValue
        <= Self.maximumGeneratorEntries,
      !workers.multipliedReportingOverflow(by: dataBlocks).overflow
    else {
      throw .invalidParameter(
        "mds generator N × K = \(workers) × \(dataBlocks) exceeds \(Self.maximumGeneratorEntries) entries"
      )
    }
    inputCount = dataBlocks
    workerCount = workers
    var generator = SplitMix64(seed: seed)
    let scale = 1 / Double(dataBlocks).squareRoot()
    var p = Matrix(rows: workers - dataBlocks, columns: dataBlocks)
    for i in 0..<p.rows {
      for k in 0..<dataBlocks { p[i, k] = scale * standardNormal(using: &generator) }
    }
    parity = p
  }

  /// Any K arrivals decode: `received` has at least K true entries.
  /// - Complexity: O(N).
  public func canDecode(from received: [Bool]) -> Bool {
    precondition(
      received.count == workerCount, "\(received.count) arrival flags for \(workerCount) workers")
    return received.reduce(0) { $0 + ($1 ? 1 : 0) } >= inputCount
  }

  /// X (K × d) ↦ [X; P·X] (N × d).
  /// - Throws: ``CodingError/wrongShape(what:expected:actual:)`` unless X has K rows.
  /// - Complexity: one (N − K) × K × d GEMM.
  public func encode(_ inputs: Matrix) throws(CodingError) -> Matrix {
    try _checkInputs(inputs, count: inputCount)
    let d = inputs.columns
    let coded: Matrix
    do { coded = try Matrix.multiply(parity, inputs) } catch { throw .linearAlgebra(error) }
    var result = Matrix(rows: workerCount, columns: d)
    for j in 0..<d {
      for k in 0..<inputCount { result[k, j] = inputs[k, j] }
      for i in 0..<coded.rows { result[inputCount + i, j] = coded[i, j] }
    }
    return result
  }

  /// Y_T (|T| × m, |T| ≥ K) ↦ X (K × m): systematic survivors copied, the missing blocks solved
  /// from the first parity survivors.
  /// - Throws: ``CodingError/tooFewSurvivors(scheme:survivors:minimum:)`` below K survivors;
  ///   ``CodingError/linearAlgebra(_:)`` if the survivor system is singular.
  /// - Complexity: O(r³ + r·K·m), r = number of missing systematic blocks.
  public func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    try _checkSurvivors(
      survivors, results: results, workers: workerCount, minimum: inputCount, scheme: name)
    let m = results.columns
    var estimates = Matrix(rows: inputCount, columns: m)
    var present = [Bool](repeating: false, count: inputCount)
    var systematicRows: [Int] = []
    for (row, n) in survivors.enumerated() where n < inputCount {
      present[n] = true
      systematicRows.append(n)
      for j in 0..<m { estimates[n, j] = results[row, j] }
    }
    let missing = (0..<inputCount).filter { !present[$0] }
    guard !missing.isEmpty else { return estimates }
    let paritySurvivors = survivors.enumerated().filter { $0.element >= inputCount }
      .prefix(missing.count)
    let parityRows = paritySurvivors.map { $0.element - inputCount }
    // Right-hand side Y_T′ − P[T′, S]·X_S, then solve P[T′, M]·X_M = it.
    var rhs = results.selectingRows(paritySurvivors.map(\.offset))
    do {
      if !systematicRows.isEmpty {
        let known = _columns(of: parity.selectingRows(parityRows), systematicRows)
        try Matrix.multiply(
          known, estimates.selectingRows(systematicRows), into: &rhs, alpha: -1, beta: 1)
      }
      let system = _columns(of: parity.selectingRows(parityRows), missing)
      let solved = try Matrix.solve(system, rhs)
      for (i, k) in missing.enumerated() {
        for j in 0..<m { estimates[k, j] = solved[i, j] }
      }
    } catch {
      throw .linearAlgebra(error)
    }
    try _checkDecoded(estimates, results: results, survivors: survivors)
    return estimates
  }
}

/// The matrix made of the given columns of `matrix`, in the given order.
private func _columns(of matrix: Matrix, _ indices: [Int]) -> Matrix {
  let rows = matrix.rows
  var result = Matrix(rows: rows, columns: indices.count)
  for (c, j) in indices.enumerated() {
    result.storage.replaceSubrange(
      (c * rows)..<((c + 1) * rows), with: matrix.storage[(j * rows)..<((j + 1) * rows)])
  }
  return result
}
