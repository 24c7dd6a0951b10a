import CodedComputing
import Foundation
import Testing

/// The barycentric Lagrange polynomial: exact for polynomials of degree < n, and weights that
/// match their closed forms without overflow for hundreds of nodes.
@Suite("BarycentricLagrange")
struct BarycentricLagrangeTests {
  @Test(
    "reproduces polynomials of degree < n",
    arguments: [
      (NodeFamily.chebyshevFirstKind, 10), (.chebyshevSecondKind, 14), (.equispaced, 12),
      (.midpoints, 6),
    ])
  func reproducesPolynomials(_ family: NodeFamily, _ count: Int) throws {
    var generator = SplitMix64(seed: UInt64(count))
    let t = family.nodes(count: count)
    // Two columns: a random polynomial of degree count − 1 and one of degree 2.
    let coefficients = (0..<count).map { _ in Double.random(in: -1..<1, using: &generator) }
    func p(_ z: Double) -> Double { coefficients.reversed().reduce(0) { $0 * z + $1 } }
    func q(_ z: Double) -> Double { 3 * z * z - z + 0.5 }
    let values = Matrix(rows: t.map { [p($0), q($0)] })
    let points = (0..<60).map { _ in Double.random(in: -1.1..<1.1, using: &generator) }
    let out = try BarycentricLagrange(nodes: t, values: values).evaluate(at: points)
    let expected = Matrix(rows: points.map { [p($0), q($0)] })
    #expect(relativeGap(out, expected) <= 1e-11, "\(relativeGap(out, expected))")
    #expect(try BarycentricLagrange(nodes: t, values: values).evaluate(at: t) == values)
  }

  /// Equispaced nodes: wⱼ ∝ (−1)ⁿ⁻¹⁻ʲ·C(n−1, j) (Berrut & Trefethen 2004, §5). For n = 500 the
  /// raw weights span 10^±150 around 1/((n−1)!·hⁿ⁻¹), far outside double's range; scaled by the
  /// largest they must match the binomial ratios in log space.
  @Test("equispaced weights for n = 500 match the binomial closed form")
  func equispacedWeights() {
    let n = 500
    let w = BarycentricLagrange.weights(nodes: NodeFamily.equispaced.nodes(count: n))
    #expect(w.allSatisfy { $0.isFinite && $0 != 0 })
    #expect(w.map(abs).max() == 1)
    func logBinomial(_ k: Int) -> Double {
      lgamma(Double(n)) - lgamma(Double(k + 1)) - lgamma(Double(n - k))
    }
    let top = logBinomial((n - 1) / 2)
    for j in 0..<n {
      #expect(abs(log(abs(w[j])) - (logBinomial(j) - top)) <= 1e-9, "j=\(j)")
      #expect((w[j] > 0) == ((n - 1 - j) % 2 == 0), "sign of w[\(j)]")
    }
  }

  /// Chebyshev points of the 2nd kind: wⱼ ∝ (−1)ʲ·δⱼ with δ = 1/2 at both ends, 1 inside
  /// (Salzer 1972).
  @Test("Chebyshev 2nd-kind weights for n = 500 match the closed form")
  func chebyshevWeights() {
    let n = 500
    let w = BarycentricLagrange.weights(nodes: NodeFamily.chebyshevSecondKind.nodes(count: n))
    for j in 0..<n {
      let magnitude = j == 0 || j == n - 1 ? 0.5 : 1
      #expect(abs(abs(w[j]) - magnitude) <= 1e-9, "j=\(j): \(w[j])")
      #expect(w[j] * w[min(j + 1, n - 1)] < 0 || j == n - 1, "weights alternate at \(j)")
    }
    // And interpolation with them stays accurate: sin on 500 Chebyshev points.
    let t = NodeFamily.chebyshevSecondKind.nodes(count: n)
    let points = [-0.99, -0.5, 0.1234, 0.77]
    let out = try? BarycentricLagrange(nodes: t, values: Matrix(column: t.map(sin))).evaluate(
      at: points)
    for (p, z) in points.enumerated() { #expect(abs((out?[p, 0] ?? .nan) - sin(z)) <= 1e-13) }
  }
}
