import CodedComputing
import Testing

/// Matrix layout and the BLAS/LAPACK wrappers against hand-written loops.
@Suite("Matrix")
struct MatrixTests {
  static func handProduct(_ a: Matrix, _ b: Matrix, transposeA: Bool, transposeB: Bool) -> Matrix {
    let opA = transposeA ? a.transposed : a
    let opB = transposeB ? b.transposed : b
    var c = Matrix(rows: opA.rows, columns: opB.columns)
    for i in 0..<opA.rows {
      for j in 0..<opB.columns {
        var sum = 0.0
        for k in 0..<opA.columns { sum += opA[i, k] * opB[k, j] }
        c[i, j] = sum
      }
    }
    return c
  }

  @Test("layout is column-major")
  func layout() {
    let m = Matrix(rows: [[1, 2, 3], [4, 5, 6]])
    #expect(m.rows == 2 && m.columns == 3)
    #expect(m.storage == [1, 4, 2, 5, 3, 6])
    #expect(m[1, 2] == 6)
    #expect(m.row(1) == [4, 5, 6])
    #expect(m.column(2) == [3, 6])
    #expect(m.transposed.rowArrays == [[1, 4], [2, 5], [3, 6]])
    #expect(m.selectingRows([1, 1, 0]).rowArrays == [[4, 5, 6], [4, 5, 6], [1, 2, 3]])
    #expect(Matrix.identity(2).storage == [1, 0, 0, 1])
    #expect(!Matrix(column: [1, .infinity]).isFinite)
  }

  @Test(
    "multiply equals a hand loop with and without transposes",
    arguments: [(false, false), (true, false), (false, true), (true, true)])
  func multiplyMatchesLoop(_ transposeA: Bool, _ transposeB: Bool) throws {
    var generator = SplitMix64(seed: 42)
    let (m, k, n) = (7, 5, 4)
    let a = randomMatrix(rows: transposeA ? k : m, columns: transposeA ? m : k, using: &generator)
    let b = randomMatrix(rows: transposeB ? n : k, columns: transposeB ? k : n, using: &generator)
    let product = try Matrix.multiply(a, b, transposeA: transposeA, transposeB: transposeB)
    let expected = Self.handProduct(a, b, transposeA: transposeA, transposeB: transposeB)
    #expect(product.rows == m && product.columns == n)
    #expect(relativeGap(product, expected) <= 1e-14)
    // The accumulating form: C ← 2·op(A)·op(B) + 3·C.
    var c = randomMatrix(rows: m, columns: n, using: &generator)
    let c0 = c
    try Matrix.multiply(
      a, b, into: &c, transposeA: transposeA, transposeB: transposeB, alpha: 2, beta: 3)
    var expectedC = c0
    for i in expectedC.storage.indices {
      expectedC.storage[i] = 2 * expected.storage[i] + 3 * c0.storage[i]
    }
    #expect(relativeGap(c, expectedC) <= 1e-14)
  }

  @Test("multiply rejects mismatched shapes and handles empty inner dimension")
  func multiplyShapes() throws {
    #expect(
      throws: LAPACKError.dimensionMismatch(
        routine: "dgemm", detail: "op(A) is 2 × 3 but op(B) is 2 × 2")
    ) { try Matrix.multiply(Matrix(rows: 2, columns: 3), Matrix(rows: 2, columns: 2)) }
    var wrong = Matrix(rows: 3, columns: 3)
    #expect(throws: LAPACKError.self) {
      try Matrix.multiply(Matrix(rows: 2, columns: 2), Matrix(rows: 2, columns: 2), into: &wrong)
    }
    let empty = try Matrix.multiply(Matrix(rows: 2, columns: 0), Matrix(rows: 0, columns: 3))
    #expect(empty == Matrix(rows: 2, columns: 3))
  }

  @Test("solve equals the exact solution and reports singular matrices")
  func solve() throws {
    // [[2, 1], [1, 3]] x = [3, 5] has x = [4/5, 7/5].
    let x = try Matrix.solve(Matrix(rows: [[2, 1], [1, 3]]), Matrix(column: [3, 5]))
    #expect(abs(x[0, 0] - 0.8) <= 1e-15 && abs(x[1, 0] - 1.4) <= 1e-15)
    var generator = SplitMix64(seed: 9)
    let a = randomMatrix(rows: 6, columns: 6, using: &generator)
    let b = randomMatrix(rows: 6, columns: 2, using: &generator)
    let solution = try Matrix.solve(a, b)
    #expect(relativeGap(try Matrix.multiply(a, solution), b) <= 1e-12)
    #expect(
      throws: LAPACKError.numericalFailure(
        routine: "dgesv", index: 2, reason: "U(i, i) is exactly zero: the matrix is singular")
    ) { try Matrix.solve(Matrix(rows: [[1, 2], [2, 4]]), Matrix(column: [1, 1])) }
    #expect(throws: LAPACKError.self) {
      try Matrix.solve(Matrix(rows: 2, columns: 3), Matrix(column: [1, 1]))
    }
    #expect(throws: LAPACKError.self) {
      try Matrix.solve(Matrix.identity(2), Matrix(column: [1, 1, 1]))
    }
  }
}
