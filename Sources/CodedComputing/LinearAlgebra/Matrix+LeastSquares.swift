internal import CLAPACK

extension Matrix {
  /// The minimum-norm least-squares solution X of A·X ≈ B (LAPACK `dgelss`, through the SVD).
  ///
  /// A may be over- or under-determined and rank deficient: singular values below
  /// `relativeCondition`·σ_max count as zero, and among the minimisers of ‖A·X − B‖ the one of
  /// least norm is returned (X = A⁺·B).
  ///
  /// ```swift
  /// let x = try Matrix.leastSquares(a, b)      // a: m × n, b: m × q → n × q
  /// ```
  /// - Parameters:
  ///   - a: m × n.
  ///   - b: m × q.
  ///   - relativeCondition: the relative cut-off for singular values (default 1e-12).
  /// - Returns: n × q.
  /// - Throws: ``LAPACKError/dimensionMismatch(routine:detail:)`` when B's rows differ from A's;
  ///   ``LAPACKError/numericalFailure(routine:index:reason:)`` when the SVD does not converge.
  /// - Complexity: O(m·n·min(m, n) + max(m, n)·q·min(m, n)).
  public static func leastSquares(_ a: Matrix, _ b: Matrix, relativeCondition: Double = 1e-12)
    throws(LAPACKError) -> Matrix
  {
    guard b.rows == a.rows else {
      throw .dimensionMismatch(
        routine: "dgelss", detail: "B has \(b.rows) rows, A has \(a.rows)")
    }
    let (m, n, q) = (a.rows, a.columns, b.columns)
    guard m > 0, n > 0, q > 0 else { return Matrix(rows: n, columns: q) }
    let ldb = Swift.max(m, n)
    var work = a.storage
    var rhs = [Double](repeating: 0, count: ldb * q)
    for j in 0..<q {
      for i in 0..<m { rhs[j * ldb + i] = b.storage[j * m + i] }
    }
    var singular = [Double](repeating: 0, count: Swift.min(m, n))
    var (mm, nn, qq, lda, ldbb) = (Int32(m), Int32(n), Int32(q), Int32(m), Int32(ldb))
    var rcond = relativeCondition
    var rank: Int32 = 0
    var info: Int32 = 0
    guard let dgelss = _BLASLibrary.shared.dgelss else {
      throw .numericalFailure(routine: "dgelss", index: 0, reason: "the LAPACK in use has no dgelss_")
    }
    var query = 0.0
    var lwork: Int32 = -1
    dgelss(
      &mm, &nn, &qq, &work, &lda, &rhs, &ldbb, &singular, &rcond, &rank, &query, &lwork, &info)
    try LAPACKError.check(info, routine: "dgelss", reason: "the SVD did not converge")
    lwork = Int32(Swift.max(1, Int(query)))
    var scratch = [Double](repeating: 0, count: Int(lwork))
    dgelss(
      &mm, &nn, &qq, &work, &lda, &rhs, &ldbb, &singular, &rcond, &rank, &scratch, &lwork, &info)
    try LAPACKError.check(info, routine: "dgelss", reason: "the SVD did not converge")
    var x = Matrix(rows: n, columns: q)
    for j in 0..<q {
      for i in 0..<n { x.storage[j * n + i] = rhs[j * ldb + i] }
    }
    return x
  }
}
