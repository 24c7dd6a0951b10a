import Testing

@testable import CodedComputing

@Suite("Column-blocked band solves")
struct BandCholeskyColumnsTests {
  /// A random symmetric, strictly diagonally dominant (so positive definite) band matrix.
  static func randomSPD(order: Int, bandwidth: Int, seed: UInt64) -> SymmetricBandMatrix {
    var generator = SplitMix64(seed: seed)
    var a = SymmetricBandMatrix(order: order, bandwidth: bandwidth)
    for j in 0..<order {
      for i in max(0, j - bandwidth)..<j { a[i, j] = Double.random(in: -1...1, using: &generator) }
    }
    for i in 0..<order { a[i, i] = 2 * Double(bandwidth) + 1 + Double.random(in: 0...1, using: &generator) }
    return a
  }

  @Test("Many columns at once equal LAPACK dpbtrs column by column",
    arguments: [(3, 2), (4, 2), (57, 2), (40, 1), (33, 3)])
  func blockedMatchesLAPACK(order: Int, bandwidth: Int) throws {
    let factor = try BandCholesky(Self.randomSPD(order: order, bandwidth: bandwidth, seed: UInt64(order)))
    let columns = 19  // two full blocks of 8 and a partial one
    var generator = SplitMix64(seed: 99)
    var rhs = Matrix(rows: order, columns: columns)
    for i in rhs.storage.indices { rhs.storage[i] = Double.random(in: -5...5, using: &generator) }
    var blocked = rhs
    try factor.solve(&blocked)  // ≥ 4 columns: the blocked path
    for c in 0..<columns {
      var single = rhs.column(c)
      try factor.solve(&single, columns: 1)  // one column: LAPACK dpbtrs
      for i in 0..<order {
        #expect(abs(blocked[i, c] - single[i]) <= 1e-13 * max(1, abs(single[i])))
      }
    }
  }
}
