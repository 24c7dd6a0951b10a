internal import CLAPACK

/// The Cholesky factorisation A = UᵀU of a symmetric positive definite band matrix.
///
/// Computed by LAPACK `dpbtrf` and kept in the same upper band storage as
/// ``SymmetricBandMatrix`` (leading dimension `bandwidth + 1`). One factorisation serves any
/// number of right-hand sides (`dpbtrs`), and the entries of A⁻¹ inside the band come out of the
/// factor in O(n·kd²) by the Hutchinson–de Hoog recursion (Hutchinson & de Hoog 1985), which is
/// what generalised cross-validation needs for the trace of the smoother matrix.
///
/// ```swift
/// let factor = try BandCholesky(a)          // a: SymmetricBandMatrix
/// var rhs = Matrix(rows: a.order, columns: 3)
/// try factor.solve(&rhs)                    // rhs ← A⁻¹ rhs, all three columns at once
/// ```
///
/// - Complexity: factorisation O(n·kd²); a solve O(n·kd) per right-hand side.
public struct BandCholesky: Sendable {
  /// The order n.
  public let order: Int
  /// The number of super-diagonals.
  public let bandwidth: Int
  /// U in upper band storage.
  public let factor: [Double]

  /// Factorises `matrix`.
  /// - Throws: ``LAPACKError/numericalFailure(routine:index:reason:)`` naming the leading minor
  ///   that is not positive definite.
  public init(_ matrix: SymmetricBandMatrix) throws(LAPACKError) {
    try self.init(_factoring: matrix.storage, order: matrix.order, bandwidth: matrix.bandwidth)
  }

  /// Factorises the band matrix whose upper band storage is `storage`, reusing that buffer.
  init(_factoring storage: consuming [Double], order: Int, bandwidth: Int) throws(LAPACKError) {
    precondition(storage.count == (bandwidth + 1) * order, "Band storage size mismatch")
    self.order = order
    self.bandwidth = bandwidth
    var ab = storage
    try ab.withUnsafeMutableBufferPointer { (buffer) throws(LAPACKError) in
      if order > 0 {
        try Self._factorInPlace(buffer.baseAddress!, order: order, bandwidth: bandwidth)
      }
    }
    factor = ab
  }

  /// dpbtrf on upper band storage at `ab` (leading dimension `bandwidth + 1`), in place.
  static func _factorInPlace(_ ab: UnsafeMutablePointer<Double>, order: Int, bandwidth: Int)
    throws(LAPACKError)
  {
    guard order > 0 else { return }
    var uplo = CChar(UInt8(ascii: "U"))
    var n = Int32(order)
    var kd = Int32(bandwidth)
    var ldab = Int32(bandwidth + 1)
    var info: Int32 = 0
    _BLASLibrary.shared.dpbtrf(&uplo, &n, &kd, ab, &ldab, &info, 1)
    try LAPACKError.check(
      info, routine: "dpbtrf", reason: "the leading minor of this order is not positive definite")
  }

  /// dpbtrs with the factor at `factor` for `columns` right-hand sides at `rhs`.
  static func _solve(
    factor: UnsafePointer<Double>, order: Int, bandwidth: Int, rhs: UnsafeMutablePointer<Double>,
    leadingDimension: Int, columns: Int
  ) throws(LAPACKError) {
    precondition(leadingDimension >= max(1, order), "Leading dimension below the order")
    guard order > 0, columns > 0 else { return }
    var uplo = CChar(UInt8(ascii: "U"))
    var n = Int32(order)
    var kd = Int32(bandwidth)
    var nrhs = Int32(columns)
    var ldab = Int32(bandwidth + 1)
    var ldb = Int32(leadingDimension)
    var info: Int32 = 0
    _BLASLibrary.shared.dpbtrs(&uplo, &n, &kd, &nrhs, factor, &ldab, rhs, &ldb, &info, 1)
    try LAPACKError.check(info, routine: "dpbtrs", reason: "unexpected positive info")
  }

  /// Solves A·X = B in place for every column of `rhs` (column-major, `order` rows).
  public func solve(_ rhs: inout Matrix) throws(LAPACKError) {
    guard rhs.rows == order else {
      throw .dimensionMismatch(
        routine: "dpbtrs",
        detail: "right-hand side has \(rhs.rows) rows, the matrix has order \(order)")
    }
    try solve(&rhs.storage, columns: rhs.columns)
  }

  /// Solves A·X = B in place for `columns` right-hand sides stored column-major in `rhs`.
  public func solve(_ rhs: inout [Double], columns: Int) throws(LAPACKError) {
    guard rhs.count == order * columns else {
      throw .dimensionMismatch(
        routine: "dpbtrs",
        detail: "right-hand side has \(rhs.count) elements, expected \(order) × \(columns)")
    }
    guard order > 0, columns > 0 else { return }
    if columns >= 4 {
      _solveColumnBlocked(&rhs, columns: columns)
      return
    }
    var uplo = CChar(UInt8(ascii: "U"))
    var n = Int32(order)
    var kd = Int32(bandwidth)
    var nrhs = Int32(columns)
    var ldab = Int32(bandwidth + 1)
    var ldb = Int32(order)
    var info: Int32 = 0
    factor.withUnsafeBufferPointer { ab in
      rhs.withUnsafeMutableBufferPointer { b in
        _BLASLibrary.shared.dpbtrs(
          &uplo, &n, &kd, &nrhs, ab.baseAddress, &ldab, b.baseAddress, &ldb, &info, 1)
      }
    }
    try LAPACKError.check(info, routine: "dpbtrs", reason: "unexpected positive info")
  }

  /// Solves A·X = B in place for `columns` right-hand sides at `rhs`, column j starting at
  /// `rhs + j * leadingDimension` (so B can be rows 1…order of a taller matrix).
  func _solve(_ rhs: UnsafeMutablePointer<Double>, leadingDimension: Int, columns: Int)
    throws(LAPACKError)
  {
    try factor.withUnsafeBufferPointer { (ab) throws(LAPACKError) in
      try Self._solve(
        factor: ab.baseAddress!, order: order, bandwidth: bandwidth, rhs: rhs,
        leadingDimension: leadingDimension, columns: columns)
    }
  }

  /// The entries of A⁻¹ inside the band, in the same upper band storage as the factor.
  ///
  /// From UΣ = U⁻ᵀ (lower triangular with diagonal 1/uᵢᵢ), walking i from n−1 down to 0:
  /// Σᵢⱼ = (δᵢⱼ/uᵢᵢ − Σₖ uᵢₖ Σₖⱼ)/uᵢᵢ over k = i+1…i+kd, for j = i…i+kd. Only band entries of Σ
  /// are ever read (Hutchinson & de Hoog 1985).
  /// - Complexity: O(n·kd²).
  public func bandOfInverse() -> SymmetricBandMatrix {
    var sigma = SymmetricBandMatrix(order: order, bandwidth: bandwidth)
    factor.withUnsafeBufferPointer { u in
      sigma.storage.withUnsafeMutableBufferPointer { s in
        if order > 0 {
          Self._bandOfInverse(
            factor: u.baseAddress!, order: order, bandwidth: bandwidth, into: s.baseAddress!)
        }
      }
    }
    return sigma
  }

  /// ``bandOfInverse()`` from the factor at `u` into the band storage at `s` (every slot that
  /// lies inside the matrix is written). For kd = 2 the rows away from the end run a straight-line
  /// version of the same recursion with the same order of operations.
  static func _bandOfInverse(
    factor u: UnsafePointer<Double>, order: Int, bandwidth kd: Int,
    into s: UnsafeMutablePointer<Double>
  ) {
    let ld = kd + 1
    // U(i, k) at u[(kd + i - k) + k * ld] for k ≥ i; Σ(a, b), a ≤ b, at s[(kd + a - b) + b * ld].
    @inline(__always) func sig(_ a: Int, _ b: Int) -> Double {
      a <= b ? s[(kd + a - b) + b * ld] : s[(kd + b - a) + a * ld]
    }
    @inline(__always) func general(_ i: Int) {
      let uii = u[kd + i * ld]
      let last = min(order - 1, i + kd)
      // Off-diagonal entries first (they use Σ rows below i only), then the diagonal.
      if i < last {
        for j in stride(from: last, through: i + 1, by: -1) {
          var acc = 0.0
          for k in (i + 1)...last { acc += u[(kd + i - k) + k * ld] * sig(k, j) }
          s[(kd + i - j) + j * ld] = -acc / uii
        }
      }
      var acc = 0.0
      if i < last {
        for k in (i + 1)...last { acc += u[(kd + i - k) + k * ld] * s[(kd + i - k) + k * ld] }
      }
      s[kd + i * ld] = (1 / uii - acc) / uii
    }
    guard order > 0 else { return }
    let tail = kd == 2 ? max(0, order - 2) : 0
    for i in stride(from: order - 1, through: tail, by: -1) { general(i) }
    guard kd == 2, tail > 0 else { return }
    // kd = 2, rows i < n − 2: last = i + 2.
    var s11 = s[3 * tail + 2]  // Σ(i+1, i+1)
    var s12 = s[3 * tail + 4]  // Σ(i+1, i+2)
    var s22 = s[3 * tail + 5]  // Σ(i+2, i+2)
    for i in stride(from: tail - 1, through: 0, by: -1) {
      let uii = u[3 * i + 2]
      let u01 = u[3 * i + 4]  // U(i, i+1)
      let u02 = u[3 * i + 6]  // U(i, i+2)
      var acc = 0.0
      acc += u01 * s12
      acc += u02 * s22
      let s02 = -acc / uii
      acc = 0.0
      acc += u01 * s11
      acc += u02 * s12
      let s01 = -acc / uii
      acc = 0.0
      acc += u01 * s01
      acc += u02 * s02
      let s00 = (1 / uii - acc) / uii
      s[3 * i + 6] = s02
      s[3 * i + 4] = s01
      s[3 * i + 2] = s00
      s22 = s11
      s12 = s01
      s11 = s00
    }
  }
}

extension BandCholesky {
  /// tr(A⁻¹B) for a symmetric pentadiagonal B, from the factor U (UᵀU = A, kd = 2) at `u`:
  /// the ``bandOfInverse()`` recursion run from the last row up, keeping only the three entries
  /// of A⁻¹ it still needs, so nothing of size n is written.
  /// - Complexity: O(n), one pass over U and B.
  /// `inverseDiagonal` holds 1/Uᵢᵢ, so the recursion multiplies where ``bandOfInverse()`` divides.
  static func _traceOfInverseTimes(
    factor u: UnsafePointer<Double>, inverseDiagonal inv: UnsafePointer<Double>, order m: Int,
    band b: UnsafePointer<Double>
  ) -> Double {
    guard m > 0 else { return 0 }
    // Row m − 1.
    var s11 = inv[m - 1] * inv[m - 1]  // Σ(i+1, i+1) for the next row up
    var trace = s11 * b[3 * (m - 1) + 2]
    guard m > 1 else { return trace }
    // Row m − 2: only Σ(i, i+1) off the diagonal.
    var s12: Double
    var s22: Double
    do {
      let i = m - 2
      let vii = inv[i]
      let u01 = u[3 * i + 4]
      let s01 = -(u01 * s11) * vii
      let s00 = (vii - u01 * s01) * vii
      trace += s00 * b[3 * i + 2] + 2 * (s01 * b[3 * i + 4])
      s22 = s11
      s12 = s01
      s11 = s00
    }
    var i = m - 3
    while i >= 0 {
      let vii = inv[i]
      let u01 = u[3 * i + 4]
      let u02 = u[3 * i + 6]
      let s02 = -(u01 * s12 + u02 * s22) * vii
      let s01 = -(u01 * s11 + u02 * s12) * vii
      let s00 = (vii - (u01 * s01 + u02 * s02)) * vii
      trace += s00 * b[3 * i + 2] + 2 * (s01 * b[3 * i + 4] + s02 * b[3 * i + 6])
      s22 = s11
      s12 = s01
      s11 = s00
      i -= 1
    }
    return trace
  }
}

extension SymmetricBandMatrix {
  /// The Cholesky factorisation of this matrix; see ``BandCholesky``.
  public func choleskyFactorized() throws(LAPACKError) -> BandCholesky {
    try BandCholesky(self)
  }
}
