/// What an ``LTPeelingDecoder`` must recover before it reports completion.
public enum LTDecodingMode: String, Sendable, Hashable, CaseIterable {
  /// Every source.
  case full
  /// Only the sum of all sources: complete as soon as the all-ones vector lies in the span of the
  /// symbols that arrived (which may be before every source is known).
  case sum
}

/// A peeling (belief-propagation) decoder for LT codes that consumes symbols one at a time, in
/// arrival order (Luby 2002), and reports the decoding threshold M′ — the number of symbols
/// consumed when it completes.
///
/// Each arriving symbol is stripped of the sources already known; a residual of degree 1 enters
/// the *ripple*; releasing a ripple symbol recovers its last source, which is stripped from every
/// symbol holding it, possibly releasing more. Each edge (symbol, source) is touched O(1) times,
/// so decoding is linear in the number of edges. The last unknown source of a degree-1 residual
/// is found in O(1) as the XOR of its unknown source indices. Per source, per edge and per symbol
/// the decoder keeps one 8-byte record each (plus the values), and a source's symbols sit in an
/// unrolled list of 6-symbol nodes, so peeling chases one pointer per 6 edges.
///
/// In ``LTDecodingMode/sum`` mode the decoder also completes when the all-ones vector is in the
/// span of the symbols so far (Mallick, Smith & Joshi 2021 stop when the sum is recoverable).
/// The test is exact: with U₀ the unknown sources at some moment, 1 ∈ span(symbols) ⇔
/// 1_{U₀} ∈ span(residual rows on U₀ and the unit vectors of the sources peeled since), because
/// every peeled source's unit vector lies in the span. Nothing can succeed before every source
/// has appeared in some symbol (a source in no symbol keeps 1 out of the span), so the tracker
/// starts once that holds and at most ``spanColumnLimit`` sources are unknown: an echelon basis
/// over U₀ built by fraction-free integer elimination (row operations with gcd normalisation,
/// overflow-checked), then extended by each new residual row and each newly peeled unit vector.
/// If a 64-bit integer overflows, the tracker is dropped and rebuilt once fewer than ¾ as many
/// sources are unknown; in between a span completion can be missed (decoding then completes
/// later, by peeling or by the rebuilt tracker), but the decoder never claims a sum it has not
/// certified exactly. So the stopping time is exactly the first symbol after which 1 ∈ span
/// whenever that happens with at most ``spanColumnLimit`` sources unknown and no overflow
/// pending; Guides/LTCodes.md measures how often the limit and overflows matter, and the cost.
///
/// Values: each symbol carries `valueWidth` numbers (a gradient, an output vector; 1 for A·x;
/// 0 to study thresholds only); recovered values equal the sources to rounding.
///
/// ```swift
/// var decoder = LTPeelingDecoder(sourceCount: 3, valueWidth: 1)
/// try decoder.consume(sources: [0, 1], values: [3])   // x0 + x1 = 3
/// try decoder.consume(sources: [1], values: [2])      // x1 = 2 → x0 = 1
/// try decoder.consume(sources: [1, 2], values: [7])   // x2 = 5; complete
/// decoder.isComplete    // true; decoder.threshold == 3; decoder.sum == [8]
/// ```
public struct LTPeelingDecoder: Sendable {
  /// m′, the number of sources.
  public let sourceCount: Int
  /// The number of values per symbol (0: structure only).
  public let valueWidth: Int
  /// Full or sum recovery.
  public let mode: LTDecodingMode
  /// The largest |U| for which the sum-mode span test runs (dense integer rows of |U| entries).
  public let spanColumnLimit: Int
  /// The number of symbols consumed so far.
  public private(set) var symbolsConsumed = 0
  /// The number of sources recovered by peeling.
  public private(set) var recoveredCount = 0
  /// The number of edges consumed (Σ degrees of the consumed symbols).
  public private(set) var edgeCount = 0
  /// True once the mode's goal is reached; further symbols are ignored.
  public private(set) var isComplete = false
  /// True when sum recovery completed through the span test before every source was known.
  public private(set) var completedBySpan = false
  /// How many times the span tracker was built (more than once only after overflows).
  public private(set) var spanBuilds = 0
  /// Span tests abandoned because an integer overflowed (conservative: no claim).
  public private(set) var spanOverflows = 0

  /// Per source, one 8-byte record (one cache line visit per access): the head of its edge list
  /// (−1: in no symbol yet; ``_recovered``: recovered) and the duplicate-check stamp.
  struct _Source: Sendable {
    var head: Int32 = -1
    var stamp: UInt32 = 0
  }
  /// Edges are kept per source in an unrolled linked list of 32-byte nodes in `_nodes`
  /// (stride 8 `Int32`s: next node, count, then up to 6 symbols), so walking a source's ~E[d]·M′/m
  /// symbols chases a pointer once per 6 edges instead of once per edge and the symbol loads of
  /// one node can overlap.
  static let _nodeStride = 8
  static let _nodeCapacity = 6
  /// Per symbol: its residual degree and the XOR of its unknown sources (8 bytes); at degree 1
  /// the XOR is the last unknown source.
  struct _Symbol: Sendable {
    var degree: Int32
    var xor: UInt32
  }
  static let _recovered: Int32 = -2

  var _sources: [_Source]
  var _sourceValues: [Double]
  var _stampEpoch: UInt32 = 0
  var _unseen: Int
  var _nodes: [Int32] = []
  var _symbols: [_Symbol] = []
  var _symbolValues: [Double] = []
  var _ripple: [Int32] = []
  var _span: _SpanTracker?
  var _spanBaseSum: [Double] = []
  var _spanSynced = 0
  var _spanRetryBelow = Int.max
  var _recoveredOrder: [Int32] = []
  var _column: [Int32] = []

  /// - Parameters:
  ///   - sourceCount: m′ ≥ 1 (at most 2³¹ − 1).
  ///   - valueWidth: values per symbol, ≥ 0.
  ///   - mode: ``LTDecodingMode/full`` (default) or ``LTDecodingMode/sum``.
  ///   - spanColumnLimit: sum mode only: start the span test once at most this many sources are
  ///     unknown (default 256; memory ≤ 16·limit² bytes; ≥ m′ makes sum recovery exact from the
  ///     first symbol).
  /// - Precondition: the sizes are in range (``LTCode`` and the CLI check them first).
  /// - Complexity: O(m′·(1 + valueWidth)) memory, allocated here.
  public init(
    sourceCount: Int, valueWidth: Int = 0, mode: LTDecodingMode = .full,
    spanColumnLimit: Int = 256
  ) {
    precondition(sourceCount >= 1 && sourceCount <= Int(Int32.max), "m′ must be in 1…2³¹−1")
    precondition(valueWidth >= 0, "the value width must be non-negative")
    precondition(spanColumnLimit >= 0, "the span column limit must be non-negative")
    self.sourceCount = sourceCount
    self.valueWidth = valueWidth
    self.mode = mode
    self.spanColumnLimit = spanColumnLimit
    _sources = [_Source](repeating: _Source(), count: sourceCount)
    _sourceValues = [Double](repeating: 0, count: sourceCount * valueWidth)
    _unseen = sourceCount
  }

  /// The decoding threshold M′ (symbols consumed at completion), or nil while incomplete.
  public var threshold: Int? { isComplete ? symbolsConsumed : nil }

  /// The number of sources not yet recovered by peeling.
  public var missingCount: Int { sourceCount - recoveredCount }

  /// Reserves storage for about `symbols` symbols with `edges` edges in total.
  public mutating func reserveCapacity(symbols: Int, edges: Int) {
    _symbols.reserveCapacity(symbols)
    _symbolValues.reserveCapacity(symbols * valueWidth)
    _nodes.reserveCapacity(edges / 4 * Self._nodeStride)
  }

  /// Whether source `s` has been recovered by peeling.
  public func isRecovered(_ source: Int) -> Bool { _isKnown(source) }

  @inline(__always)
  func _isKnown(_ source: Int) -> Bool { _sources[source].head == Self._recovered }

  /// Source s's value (`valueWidth` numbers), or nil while unknown.
  public func value(ofSource source: Int) -> ArraySlice<Double>? {
    guard _isKnown(source) else { return nil }
    return _sourceValues[(source * valueWidth)..<((source + 1) * valueWidth)]
  }

  /// Consumes the next symbol in arrival order.
  ///
  /// - Parameters:
  ///   - sources: the symbol's distinct sources, each in 0..<m′.
  ///   - values: its `valueWidth` values (the sum of its sources' values); may be empty when
  ///     `valueWidth` is 0.
  /// - Returns: whether decoding is complete (then ``threshold`` is M′). A symbol arriving
  ///   after completion is ignored.
  /// - Throws: ``LTError/invalidSymbol(_:)`` for a source out of range or repeated;
  ///   ``LTError/shapeMismatch(expected:actual:)`` for the wrong number of values. The decoder
  ///   is unchanged when it throws.
  /// - Complexity: amortised O(edges released · (1 + valueWidth)): linear in edges over a whole
  ///   decode; plus, in sum mode, the span test (see the type's discussion).
  @discardableResult
  public mutating func consume(
    sources: some Collection<Int32>, values: some Collection<Double>
  ) throws(LTError) -> Bool {
    try _consume(sources: sources, values: values)
  }

  @inline(__always)
  mutating func _consume(
    sources: some Collection<Int32>, values: some Collection<Double>
  ) throws(LTError) -> Bool {
    if isComplete { return true }
    guard values.count == valueWidth else {
      throw .shapeMismatch(expected: valueWidth, actual: values.count)
    }
    if _stampEpoch == UInt32.max {
      for i in _sources.indices { _sources[i].stamp = 0 }
      _stampEpoch = 0
    }
    _stampEpoch += 1
    let epoch = _stampEpoch
    for source in sources {
      guard source >= 0, Int(source) < sourceCount else {
        throw .invalidSymbol("source \(source) is not in 0..<\(sourceCount)")
      }
      guard _sources[Int(source)].stamp != epoch else {
        throw .invalidSymbol("source \(source) appears twice in one symbol")
      }
      _sources[Int(source)].stamp = epoch
    }
    let symbol = Int32(_symbols.count)
    let base = _symbolValues.count
    _symbolValues.append(contentsOf: values)
    var degree: Int32 = 0
    var xor: UInt32 = 0
    for source in sources {
      let s = Int(source)
      let head = _sources[s].head
      if head == Self._recovered {
        for k in 0..<valueWidth { _symbolValues[base + k] -= _sourceValues[s * valueWidth + k] }
      } else {
        degree += 1
        xor ^= UInt32(source)
        if head == -1 { _unseen -= 1 }
        _append(symbol: symbol, toSource: s, head: head)
      }
    }
    _symbols.append(_Symbol(degree: degree, xor: xor))
    symbolsConsumed += 1
    edgeCount += sources.count
    if degree == 1 {
      _ripple.append(symbol)
      _peel()
    }
    if recoveredCount == sourceCount {
      isComplete = true
    } else if mode == .sum, _unseen == 0 {
      _spanTest(newSymbol: Int(symbol), sources: sources)
    }
    return isComplete
  }

  /// Consumes the next symbol (sources and values as arrays): the non-generic entry point.
  @discardableResult
  public mutating func consume(sources: [Int32], values: [Double] = []) throws(LTError) -> Bool {
    try consume(sources: sources[...], values: values[...])
  }

  /// Consumes the next symbol (sources and values as array slices): the non-generic entry point
  /// that callers in other modules reach without generic dispatch.
  @discardableResult
  public mutating func consume(sources: ArraySlice<Int32>, values: ArraySlice<Double> = [])
    throws(LTError) -> Bool
  {
    try _consume(sources: sources, values: values)
  }

  /// Consumes symbol k of a batch (values: `valueWidth` numbers per symbol, symbol-major).
  @discardableResult
  public mutating func consume(
    _ batch: LTSymbolBatch, symbol k: Int, values: ArraySlice<Double> = []
  ) throws(LTError) -> Bool {
    try consume(sources: batch[k], values: values)
  }

  /// Throws unless decoding is complete: the way a caller reports a stream that ended early.
  ///
  /// - Throws: ``LTError/streamEnded(symbolsSeen:sourcesMissing:)`` with the symbols consumed and
  ///   the sources still unknown.
  public func requireComplete() throws(LTError) {
    guard isComplete else {
      throw .streamEnded(symbolsSeen: symbolsConsumed, sourcesMissing: missingCount)
    }
  }

  /// Adds an edge to source s's list (head ≥ 0: its first node; −1: none yet).
  @inline(__always)
  mutating func _append(symbol: Int32, toSource s: Int, head: Int32) {
    if head >= 0 {
      let base = Int(head) * Self._nodeStride
      let count = Int(_nodes[base + 1])
      if count < Self._nodeCapacity {
        _nodes[base + 2 + count] = symbol
        _nodes[base + 1] = Int32(count + 1)
        return
      }
    }
    let node = Int32(_nodes.count / Self._nodeStride)
    _nodes.append(head)
    _nodes.append(1)
    _nodes.append(symbol)
    for _ in 1..<Self._nodeCapacity { _nodes.append(0) }
    _sources[s].head = node
  }

  /// The symbols on source s's list (test and span-build path; the peeling loop is inlined).
  func _symbols(of s: Int) -> [Int32] {
    var result: [Int32] = []
    var node = _sources[s].head
    while node >= 0 {
      let base = Int(node) * Self._nodeStride
      for i in 0..<Int(_nodes[base + 1]) { result.append(_nodes[base + 2 + i]) }
      node = _nodes[base]
    }
    return result
  }

  /// Releases the ripple until it is empty.
  mutating func _peel() {
    let width = valueWidth
    while let symbol = _ripple.popLast() {
      let e = Int(symbol)
      guard _symbols[e].degree == 1 else { continue }
      let s = Int(_symbols[e].xor)
      recoveredCount += 1
      if mode == .sum { _recoveredOrder.append(Int32(s)) }
      for k in 0..<width { _sourceValues[s * width + k] = _symbolValues[e * width + k] }
      var node = _sources[s].head
      _sources[s].head = Self._recovered
      while node >= 0 {
        let base = Int(node) * Self._nodeStride
        let count = Int(_nodes[base + 1])
        for i in 0..<count {
          let f = Int(_nodes[base + 2 + i])
          if _symbols[f].degree > 0 {
            _symbols[f].degree -= 1
            _symbols[f].xor ^= UInt32(s)
            for k in 0..<width { _symbolValues[f * width + k] -= _sourceValues[s * width + k] }
            if _symbols[f].degree == 1 { _ripple.append(Int32(f)) }
          }
        }
        node = _nodes[base]
      }
    }
  }

  /// The sum of all sources (`valueWidth` numbers), or nil until it is known: after full
  /// recovery, Σ of the recovered values; after sum recovery by the span test, Σ of the recovered
  /// values plus the certified combination of the residual symbols.
  ///
  /// - Complexity: O(m′·valueWidth).
  public var sum: [Double]? {
    guard isComplete else { return nil }
    if completedBySpan, let span = _span, let residual = span.certifiedSum {
      return zip(_spanBaseSum, residual).map { $0 + $1 }
    }
    var total = [Double](repeating: 0, count: valueWidth)
    for s in 0..<sourceCount where _isKnown(s) {
      for k in 0..<valueWidth { total[k] += _sourceValues[s * valueWidth + k] }
    }
    return total
  }

  /// The sum-mode span test. The first time every source has appeared and at most
  /// ``spanColumnLimit`` are unknown, the tracker is built over the unknown set U₀ from every
  /// live residual row; afterwards each new residual row, and the unit vector of each source
  /// that peeling recovers, is added incrementally (no rebuilds unless an integer overflows).
  mutating func _spanTest(newSymbol e: Int, sources: some Collection<Int32>) {
    let unknownCount = sourceCount - recoveredCount
    if var span = _span {
      _span = nil  // keep the tracker's storage uniquely referenced while it grows
      let columns = span.columns
      if _symbols[e].degree >= 2 {
        var row = [Int](repeating: 0, count: columns)
        for source in sources where !_isKnown(Int(source)) {
          row[Int(_column[Int(source)])] = 1
        }
        span.add(row: row, values: _residualValues(of: e))
      }
      while _spanSynced < _recoveredOrder.count, !span.overflowed, !span.isTargetReached {
        let s = Int(_recoveredOrder[_spanSynced])
        _spanSynced += 1
        var row = [Int](repeating: 0, count: columns)
        row[Int(_column[s])] = 1
        span.add(row: row, values: _sourceValues[(s * valueWidth)..<((s + 1) * valueWidth)])
      }
      if span.overflowed {
        _abandonSpan(unknownCount: unknownCount)
      } else {
        _span = span
      }
    } else {
      guard unknownCount <= spanColumnLimit, unknownCount < _spanRetryBelow else { return }
      _buildSpan()
      if _span?.overflowed == true { _abandonSpan(unknownCount: unknownCount) }
    }
    if let span = _span, span.isTargetReached {
      isComplete = true
      completedBySpan = true
    }
  }

  func _residualValues(of e: Int) -> ArraySlice<Double> {
    _symbolValues[(e * valueWidth)..<((e + 1) * valueWidth)]
  }

  /// Drops a tracker whose integers overflowed; a new one is built once fewer than ¾ of the
  /// sources unknown now remain unknown (smaller systems have smaller integers).
  mutating func _abandonSpan(unknownCount: Int) {
    spanOverflows += 1
    _span = nil
    _spanRetryBelow = unknownCount * 3 / 4
  }

  /// Builds the echelon basis over the current unknown set U₀ from every live residual symbol.
  mutating func _buildSpan() {
    spanBuilds += 1
    let unknowns = (0..<Int32(sourceCount)).filter { !_isKnown(Int($0)) }
    _column = [Int32](repeating: -1, count: sourceCount)
    for (c, u) in unknowns.enumerated() { _column[Int(u)] = Int32(c) }
    var base = [Double](repeating: 0, count: valueWidth)
    for s in 0..<sourceCount where _isKnown(s) {
      for k in 0..<valueWidth { base[k] += _sourceValues[s * valueWidth + k] }
    }
    _spanBaseSum = base
    _spanSynced = _recoveredOrder.count
    var rowOfSymbol: [Int32: Int] = [:]
    var rows: [[Int]] = []
    var symbols: [Int] = []
    for u in unknowns {
      for f in _symbols(of: Int(u)) {
        let slot: Int
        if let existing = rowOfSymbol[f] {
          slot = existing
        } else {
          slot = rows.count
          rowOfSymbol[f] = slot
          rows.append([Int](repeating: 0, count: unknowns.count))
          symbols.append(Int(f))
        }
        rows[slot][Int(_column[Int(u)])] = 1
      }
    }
    var span = _SpanTracker(columns: unknowns.count, width: valueWidth)
    // Oldest symbols first, so the basis is reproducible.
    for slot in symbols.indices.sorted(by: { symbols[$0] < symbols[$1] }) {
      span.add(row: rows[slot], values: _residualValues(of: symbols[slot]))
      if span.overflowed || span.isTargetReached { break }
    }
    _span = span
  }
}
