/// One factor of a linear product, cut into K row blocks and coded: the stored half of coded
/// A·x and A·B (Lee et al. 2018; Pilanci & Bartan 2019).
///
/// A (n × p) is cut into K blocks of b = ⌈n/K⌉ rows (the last zero-padded); block k, flattened
/// row-major, is row k of the K × (b·p) matrix the scheme encodes, so worker n stores one coded
/// block Ã_n (b × p). For a right factor X (p × q) worker n computes Ã_n·X; since the code is
/// linear, decoding the workers' products gives the blocks' products A_k·X, stacked into A·X.
///
/// ```swift
/// let coded = try CodedMatrix(a, scheme: try PolarCode(dataBlocks: 8, workers: 16,
///                                                      construction: .bec(erasure: 0.5)))
/// let (product, outcome) = try await coded.multiply(x, pool: InProcessWorkerPool(),
///                                                   injectedDelays: delays)
/// ```
public struct CodedMatrix: Sendable {
  /// The code (K data blocks, N workers).
  public let scheme: any CodingScheme
  /// n, the rows of A.
  public let rows: Int
  /// p, the columns of A.
  public let columns: Int
  /// b, the rows of one block.
  public let blockRows: Int
  /// N × (b·p): worker n's coded block, row-major.
  public let coded: Matrix
  /// When the round may stop; ``StoppingRule/decodable(by:)`` unless replaced (replication of
  /// exact linear work needs a copy of every block, see ``everyBlockHasACopy(dataBlocks:workers:)``).
  public var stoppingRule: StoppingRule

  /// Codes A by row blocks.
  /// - Parameters:
  ///   - a: n × p, finite, n ≥ K.
  ///   - scheme: the code; its K is the number of blocks.
  /// - Throws: ``CodingError/wrongShape(what:expected:actual:)`` when A has fewer rows than K or no
  ///   columns; what the scheme's encoder throws.
  /// - Complexity: the scheme's encode of K × (b·p).
  public init(_ a: Matrix, scheme: any CodingScheme) throws(CodingError) {
    let k = scheme.inputCount
    guard a.rows >= k, a.columns >= 1 else {
      throw .wrongShape(
        what: "the coded factor", expected: "at least K = \(k) rows and one column",
        actual: "\(a.rows) × \(a.columns)")
    }
    let b = (a.rows + k - 1) / k
    var blocks = Matrix(rows: k, columns: b * a.columns)
    for i in 0..<a.rows {
      for j in 0..<a.columns { blocks[i / b, (i % b) * a.columns + j] = a[i, j] }
    }
    self.scheme = scheme
    rows = a.rows
    columns = a.columns
    blockRows = b
    coded = try scheme.encode(blocks)
    stoppingRule = .decodable(by: scheme)
  }

  /// The stopping rule of replication for exact linear work: worker n holds block n mod K, and
  /// the round may stop once every block has a copy back.
  public static func everyBlockHasACopy(dataBlocks k: Int, workers: Int) -> StoppingRule {
    StoppingRule(description: "a copy of each of the \(k) blocks", minimumCount: k) { received, _ in
      var covered = [Bool](repeating: false, count: k)
      var count = 0
      for n in 0..<workers where received[n] && !covered[n % k] {
        covered[n % k] = true
        count += 1
      }
      return count == k
    }
  }

  /// The workload of worker n: its coded block (b × p, row-major) times X (p × q), the b × q
  /// result flattened column by column.
  /// - Precondition: X has p rows.
  public func workload(times x: Matrix) -> ClosureWorkload {
    precondition(x.rows == columns, "X has \(x.rows) rows, the coded factor \(columns) columns")
    let (b, p, q) = (blockRows, columns, x.columns)
    return ClosureWorkload(
      name: "coded-block-product", outputDimension: { _ in b * q }, polynomialDegree: 1
    ) { block in
      guard block.count == b * p else {
        throw WorkloadError.wrongInputDimension(expected: b * p, actual: block.count)
      }
      // The row-major b × p block is the column-major p × b matrix Ãᵀ.
      return try Matrix.multiply(
        Matrix(rows: p, columns: b, columnMajor: block), x, transposeA: true
      ).storage
    }
  }

  /// A·X from the products of the arrived workers (|T| × (b·q), ascending workers).
  /// - Throws: what the scheme's decoder throws (an undecodable set, a shape mismatch).
  /// - Complexity: the scheme's decode plus O(n·q).
  public func product(_ results: Matrix, survivors: [Int], columns q: Int) throws(CodingError)
    -> Matrix
  {
    let decoded = try scheme.decode(results, survivors: survivors)
    var product = Matrix(rows: rows, columns: q)
    for i in 0..<rows {
      for j in 0..<q { product[i, j] = decoded[i / blockRows, (i % blockRows) + j * blockRows] }
    }
    return product
  }

  /// One coded product A·X through a pool: a round of the N coded blocks times X that stops at
  /// ``stoppingRule`` (for a polar code the first decodable set), then the decode.
  ///
  /// - Parameters:
  ///   - x: p × q.
  ///   - pool: the workers.
  ///   - injectedDelays: emulated latencies, N entries, or nil.
  ///   - deadline: the longest to wait, or nil.
  /// - Returns: A·X (n × q) and the pool's outcome (arrivals, cancelled workers).
  /// - Throws: ``PoolError`` when the rule cannot be met; ``CodingError`` from the decode.
  public func multiply(
    _ x: Matrix, pool: some WorkerPool, injectedDelays: [Duration]? = nil, deadline: Duration? = nil
  ) async throws -> (product: Matrix, outcome: PoolOutcome) {
    let round = Round(
      inputs: coded, workload: workload(times: x), stoppingRule: stoppingRule, deadline: deadline,
      injectedDelays: injectedDelays)
    let outcome = try await pool.run(round)
    return (try product(outcome.outputs, survivors: outcome.survivors, columns: x.columns), outcome)
  }
}
