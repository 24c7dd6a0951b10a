internal import CLAPACK

extension Matrix {
  /// C ← α·op(A)·op(B) + β·C with BLAS `dgemm`, where op is the identity or the transpose.
  ///
  /// ```swift
  /// let product = try Matrix.multiply(a, b)          // a · b
  /// let gram = try Matrix.multiply(a, a, transposeA: true)   // aᵀ · a
  /// ```
  /// - Throws: ``LAPACKError/dimensionMismatch(routine:detail:)`` when the inner dimensions differ.
  /// - Complexity: O(m·n·k) flops for an m × k times k × n product.
  public static func multiply(
    _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false
  ) throws(LAPACKError) -> Matrix {
    let m = transposeA ? a.columns : a.rows
    let n = transposeB ? b.rows : b.columns
    // β = 0: every element of C is written, so C starts uninitialised.
    var c = Matrix(_uninitializedRows: m, columns: n)
    try multiply(a, b, into: &c, transposeA: transposeA, transposeB: transposeB)
    return c
  }

  /// C ← α·op(A)·op(B) + β·C in place; see ``multiply(_:_:transposeA:transposeB:)``. With
  /// β = 0, C is only written (BLAS semantics: NaNs in it do not propagate).
  public static func multiply(
    _ a: Matrix, _ b: Matrix, into c: inout Matrix, transposeA: Bool = false,
    transposeB: Bool = false, alpha: Double = 1, beta: Double = 0
  ) throws(LAPACKError) {
    let m = transposeA ? a.columns : a.rows
    let k = transposeA ? a.rows : a.columns
    let kb = transposeB ? b.columns : b.rows
    let n = transposeB ? b.rows : b.columns
    guard k == kb else {
      throw .dimensionMismatch(
        routine: "dgemm", detail: "op(A) is \(m) × \(k) but op(B) is \(kb) × \(n)")
    }
    guard c.rows == m, c.columns == n else {
      throw .dimensionMismatch(
        routine: "dgemm", detail: "C is \(c.rows) × \(c.columns), expected \(m) × \(n)")
    }
    guard m > 0, n > 0 else { return }
    if k == 0 {
      // BLAS semantics: β = 0 sets C to zero without reading it.
      for i in c.storage.indices { c.storage[i] = beta == 0 ? 0 : c.storage[i] * beta }
      return
    }
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        c.storage.withUnsafeMutableBufferPointer { pc in
          _BLASLibrary.shared.gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: pa.baseAddress, lda: max(1, a.rows), b: pb.baseAddress, ldb: max(1, b.rows),
            beta: beta, c: pc.baseAddress, ldc: max(1, m))
        }
      }
    }
  }

  /// Solves A·X = B for a square A by LU with partial pivoting (LAPACK `dgesv`).
  /// - Throws: ``LAPACKError/numericalFailure(routine:index:reason:)`` when U(i, i) is exactly
  ///   zero (A is singular), or a dimension mismatch.
  /// - Complexity: O(n³ + n²·columns).
  public static func solve(_ a: Matrix, _ b: Matrix) throws(LAPACKError) -> Matrix {
    guard a.rows == a.columns else {
      throw .dimensionMismatch(routine: "dgesv", detail: "A is \(a.rows) × \(a.columns), not square")
    }
    guard b.rows == a.rows else {
      throw .dimensionMismatch(
        routine: "dgesv", detail: "B has \(b.rows) rows, A has order \(a.rows)")
    }
    var lu = a.storage
    var x = b
    guard a.rows > 0, b.columns > 0 else { return x }
    var n = Int32(a.rows)
    var nrhs = Int32(b.columns)
    var lda = n
    var ldb = n
    var pivots = [Int32](repeating: 0, count: a.rows)
    var info: Int32 = 0
    lu.withUnsafeMutableBufferPointer { pa in
      x.storage.withUnsafeMutableBufferPointer { pb in
        pivots.withUnsafeMutableBufferPointer { ipiv in
          _BLASLibrary.shared.dgesv(
            &n, &nrhs, pa.baseAddress, &lda, ipiv.baseAddress, pb.baseAddress, &ldb, &info)
        }
      }
    }
    try LAPACKError.check(info, routine: "dgesv", reason: "U(i, i) is exactly zero: the matrix is singular")
    return x
  }
}

/// Limits the BLAS library's own threads (OpenBLAS, BLIS; a no-op for a single-threaded BLAS);
/// CodedComputing runs its workers concurrently and small products gain nothing from more
/// threads. ``BLASInfo/threadCount`` reads it back.
public func setBLASThreadCount(_ count: Int) {
  precondition(count >= 1, "BLAS thread count must be at least 1")
  _BLASLibrary.shared.setThreadCount(count)
}
