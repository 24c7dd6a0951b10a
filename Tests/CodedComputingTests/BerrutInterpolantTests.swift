import CodedComputing
import Testing

/// Berrut's first-form rational interpolant against a direct evaluation of the formula.
@Suite("BerrutInterpolant")
struct BerrutInterpolantTests {
  /// r(z) = Σᵢ (−1)ⁱ yᵢ/(z − tᵢ) / Σᵢ (−1)ⁱ/(z − tᵢ), written out directly.
  static func direct(_ t: [Double], _ y: [Double], _ z: Double) -> Double {
    var numerator = 0.0
    var denominator = 0.0
    for i in t.indices {
      let sign: Double = i % 2 == 0 ? 1 : -1
      numerator += sign * y[i] / (z - t[i])
      denominator += sign / (z - t[i])
    }
    return numerator / denominator
  }

  @Test("equals the formula off the nodes", arguments: NodeFamily.allCases)
  func matchesFormula(_ family: NodeFamily) throws {
    var generator = SplitMix64(seed: 3)
    let t = family.nodes(count: 11)
    let data = randomMatrix(rows: 11, columns: 3, using: &generator)
    let points = (0..<40).map { _ in Double.random(in: -1.3..<1.3, using: &generator) }
    let r = try BerrutInterpolant(nodes: t, values: data)
    let out = try r.evaluate(at: points)
    #expect(out.rows == 40 && out.columns == 3)
    for (p, z) in points.enumerated() {
      for c in 0..<3 {
        let expected = Self.direct(t, data.column(c), z)
        #expect(abs(out[p, c] - expected) <= 1e-12 * max(1, abs(expected)), "z=\(z)")
      }
    }
  }

  @Test("is exact at the nodes and reproduces constants")
  func exactAtNodes() throws {
    let t = NodeFamily.chebyshevSecondKind.nodes(count: 9)
    let y = t.map { $0 * $0 * $0 - 2 * $0 }
    let r = try BerrutInterpolant(nodes: t, values: Matrix(column: y))
    #expect(try r.evaluate(at: t).column(0) == y)
    let matrix = try BerrutInterpolant.matrix(nodes: t, at: [-0.95, -0.1, 0.33, 0.999])
    for q in 0..<matrix.rows {
      let rowSum = (0..<matrix.columns).map { matrix[q, $0] }.reduce(0, +)
      #expect(abs(rowSum - 1) <= 1e-14)
    }
    #expect(BerrutInterpolant.weights(count: 4) == [1, -1, 1, -1])
  }

  @Test("one node gives the constant")
  func oneNode() throws {
    let r = try BerrutInterpolant(nodes: [0.5], values: Matrix(column: [7]))
    #expect(try r.evaluate(at: [-1, 0.5, 3]).column(0) == [7, 7, 7])
  }
}
