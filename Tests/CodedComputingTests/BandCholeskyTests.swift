import CodedComputing
import Testing

/// The banded Cholesky factorisation (dpbtrf/dpbtrs) and the Hutchinson–de Hoog band of the
/// inverse, against dense LU (dgesv) on random symmetric positive definite band matrices.
@Suite("BandCholesky")
struct BandCholeskyTests {
  /// A random SPD band matrix: random off-diagonals in [−1, 1), diagonal = 1 + Σ|row| so it is
  /// strictly diagonally dominant with a positive diagonal.
  static func randomSPD(order: Int, bandwidth: Int, using generator: inout SplitMix64)
    -> SymmetricBandMatrix
  {
    var a = SymmetricBandMatrix(order: order, bandwidth: bandwidth)
    for j in 0..<order {
      for i in max(0, j - bandwidth)..<j { a[i, j] = Double.random(in: -1..<1, using: &generator) }
    }
    for i in 0..<order {
      var sum = 0.0
      for j in max(0, i - bandwidth)...min(order - 1, i + bandwidth) where j != i {
        sum += abs(a[i, j])
      }
      a[i, i] = 1 + sum + Double.random(in: 0..<1, using: &generator)
    }
    return a
  }

  @Test(
    "solve equals dense LU for many right-hand sides",
    arguments: [(1, 0), (5, 1), (9, 2), (40, 2), (33, 4), (3, 5)])
  func solveMatchesDense(_ order: Int, _ bandwidth: Int) throws {
    var generator = SplitMix64(seed: UInt64(order * 10 + bandwidth))
    let a = Self.randomSPD(order: order, bandwidth: bandwidth, using: &generator)
    let b = randomMatrix(rows: order, columns: 3, using: &generator)
    var x = b
    try a.choleskyFactorized().solve(&x)
    let dense = try Matrix.solve(a.dense, b)
    #expect(relativeGap(x, dense) <= 1e-13)
    // And the residual A·x − b is at rounding level.
    let residual = try Matrix.multiply(a.dense, x)
    #expect(relativeGap(residual, b) <= 1e-13)
  }

  @Test(
    "bandOfInverse equals the dense inverse inside the band",
    arguments: [(1, 0), (2, 2), (6, 1), (12, 2), (50, 2), (20, 3)])
  func bandOfInverseMatchesDense(_ order: Int, _ bandwidth: Int) throws {
    var generator = SplitMix64(seed: UInt64(1000 + order * 10 + bandwidth))
    let a = Self.randomSPD(order: order, bandwidth: bandwidth, using: &generator)
    let inverse = try Matrix.solve(a.dense, Matrix.identity(order))
    let band = try BandCholesky(a).bandOfInverse()
    #expect(band.order == order && band.bandwidth == bandwidth)
    var scale = 0.0
    var gap = 0.0
    for j in 0..<order {
      for i in max(0, j - bandwidth)...j {
        scale = max(scale, abs(inverse[i, j]))
        gap = max(gap, abs(band[i, j] - inverse[i, j]))
      }
    }
    #expect(gap <= 1e-13 * scale, "gap \(gap), scale \(scale)")
  }

  @Test("a matrix that is not positive definite names dpbtrf and the failing minor")
  func notPositiveDefinite() {
    var a = SymmetricBandMatrix(order: 5, bandwidth: 2)
    for i in 0..<5 { a[i, i] = 2 }
    a[2, 2] = -1
    #expect(
      throws: LAPACKError.numericalFailure(
        routine: "dpbtrf", index: 3,
        reason: "the leading minor of this order is not positive definite")
    ) { try BandCholesky(a) }
    // [[1, 2], [2, 1]] has a positive first minor and a negative determinant: index 2.
    var b = SymmetricBandMatrix(order: 2, bandwidth: 1)
    b[0, 0] = 1
    b[1, 1] = 1
    b[0, 1] = 2
    do {
      _ = try b.choleskyFactorized()
      Issue.record("expected dpbtrf to fail")
    } catch {
      #expect(
        error
          == .numericalFailure(
            routine: "dpbtrf", index: 2,
            reason: "the leading minor of this order is not positive definite"))
      #expect(error.description.contains("dpbtrf failed at index 2"))
    }
  }

  @Test("a right-hand side of the wrong size is a dimension mismatch")
  func solveDimensionMismatch() throws {
    var generator = SplitMix64(seed: 5)
    let factor = try BandCholesky(Self.randomSPD(order: 4, bandwidth: 1, using: &generator))
    var wrong = Matrix(rows: 3, columns: 2)
    #expect(throws: LAPACKError.self) { try factor.solve(&wrong) }
    var flat = [Double](repeating: 1, count: 7)
    #expect(throws: LAPACKError.self) { try factor.solve(&flat, columns: 2) }
  }
}
