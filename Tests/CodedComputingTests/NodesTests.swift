import CodedComputing
import Foundation
import Testing

/// Node families exactly as Guides/Conventions.md ("Nodes") defines them.
@Suite("Nodes")
struct NodesTests {
  @Test("formulas", arguments: [1, 2, 3, 7, 16])
  func formulas(_ count: Int) {
    let k = Double(count)
    if count >= 2 {
      let equi = NodeFamily.equispaced.nodes(count: count)
      for i in 0..<count { #expect(abs(equi[i] - (-1 + 2 * Double(i) / (k - 1))) <= 1e-15) }
      #expect(equi.first == -1 && equi.last == 1)
      let second = NodeFamily.chebyshevSecondKind.nodes(count: count)
      for i in 0..<count { #expect(abs(second[i] - (-cos(Double(i) * .pi / (k - 1)))) <= 1e-15) }
      #expect(second.first == -1 && second.last == 1)
    }
    let first = NodeFamily.chebyshevFirstKind.nodes(count: count)
    for i in 0..<count {
      #expect(abs(first[i] - (-cos((2 * Double(i) + 1) * .pi / (2 * k)))) <= 1e-15)
    }
    let mid = NodeFamily.midpoints.nodes(count: count)
    for i in 0..<count { #expect(abs(mid[i] - (-1 + (2 * Double(i) + 1) / k)) <= 1e-15) }
  }

  @Test("ascending, inside or on Ω, symmetric about 0", arguments: NodeFamily.allCases)
  func shape(_ family: NodeFamily) {
    for count in max(family.minimumCount, 1)...30 {
      let t = family.nodes(count: count)
      #expect(t.count == count)
      for i in t.indices.dropFirst() { #expect(t[i] > t[i - 1], "\(family) \(count)") }
      for i in t.indices {
        #expect(abs(t[i] + t[count - 1 - i]) <= 1e-15, "\(family) \(count) symmetric at \(i)")
      }
      let interior = family == .chebyshevFirstKind || family == .midpoints
      if interior {
        #expect(t.first! > -1 && t.last! < 1)
      } else {
        #expect(t.first == -1 && t.last == 1)
      }
    }
  }

  @Test("layouts pick the families of Guides/Conventions.md")
  func layouts() {
    #expect(NodeLayout.equispaced.alphaFamily == .equispaced)
    #expect(NodeLayout.equispaced.betaFamily == .equispaced)
    #expect(NodeLayout.chebyshev.alphaFamily == .chebyshevFirstKind)
    #expect(NodeLayout.chebyshev.betaFamily == .chebyshevSecondKind)
    #expect(NodeLayout.midpoints.alphaFamily == .midpoints)
    #expect(NodeLayout.midpoints.betaFamily == .equispaced)
    #expect(NodeLayout.chebyshev.alpha(5) == NodeFamily.chebyshevFirstKind.nodes(count: 5))
    #expect(NodeLayout.chebyshev.beta(9) == NodeFamily.chebyshevSecondKind.nodes(count: 9))
    #expect(NodeFamily.midpoints.nodes(count: 4) == [-0.75, -0.25, 0.25, 0.75])
    #expect(NodeFamily.equispaced.nodes(count: 5) == [-1, -0.5, 0, 0.5, 1])
  }
}
