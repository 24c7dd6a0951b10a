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
    order = matrix.order
    bandwidth = matrix.bandwidth
    var ab = matrix.storage
    if order > 0 {
      var uplo = CChar(UInt8(ascii: "U"))
      var n = Int32(order)
      var kd = Int32(bandwidth)
      var ldab = Int32(bandwidth + 1)
      var info: Int32 = 0
      ab.withUnsafeMutableBufferPointer { buffer in
        dpbtrf_(&uplo, &n, &kd, buffer.baseAddress, &ldab, &info, 1)
      }
      try LAPACKError.check(
        info, routine: "dpbtrf", reason: "the leading minor of this order is not positive definite")
    }
    factor = ab
  }

  /// Solves A·X = B in place for every column of `rhs` (column-major, `order` rows).
  public func solve(_ rhs: inout Matrix) throws(LAPACKError) {
    guard rhs.rows == order else {
      throw .dimensionMismatch(
        routine: "dpbtrs", detail: "right-hand side has \(rhs.rows) rows, the matrix has order \(order)")
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
        dpbtrs_(&uplo, &n, &kd, &nrhs, ab.baseAddress, &ldab, b.baseAddress, &ldb, &info, 1)
      }
    }
    try LAPACKError.check(info, routine: "dpbtrs", reason: "unexpected positive info")
  }

  /// The entries of A⁻¹ inside the band, in the same upper band storage as the factor.
  ///
  /// From UΣ = U⁻ᵀ (lower triangular with diagonal 1/uᵢᵢ), walking i from n−1 down to 0:
  /// Σᵢⱼ = (δᵢⱼ/uᵢᵢ − Σₖ uᵢₖ Σₖⱼ)/uᵢᵢ over k = i+1…i+kd, for j = i…i+kd. Only band entries of Σ
  /// are ever read (Hutchinson & de Hoog 1985).
  /// - Complexity: O(n·kd²).
  public func bandOfInverse() -> SymmetricBandMatrix {
    var sigma = SymmetricBandMatrix(order: order, bandwidth: bandwidth)
    let ld = bandwidth + 1
    let kd = bandwidth
    factor.withUnsafeBufferPointer { u in
      sigma.storage.withUnsafeMutableBufferPointer { s in
        // U(i, k) at u[(kd + i - k) + k * ld] for k ≥ i; Σ(a, b), a ≤ b, at s[(kd + a - b) + b * ld].
        @inline(__always) func sig(_ a: Int, _ b: Int) -> Double {
          a <= b ? s[(kd + a - b) + b * ld] : s[(kd + b - a) + a * ld]
        }
        for i in stride(from: order - 1, through: 0, by: -1) {
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
      }
    }
    return sigma
  }
}

extension SymmetricBandMatrix {
  /// The Cholesky factorisation of this matrix; see ``BandCholesky``.
  public func choleskyFactorized() throws(LAPACKError) -> BandCholesky {
    try BandCholesky(self)
  }
}
