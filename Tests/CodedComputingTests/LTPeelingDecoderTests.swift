import CodedComputing
import Foundation
import Testing

@Suite("LTPeelingDecoder")
struct LTPeelingDecoderTests {
  /// Random source values (m × width), symbol values = sums of their sources.
  static func values(of symbol: some Sequence<Int32>, _ x: [[Double]], width: Int) -> [Double] {
    var y = [Double](repeating: 0, count: width)
    for s in symbol { for k in 0..<width { y[k] += x[Int(s)][k] } }
    return y
  }

  @Test("the documented example")
  func example() throws {
    var decoder = LTPeelingDecoder(sourceCount: 3, valueWidth: 1)
    #expect(try !decoder.consume(sources: [0, 1] as [Int32], values: [3.0]))
    #expect(try !decoder.consume(sources: [1] as [Int32], values: [2.0]))
    #expect(decoder.value(ofSource: 0) == [1])
    #expect(try decoder.consume(sources: [1, 2] as [Int32], values: [7.0]))
    #expect(decoder.threshold == 3)
    #expect(decoder.sum == [8])
    #expect(decoder.value(ofSource: 2) == [5])
  }

  /// Feeds LT symbols of `x` until the decoder completes; returns it.
  static func decode(_ x: [[Double]], width: Int, seed: UInt64) throws -> LTPeelingDecoder {
    let m = x.count
    var generator = SplitMix64(seed: seed)
    var symbols = try LTCode(functionCount: m).makeSymbolGenerator()
    var decoder = LTPeelingDecoder(sourceCount: m, valueWidth: width)
    var edges = 0
    for _ in 0..<(20 * m) {
      let symbol = symbols.next(using: &generator)
      edges += symbol.count
      if try decoder.consume(sources: symbol, values: values(of: symbol, x, width: width)) { break }
    }
    try decoder.requireComplete()
    #expect(decoder.recoveredCount == m)
    #expect(decoder.edgeCount == edges)
    #expect((decoder.threshold ?? 0) >= m)
    return decoder
  }

  @Test(
    "integer-valued sources are recovered exactly (every value and the sum), m up to 10⁵",
    arguments: [(10, 1), (1000, 3), (100_000, 1)])
  func exactOnIntegers(_ m: Int, _ width: Int) throws {
    var generator = SplitMix64(seed: UInt64(m) + 17)
    // Every intermediate of peeling is a true residual — an integer sum of at most d sources of
    // magnitude ≤ 1000, far below 2⁵³ — so integer data must decode bit-exactly; any wrong
    // peeling step would show here (real data only add rounding, see the next test).
    let x = (0..<m).map { _ in
      (0..<width).map { _ in Double(Int.random(in: -1000...1000, using: &generator)) }
    }
    let decoder = try Self.decode(x, width: width, seed: UInt64(m))
    for s in 0..<m { #expect(decoder.value(ofSource: s).map(Array.init) == x[s], "source \(s)") }
    let truth = (0..<width).map { k in x.reduce(0) { $0 + $1[k] } }
    #expect(decoder.sum == truth)
  }

  /// Peeling is back-substitution with a unit-triangular 0/1 system; with Robust Soliton's small
  /// ripple (S ≈ 7 at m = 1 000) the release chain is deep and the inverse has exponentially
  /// large integer entries, so rounding errors of real values grow with m. Measured here
  /// (x uniform in ±10): worst |error| ≈ 3e-10 at m = 1 000, 2e-4 at 5 000, 2e3 at 20 000 —
  /// the bounds below are those measurements with headroom; Guides/LTCodes.md discusses it.
  @Test(
    "real-valued sources: error to rounding at m ≤ 1 000",
    arguments: [(10, 1, 1e-13), (100, 3, 1e-12), (1000, 2, 1e-7)])
  func realValued(_ m: Int, _ width: Int, _ bound: Double) throws {
    var generator = SplitMix64(seed: UInt64(m))
    let x = (0..<m).map { _ in
      (0..<width).map { _ in Double.random(in: -10..<10, using: &generator) }
    }
    let decoder = try Self.decode(x, width: width, seed: UInt64(m))
    var worst = 0.0
    for s in 0..<m {
      let value = try #require(decoder.value(ofSource: s))
      for k in 0..<width { worst = max(worst, abs(value[value.startIndex + k] - x[s][k])) }
    }
    #expect(worst <= bound, "worst error \(worst)")
    let sum = try #require(decoder.sum)
    let truth = (0..<width).map { k in x.reduce(0) { $0 + $1[k] } }
    #expect(relativeGap(sum, truth) <= bound)
  }

  /// Sources x = k·2⁻⁴⁸ with |k| ≤ 2⁵² (|x| ≤ 16, full 53-bit significands): exact doubles
  /// whose sums are the integers Σk times 2⁻⁴⁸, computed here exactly in Int128 — an
  /// independent reference. A symbol's sum needs up to ~65 bits, more than a double holds, so
  /// plain double symbol values are rounded and peeling amplifies that rounding; given the exact
  /// sum as a double-double (hi = Σk rounded, lo = the rest), the decoder's double-double
  /// residuals must recover every source bit-exactly and the sum to one rounding of the exact
  /// value, whatever the chain depth.
  @Test(
    "double-double symbol values: every source bit-exact and the sum correctly rounded",
    arguments: [1000, 30_000])
  func exactDoubleDouble(_ m: Int) throws {
    var generator = SplitMix64(seed: UInt64(m) + 5)
    let k = (0..<m).map { _ in Int64.random(in: -(1 << 52)...(1 << 52), using: &generator) }
    func doubleDouble(_ n: Int128) -> (hi: Double, lo: Double) {
      let hi = Double(n)
      return (hi * 0x1p-48, Double(n - Int128(hi)) * 0x1p-48)
    }
    var draws = SplitMix64(seed: UInt64(m))
    var symbols = try LTCode(functionCount: m).makeSymbolGenerator()
    var exact = LTPeelingDecoder(sourceCount: m, valueWidth: 1)
    var plain = LTPeelingDecoder(sourceCount: m, valueWidth: 1)
    while !exact.isComplete {
      let symbol = symbols.next(using: &draws)
      let value = doubleDouble(symbol.reduce(Int128(0)) { $0 + Int128(k[Int($1)]) })
      try exact.consume(sources: symbol, values: [value.hi], lowParts: [value.lo])
      try plain.consume(sources: symbol, values: [value.hi])
    }
    #expect(plain.isComplete && plain.threshold == exact.threshold)
    var wrong = 0
    var plainWorst = 0.0
    for s in 0..<m {
      let x = Double(k[s]) * 0x1p-48
      if exact.value(ofSource: s)?.first != x || exact.lowParts(ofSource: s)?.first != 0 {
        wrong += 1
      }
      plainWorst = max(plainWorst, abs((plain.value(ofSource: s)?.first ?? .infinity) - x))
    }
    #expect(wrong == 0)
    #expect(exact.sum == [doubleDouble(k.reduce(Int128(0)) { $0 + Int128($1) }).hi])
    // The contrast (measured): rounded symbol values lose ~1e-11 (m = 1 000) and ~1e18
    // (m = 30 000) in the worst source.
    #expect(plainWorst > (m >= 10_000 ? 1 : 1e-14), "plain doubles: worst error \(plainWorst)")
  }

  @Test(
    "the batch path gives the same M′, edges, recovered set and generator state as one at a time",
    arguments: [1, 10, 100, 1000, 5000])
  func batchMatchesOneAtATime(_ m: Int) throws {
    let code = try LTCode(functionCount: m)
    for seed in 0..<UInt64(m >= 1000 ? 4 : 40) {
      for mode in [LTDecodingMode.full, .sum] {
        // ltDecode: the first m′ + 16·S symbols as one batch (structure-only fast path in full
        // mode), then one at a time.
        var a = SplitMix64(seed: seed)
        let batch = try ltDecode(code: code, mode: mode, using: &a)
        var b = SplitMix64(seed: seed)
        var symbols = code.makeSymbolGenerator()
        var one = LTPeelingDecoder(sourceCount: m, mode: mode)
        while !one.isComplete { try one.consume(sources: symbols.next(using: &b)) }
        #expect(batch.threshold == one.threshold, "m \(m) seed \(seed) \(mode)")
        #expect(batch.edgeCount == one.edgeCount && batch.completedBySpan == one.completedBySpan)
        #expect(batch.recoveredCount == one.recoveredCount)
        #expect((0..<m).allSatisfy { batch.isRecovered($0) == one.isRecovered($0) })
        #expect(a == b, "the generator must end just past the symbols consumed")
      }
    }
  }

  @Test("a batch with values decodes exactly like one at a time; a bad batch throws")
  func batchWithValues() throws {
    let m = 2000
    var generator = SplitMix64(seed: 8)
    // Integers: every residual exact, so the result cannot depend on the order of the strips
    // (which differs between the paths); real data would differ by rounding.
    let x = (0..<m).map { _ in [Double(Int.random(in: -1000...1000, using: &generator))] }
    var symbols = try LTCode(functionCount: m).makeSymbolGenerator()
    var batch = LTSymbolBatch()
    for _ in 0..<(m + m / 2) { symbols.append(to: &batch, using: &generator) }
    let values = (0..<batch.count).flatMap { Self.values(of: batch[$0], x, width: 1) }
    var whole = LTPeelingDecoder(sourceCount: m, valueWidth: 1)
    let used = try whole.consume(batch, values: values[...])
    var one = LTPeelingDecoder(sourceCount: m, valueWidth: 1)
    for k in 0..<batch.count where !one.isComplete {
      try one.consume(sources: batch[k], values: [values[k]])
    }
    #expect(whole.isComplete && used == whole.threshold && used == one.threshold)
    #expect((0..<m).allSatisfy { whole.value(ofSource: $0).map(Array.init) == x[$0] })
    #expect((0..<m).allSatisfy { one.value(ofSource: $0).map(Array.init) == x[$0] })
    #expect(whole.sum == [x.reduce(0) { $0 + $1[0] }] && whole.sum == one.sum)
    var bad = LTSymbolBatch()
    bad.append([0, 1] as [Int32])
    bad.append([3, 3] as [Int32])
    var decoder = LTPeelingDecoder(sourceCount: 4)
    #expect(throws: LTError.self) { try decoder.consume(bad) }
    #expect(decoder.symbolsConsumed == 0)
  }

  @Test("a stream that ends early reports symbols seen and sources missing")
  func streamEnded() throws {
    var decoder = LTPeelingDecoder(sourceCount: 4)
    try decoder.consume(sources: [0, 1] as [Int32])
    try decoder.consume(sources: [2] as [Int32])
    #expect(throws: LTError.streamEnded(symbolsSeen: 2, sourcesMissing: 3)) {
      try decoder.requireComplete()
    }
  }

  @Test("bad symbols throw and leave the decoder unchanged")
  func badSymbols() throws {
    var decoder = LTPeelingDecoder(sourceCount: 4, valueWidth: 2)
    #expect(throws: LTError.self) {
      try decoder.consume(sources: [0, 4] as [Int32], values: [1.0, 2])
    }
    #expect(throws: LTError.self) {
      try decoder.consume(sources: [-1] as [Int32], values: [1.0, 2])
    }
    #expect(throws: LTError.self) {
      try decoder.consume(sources: [1, 1] as [Int32], values: [1.0, 2])
    }
    #expect(throws: LTError.shapeMismatch(expected: 2, actual: 1)) {
      try decoder.consume(sources: [1] as [Int32], values: [1.0])
    }
    #expect(decoder.symbolsConsumed == 0)
    #expect(decoder.edgeCount == 0)
    try decoder.consume(sources: [1] as [Int32], values: [1.0, 2])
    #expect(decoder.value(ofSource: 1) == [1, 2])
  }

  // MARK: - Sum recovery against an independent rank computation

  /// rank of integer rows by Gaussian elimination over exact fractions (recomputed from scratch).
  static func rank(_ rows: [[Int]]) -> Int {
    var a = rows.map { $0.map { ExactFraction($0) } }
    guard let columns = a.first?.count else { return 0 }
    var rank = 0
    for column in 0..<columns {
      guard let pivot = (rank..<a.count).first(where: { a[$0][column].n != 0 }) else { continue }
      a.swapAt(rank, pivot)
      for i in 0..<a.count where i != rank && a[i][column].n != 0 {
        let factor = a[i][column].dividedBy(a[rank][column])
        for j in 0..<columns { a[i][j] = a[i][j].minus(factor.times(a[rank][j])) }
      }
      rank += 1
    }
    return rank
  }

  /// Whether the all-ones vector is in the row span: rank([A; 1]) == rank(A).
  static func onesInSpan(_ rows: [[Int]], columns: Int) -> Bool {
    rank(rows + [[Int](repeating: 1, count: columns)]) == rank(rows)
  }

  @Test("sum recovery completes exactly when 1 enters the span (rank check on 2 000 small streams)")
  func sumRecoveryMatchesRank() throws {
    var generator = SplitMix64(seed: 2024)
    var spanCompletions = 0
    for trial in 0..<2000 {
      let m = 2 + trial % 9  // 2…10 sources
      // Mix LT symbols with arbitrary random subsets (which peel less and test the span more).
      var symbols = try LTCode(functionCount: m).makeSymbolGenerator()
      let x = (0..<m).map { _ in [Double.random(in: -1..<1, using: &generator)] }
      var decoder = LTPeelingDecoder(sourceCount: m, valueWidth: 1, mode: .sum, spanColumnLimit: m)
      var rows: [[Int]] = []
      for _ in 0..<(3 * m) {
        var symbol: [Int32]
        if trial % 2 == 0 {
          symbol = symbols.next(using: &generator)
        } else {
          let size = Int.random(in: 2...max(2, m - 1), using: &generator)
          symbol = Array((0..<Int32(m)).shuffled(using: &generator).prefix(size))
        }
        var row = [Int](repeating: 0, count: m)
        for s in symbol { row[Int(s)] = 1 }
        rows.append(row)
        let complete = try decoder.consume(
          sources: symbol, values: Self.values(of: symbol, x, width: 1))
        let truth = Self.onesInSpan(rows, columns: m)
        #expect(complete == truth, "trial \(trial) after \(rows.count) symbols: rows \(rows)")
        if complete != truth { return }
        if complete {
          if decoder.completedBySpan { spanCompletions += 1 }
          let sum = try #require(decoder.sum)
          let expected = x.reduce(0) { $0 + $1[0] }
          #expect(abs(sum[0] - expected) <= 1e-12, "trial \(trial)")
          break
        }
      }
    }
    // The span path must actually be exercised, not just peeling.
    #expect(spanCompletions > 200, "only \(spanCompletions) completions through the span test")
    #expect(spanCompletions < 2000)
  }

  @Test("two disjoint halves give the sum at once without recovering any source")
  func halves() throws {
    var decoder = LTPeelingDecoder(sourceCount: 4, valueWidth: 2, mode: .sum)
    #expect(try !decoder.consume(sources: [0, 2] as [Int32], values: [1.5, -1]))
    #expect(try decoder.consume(sources: [3, 1] as [Int32], values: [2.0, 4]))
    #expect(decoder.completedBySpan)
    #expect(decoder.recoveredCount == 0)
    #expect(decoder.sum == [3.5, 3])
    #expect(decoder.threshold == 2)
  }
}

/// A fraction n/d in lowest terms, d > 0 (small test matrices only: no overflow checks).
private struct ExactFraction {
  var n: Int
  var d: Int
  init(_ n: Int, _ d: Int = 1) {
    var g = abs(n)
    var h = abs(d)
    while h != 0 { (g, h) = (h, g % h) }
    g = max(g, 1)
    self.n = (d < 0 ? -n : n) / g
    self.d = abs(d) / g
  }
  func minus(_ b: ExactFraction) -> ExactFraction { ExactFraction(n * b.d - b.n * d, d * b.d) }
  func times(_ b: ExactFraction) -> ExactFraction { ExactFraction(n * b.n, d * b.d) }
  func dividedBy(_ b: ExactFraction) -> ExactFraction { ExactFraction(n * b.d, d * b.n) }
}
