/// A symmetric n × n matrix with `bandwidth` super-diagonals, in LAPACK upper band storage.
///
/// Layout: `storage` has `(bandwidth + 1) × n` elements, column-major with leading dimension
/// `bandwidth + 1`; element A(i, j) for `j - bandwidth ≤ i ≤ j` lives at
/// `storage[(bandwidth + i - j) + j * (bandwidth + 1)]`, so the diagonal is the last row of the
/// band (LAPACK's `UPLO = 'U'`). The smoothing-spline system is the case `bandwidth == 2`
/// (pentadiagonal).
///
/// ```swift
/// var a = SymmetricBandMatrix(order: 4, bandwidth: 1)
/// for i in 0..<4 { a[i, i] = 2 }
/// for i in 0..<3 { a[i, i + 1] = -1 }
/// let factor = try a.choleskyFactorized()
/// ```
public struct SymmetricBandMatrix: Sendable, Equatable {
  /// The order n.
  public let order: Int
  /// The number of super-diagonals, `kd` in LAPACK.
  public let bandwidth: Int
  /// Upper band storage, leading dimension `bandwidth + 1`.
  public var storage: [Double]

  /// A zero band matrix.
  public init(order: Int, bandwidth: Int) {
    precondition(order >= 0 && bandwidth >= 0, "Band matrix order and bandwidth must be non-negative")
    self.order = order
    self.bandwidth = bandwidth
    self.storage = Array(repeating: 0, count: (bandwidth + 1) * order)
  }

  /// Element (i, j); entries outside the band read as zero and may not be written.
  @inlinable
  public subscript(i: Int, j: Int) -> Double {
    get {
      let (r, c) = i <= j ? (i, j) : (j, i)
      guard c - r <= bandwidth else { return 0 }
      return storage[(bandwidth + r - c) + c * (bandwidth + 1)]
    }
    set {
      let (r, c) = i <= j ? (i, j) : (j, i)
      precondition(c - r <= bandwidth, "(\(i), \(j)) lies outside the band of width \(bandwidth)")
      storage[(bandwidth + r - c) + c * (bandwidth + 1)] = newValue
    }
  }

  /// The dense equivalent; for tests and small problems.
  public var dense: Matrix {
    var m = Matrix(rows: order, columns: order)
    for j in 0..<order {
      for i in max(0, j - bandwidth)...j {
        m[i, j] = self[i, j]
        m[j, i] = self[i, j]
      }
    }
    return m
  }
}
