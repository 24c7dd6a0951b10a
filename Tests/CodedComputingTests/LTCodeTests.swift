import CodedComputing
import Foundation
import Testing

@Suite("LTCode")
struct LTCodeTests {
  @Test("groups of r cover 0..<m once; costs count functions")
  func groups() throws {
    let code = try LTCode(functionCount: 10, groupSize: 3)
    #expect(code.sourceCount == 4)
    #expect(code.functions(ofSource: 0) == 0..<3)
    #expect(code.functions(ofSource: 3) == 9..<10)
    #expect(code.cost(of: [0, 3] as [Int32]) == 4)
    #expect(code.cost(of: [1, 2, 0] as [Int32]) == 9)
    #expect(try LTCode(functionCount: 5, groupSize: 9).sourceCount == 1)
    #expect(throws: LTError.self) { try LTCode(functionCount: 0) }
    #expect(throws: LTError.self) { try LTCode(functionCount: 5, groupSize: 0) }
  }

  @Test("symbols have distinct sources in range, degrees from μ, sources uniform")
  func symbols() throws {
    let m = 50
    let code = try LTCode(functionCount: m)
    var symbols = code.makeSymbolGenerator()
    var generator = SplitMix64(seed: 9)
    var hits = [Int](repeating: 0, count: m)
    var edges = 0
    let count = 40_000
    for _ in 0..<count {
      let symbol = symbols.next(using: &generator)
      #expect(Set(symbol).count == symbol.count)
      #expect(symbol.allSatisfy { $0 >= 0 && $0 < Int32(m) })
      for s in symbol { hits[Int(s)] += 1 }
      edges += symbol.count
    }
    // Mean degree within 4 standard errors of Σ d μ(d).
    let mean = code.distribution.meanDegree
    let variance = (1...m).reduce(0.0) {
      $0 + pow(Double($1) - mean, 2) * code.distribution.probability(ofDegree: $1)
    }
    #expect(
      abs(Double(edges) / Double(count) - mean) <= 4 * (variance / Double(count)).squareRoot())
    // Each source is in a symbol with probability E[d]/m: χ² with 49 d.o.f., 99.9 % quantile
    // scipy.stats.chi2.ppf(0.999, 49) = 85.35 (the per-source counts are nearly multinomial).
    let expected = Double(edges) / Double(m)
    let chi2 = hits.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
    #expect(chi2 < 85.35, "χ² = \(chi2)")
  }

  @Test("matrix–vector: coded rows times x decode to A·x", arguments: [1, 4])
  func matrixVector(_ groupSize: Int) throws {
    var generator = SplitMix64(seed: 77)
    let m = 300
    let n = 7
    let a = randomMatrix(rows: m, columns: n, using: &generator)
    let x = (0..<n).map { _ in Double.random(in: -1..<1, using: &generator) }
    let code = try LTCode(functionCount: m, groupSize: groupSize)
    var symbols = code.makeSymbolGenerator()
    var batch = LTSymbolBatch()
    for _ in 0..<(4 * code.sourceCount) { symbols.append(to: &batch, using: &generator) }
    let coded = try code.encodeRows(of: a, symbols: batch)
    #expect(coded.rows == batch.count && coded.columns == n)
    var decoder = LTPeelingDecoder(sourceCount: code.sourceCount, valueWidth: 1)
    for k in 0..<batch.count {
      let product = (0..<n).reduce(0.0) { $0 + coded[k, $1] * x[$1] }
      if try decoder.consume(batch, symbol: k, values: [product]) { break }
    }
    try decoder.requireComplete()
    // A·x computed directly, grouped into sums of r consecutive rows.
    for g in 0..<code.sourceCount {
      let direct = code.functions(ofSource: g).reduce(0.0) { sum, i in
        sum + (0..<n).reduce(0.0) { $0 + a[i, $1] * x[$1] }
      }
      let decoded = try #require(decoder.value(ofSource: g))
      #expect(abs(decoded[decoded.startIndex] - direct) <= 1e-11, "source \(g)")
    }
    #expect(throws: LTError.self) {
      try code.encodeRows(of: Matrix(rows: m + 1, columns: n), symbols: batch)
    }
  }
}
