internal import CKernels

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
/// is found in O(1) as the XOR of its unknown source indices, kept with the residual degree in one
/// 8-byte record per symbol; per source the decoder keeps one byte. Symbols consumed one at a
/// time are listed per source in unrolled lists of 6-symbol nodes (one pointer per 6 edges); a
/// batch (``consume(_:values:lowParts:)``) gets a counting-sorted incidence instead, and without
/// values in full mode its records are set up front so that an arrival costs O(1).
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
/// If a 128-bit integer overflows, the tracker is dropped and rebuilt once fewer than ¾ as many
/// sources are unknown; in between a span completion can be missed (decoding then completes
/// later, by peeling or by the rebuilt tracker), but the decoder never claims a sum it has not
/// certified exactly. So the stopping time is exactly the first symbol after which 1 ∈ span
/// whenever that happens with at most ``spanColumnLimit`` sources unknown and no overflow
/// pending; Guides/LTCodes.md measures how often the limit and overflows matter, and the cost.
///
/// Values: each symbol carries `valueWidth` numbers (a gradient, an output vector; 1 for A·x;
/// 0 to study thresholds only), optionally with low parts (a double-double value). Residuals and
/// recovered values are double-double, updated by error-free transformations: when every residual
/// fits in 106 bits (given exact double-double symbol sums, as ``LTSumProducer`` sends), each
/// source is recovered exactly whatever the depth of the release chain; plain double symbol
/// values carry their rounding, which peeling amplifies (Guides/LTCodes.md).
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

  /// Per source, one byte: in no symbol yet, seen, or recovered (1 MB at m′ = 10⁶, so the
  /// arrival test of every edge stays in cache).
  static let _unseen: UInt8 = 0
  static let _seen: UInt8 = 1
  static let _known: UInt8 = 2
  /// Edges of symbols consumed one at a time are kept per source in an unrolled linked list of
  /// 32-byte nodes in `_nodes` (stride 8 `Int32`s: next node, count, then up to 6 symbols), so
  /// walking a source's symbols chases a pointer once per 6 edges.
  static let _nodeStride = 8
  static let _nodeCapacity = 6
  /// Degrees up to this are checked for repeated sources pairwise, larger ones with a bitmap.
  static let _pairwiseLimit = 16
  /// Per symbol: its residual degree and the XOR of its unknown sources (8 bytes); at degree 1
  /// the XOR is the last unknown source.
  struct _Symbol: Sendable {
    var degree: Int32
    var xor: UInt32
  }

  var _state: [UInt8]
  var _unseenCount: Int
  /// Per source: the head of its node list (−1: none); allocated on the first single symbol.
  var _heads: [Int32] = []
  var _nodes: [Int32] = []
  /// Duplicate check for large degrees: one bit per source (allocated on first use), cleared
  /// after each symbol.
  var _seenBits: [UInt64] = []
  /// Batches consumed through ``consume(_:values:lowParts:)``: batch b's source → symbol
  /// incidence in compressed-row form — source s's symbols (global indices, ascending) are
  /// `_batchSymbols[_batchBase[b] + o[s] ..< _batchBase[b] + o[s + 1]]` with
  /// o = `_batchOffsets[b·(m′+1) ..< (b+1)·(m′+1)]`, built by a counting sort.
  var _batchBase: [Int] = []
  var _batchOffsets: [Int32] = []
  var _batchSymbols: [Int32] = []
  var _symbols: [_Symbol] = []
  /// Residual values of the symbols, double-double (hi, lo), `valueWidth` each.
  var _symbolValues: [Double] = []
  var _symbolLows: [Double] = []
  /// Recovered source values, double-double.
  var _sourceValues: [Double]
  var _sourceLows: [Double]
  var _ripple: [Int32] = []
  var _span: _SpanTracker?
  var _spanBaseSum: [Double] = []
  var _spanBaseLow: [Double] = []
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
    _state = [UInt8](repeating: Self._unseen, count: sourceCount)
    _sourceValues = [Double](repeating: 0, count: sourceCount * valueWidth)
    _sourceLows = _sourceValues
    _unseenCount = sourceCount
  }

  /// The decoding threshold M′ (symbols consumed at completion), or nil while incomplete.
  public var threshold: Int? { isComplete ? symbolsConsumed : nil }

  /// The number of sources not yet recovered by peeling.
  public var missingCount: Int { sourceCount - recoveredCount }

  /// Reserves storage for about `symbols` symbols with `edges` edges in total.
  public mutating func reserveCapacity(symbols: Int, edges: Int) {
    _symbols.reserveCapacity(symbols)
    _symbolValues.reserveCapacity(symbols * valueWidth)
    _symbolLows.reserveCapacity(symbols * valueWidth)
    _nodes.reserveCapacity(edges / 4 * Self._nodeStride)
  }

  /// Whether source `s` has been recovered by peeling.
  public func isRecovered(_ source: Int) -> Bool { _isKnown(source) }

  @inline(__always)
  func _isKnown(_ source: Int) -> Bool { _state[source] == Self._known }

  /// Source s's value (`valueWidth` numbers), or nil while unknown.
  ///
  /// The decoder keeps values as double-double (``lowParts(ofSource:)`` is the low part); this is
  /// the high part, the value rounded to a double.
  public func value(ofSource source: Int) -> ArraySlice<Double>? {
    guard _isKnown(source) else { return nil }
    return _sourceValues[(source * valueWidth)..<((source + 1) * valueWidth)]
  }

  /// The low parts of source s's double-double value (value + low part = what the decoder
  /// computed), or nil while unknown.
  public func lowParts(ofSource source: Int) -> ArraySlice<Double>? {
    guard _isKnown(source) else { return nil }
    return _sourceLows[(source * valueWidth)..<((source + 1) * valueWidth)]
  }

  /// Consumes the next symbol in arrival order.
  ///
  /// - Parameters:
  ///   - sources: the symbol's distinct sources, each in 0..<m′.
  ///   - values: its `valueWidth` values (the sum of its sources' values); may be empty when
  ///     `valueWidth` is 0.
  ///   - lowParts: optional low parts of the values (a double-double symbol value
  ///     values[k] + lowParts[k], e.g. from ``LTSumProducer``, which sums without rounding);
  ///     empty means 0.
  /// - Returns: whether decoding is complete (then ``threshold`` is M′). A symbol arriving
  ///   after completion is ignored.
  /// - Throws: ``LTError/invalidSymbol(_:)`` for a source out of range or repeated;
  ///   ``LTError/shapeMismatch(expected:actual:)`` for the wrong number of values. The decoder
  ///   is unchanged when it throws.
  /// - Complexity: amortised O(edges released · (1 + valueWidth)): linear in edges over a whole
  ///   decode; plus, in sum mode, the span test (see the type's discussion).
  @discardableResult
  public mutating func consume(
    sources: some Collection<Int32>, values: some Collection<Double>,
    lowParts: some Collection<Double> = [Double]()
  ) throws(LTError) -> Bool {
    try _consume(sources: sources, values: values, lowParts: lowParts)
  }

  /// Consumes the next symbol (sources and values as arrays): the non-generic entry point.
  @discardableResult
  public mutating func consume(
    sources: [Int32], values: [Double] = [], lowParts: [Double] = []
  ) throws(LTError) -> Bool {
    try _consume(sources: sources[...], values: values[...], lowParts: lowParts[...])
  }

  /// Consumes the next symbol (sources and values as array slices): the non-generic entry point
  /// that callers in other modules reach without generic dispatch.
  @discardableResult
  public mutating func consume(
    sources: ArraySlice<Int32>, values: ArraySlice<Double> = [], lowParts: ArraySlice<Double> = []
  ) throws(LTError) -> Bool {
    try _consume(sources: sources, values: values, lowParts: lowParts)
  }

  /// Consumes symbol k of a batch (values: `valueWidth` numbers per symbol, symbol-major).
  @discardableResult
  public mutating func consume(
    _ batch: LTSymbolBatch, symbol k: Int, values: ArraySlice<Double> = []
  ) throws(LTError) -> Bool {
    try consume(sources: batch[k], values: values)
  }

  /// Checks a symbol's sources: in range and distinct.
  @inline(__always)
  mutating func _validate(_ sources: some Collection<Int32>) throws(LTError) {
    let m = sourceCount
    for source in sources where source < 0 || Int(source) >= m {
      throw .invalidSymbol("source \(source) is not in 0..<\(m)")
    }
    let d = sources.count
    if d <= 1 { return }
    if d <= Self._pairwiseLimit {
      var i = sources.startIndex
      while i != sources.endIndex {
        let a = sources[i]
        var j = sources.index(after: i)
        while j != sources.endIndex {
          if sources[j] == a { throw .invalidSymbol("source \(a) appears twice in one symbol") }
          j = sources.index(after: j)
        }
        i = sources.index(after: i)
      }
      return
    }
    if _seenBits.isEmpty { _seenBits = [UInt64](repeating: 0, count: m / 64 + 1) }
    var repeated: Int32? = nil
    for source in sources {
      let word = Int(source) >> 6
      let bit: UInt64 = 1 << UInt64(source & 63)
      if _seenBits[word] & bit != 0 {
        repeated = source
        break
      }
      _seenBits[word] |= bit
    }
    for source in sources { _seenBits[Int(source) >> 6] = 0 }
    if let repeated { throw .invalidSymbol("source \(repeated) appears twice in one symbol") }
  }

  @inline(__always)
  mutating func _consume(
    sources: some Collection<Int32>, values: some Collection<Double>,
    lowParts: some Collection<Double>
  ) throws(LTError) -> Bool {
    if isComplete { return true }
    guard values.count == valueWidth else {
      throw .shapeMismatch(expected: valueWidth, actual: values.count)
    }
    guard lowParts.isEmpty || lowParts.count == valueWidth else {
      throw .shapeMismatch(expected: valueWidth, actual: lowParts.count)
    }
    try _validate(sources)
    if _heads.isEmpty { _heads = [Int32](repeating: -1, count: sourceCount) }
    let symbol = Int32(_symbols.count)
    _appendValues(values, lowParts)
    var degree: Int32 = 0
    var xor: UInt32 = 0
    for source in sources
    where _arrivalEdge(source, of: Int(symbol), degree: &degree, xor: &xor) {
      _append(symbol: symbol, toSource: Int(source))
    }
    _arrived(symbol: symbol, degree: degree, xor: xor, edges: sources.count, sources: sources)
    return isComplete
  }

  /// One edge of an arriving symbol: a recovered source is subtracted from the symbol's value;
  /// an unknown one counts in its residual degree and XOR (and is marked seen). Returns whether
  /// the source is unknown (an edge to keep).
  @inline(__always)
  mutating func _arrivalEdge(
    _ source: Int32, of symbol: Int, degree: inout Int32, xor: inout UInt32
  ) -> Bool {
    let s = Int(source)
    let state = _state[s]
    if state == Self._known {
      if valueWidth > 0 { _subtractSource(s, fromSymbol: symbol) }
      return false
    }
    degree += 1
    xor ^= UInt32(source)
    if state == Self._unseen {
      _state[s] = Self._seen
      _unseenCount -= 1
    }
    return true
  }

  @inline(__always)
  mutating func _appendValues(_ values: some Collection<Double>, _ lows: some Collection<Double>) {
    guard valueWidth > 0 else { return }
    _symbolValues.append(contentsOf: values)
    if lows.isEmpty {
      for _ in 0..<valueWidth { _symbolLows.append(0) }
    } else {
      _symbolLows.append(contentsOf: lows)
    }
  }

  /// Residual of symbol e −= source s (double-double).
  @inline(__always)
  mutating func _subtractSource(_ s: Int, fromSymbol e: Int) {
    let width = valueWidth
    for k in 0..<width {
      var hi = _symbolValues[e * width + k]
      var lo = _symbolLows[e * width + k]
      _ddAdd(&hi, &lo, -_sourceValues[s * width + k], -_sourceLows[s * width + k])
      _symbolValues[e * width + k] = hi
      _symbolLows[e * width + k] = lo
    }
  }

  /// Records an arrived symbol's residual degree and XOR, peels, and checks completion.
  @inline(__always)
  mutating func _arrived(
    symbol: Int32, degree: Int32, xor: UInt32, edges: Int, sources: some Collection<Int32>
  ) {
    _symbols.append(_Symbol(degree: degree, xor: xor))
    symbolsConsumed += 1
    edgeCount += edges
    if degree == 1 {
      _ripple.append(symbol)
      _peel(current: Int(symbol))
    }
    if recoveredCount == sourceCount {
      isComplete = true
    } else if mode == .sum, _unseenCount == 0 {
      _spanTest(newSymbol: Int(symbol), sources: sources)
    }
  }

  /// Consumes the symbols of `batch` in order until decoding completes: the fast path when
  /// many symbols are known at once (``ltDecode(code:mode:limit:spanColumnLimit:using:)``, a
  /// fixed-rate stream).
  ///
  /// The result is the same as consuming them one at a time; what changes is the bookkeeping:
  /// the batch's source → symbol incidence is built by one counting sort (sequential reads, each
  /// source's symbols contiguous and ascending), so peeling scans a source's symbols instead of
  /// chasing list nodes. Symbols after the one that completes decoding are not consumed.
  ///
  /// - Parameters:
  ///   - batch: the symbols, in arrival order.
  ///   - values: `valueWidth` values per symbol, symbol-major (empty when `valueWidth` is 0).
  ///   - lowParts: empty, or the low parts of `values` (double-double symbol values).
  /// - Returns: the number of symbols of the batch consumed.
  /// - Throws: ``LTError/invalidSymbol(_:)`` for a bad source in any symbol of the batch,
  ///   ``LTError/shapeMismatch(expected:actual:)`` for the wrong number of values — before
  ///   consuming any symbol (the decoder is unchanged when it throws).
  /// - Complexity: O(m′ + batch edges) to build the incidence, then as the one-at-a-time path.
  @discardableResult
  public mutating func consume(
    _ batch: LTSymbolBatch, values: ArraySlice<Double> = [], lowParts: ArraySlice<Double> = []
  ) throws(LTError) -> Int {
    if isComplete { return 0 }
    let n = batch.count
    guard values.count == n * valueWidth else {
      throw .shapeMismatch(expected: n * valueWidth, actual: values.count)
    }
    guard lowParts.isEmpty || lowParts.count == values.count else {
      throw .shapeMismatch(expected: values.count, actual: lowParts.count)
    }
    for k in 0..<n { try _validate(batch[k]) }
    return try _consumeValidated(batch, values: values, lowParts: lowParts)
  }

  /// ``consume(_:values:lowParts:)`` for a batch known to be valid (drawn by
  /// ``LTSymbolGenerator``; `values` of the right shape).
  mutating func _consumeValidated(
    _ batch: LTSymbolBatch, values: ArraySlice<Double> = [], lowParts: ArraySlice<Double> = []
  ) throws(LTError) -> Int {
    if isComplete { return 0 }
    let n = batch.count
    // A small batch does not pay for an O(m′) incidence: one symbol at a time.
    if n < sourceCount / 8 {
      let w = valueWidth
      for k in 0..<n {
        let v = values.startIndex + k * w
        let lo = lowParts.startIndex + k * w
        let lows = lowParts.isEmpty ? lowParts : lowParts[lo..<(lo + w)]
        if try _consume(sources: batch[k], values: values[v..<(v + w)], lowParts: lows) {
          return k + 1
        }
      }
      return n
    }
    if valueWidth == 0, mode == .full { return _consumeStructure(batch) }
    let first = _symbols.count
    _buildIncidence(batch, first: first)
    let w = valueWidth
    var consumed = 0
    batch.sources.withUnsafeBufferPointer { sources in
      for k in 0..<n {
        let symbol = Int32(first + k)
        let start = batch.offsets[k]
        let end = batch.offsets[k + 1]
        if w > 0 {
          let v = values.startIndex + k * w
          let lo = lowParts.startIndex + k * w
          _appendValues(
            values[v..<(v + w)], lowParts.isEmpty ? lowParts : lowParts[lo..<(lo + w)])
        }
        var degree: Int32 = 0
        var xor: UInt32 = 0
        for i in start..<end {
          _ = _arrivalEdge(sources[i], of: Int(symbol), degree: &degree, xor: &xor)
        }
        _arrived(
          symbol: symbol, degree: degree, xor: xor, edges: end - start,
          sources: UnsafeBufferPointer(rebasing: sources[start..<end]))
        consumed = k + 1
        if isComplete { break }
      }
    }
    if isComplete {
      // Peeling is over; release the incidence.
      _batchBase = []
      _batchOffsets = []
      _batchSymbols = []
    }
    return consumed
  }

  /// The batch path of a structure-only, full-recovery decoder (threshold studies). Each batch
  /// symbol's record (degree, XOR) is set up front over the sources not yet recovered, and
  /// only those edges enter the incidence; peeling then strips a recovered source from *every*
  /// symbol on its run, including batch symbols that have not arrived, so an arrival costs O(1)
  /// (its record is already its residual) and every edge is touched once when its source is
  /// recovered.
  mutating func _consumeStructure(_ batch: LTSymbolBatch) -> Int {
    let m = sourceCount
    let n = batch.count
    let first = _symbols.count
    let offsetBase = _batchOffsets.count
    _batchBase.append(_batchSymbols.count)
    _batchOffsets.append(contentsOf: repeatElement(0, count: m + 1))
    _symbols.append(contentsOf: repeatElement(_Symbol(degree: 0, xor: 0), count: n))
    var live = 0
    batch.sources.withUnsafeBufferPointer { sources in
      batch.offsets.withUnsafeBufferPointer { starts in
        _state.withUnsafeMutableBufferPointer { state in
          _symbols.withUnsafeMutableBufferPointer { symbols in
            _batchOffsets.withUnsafeMutableBufferPointer { all in
              let offsets = UnsafeMutableBufferPointer(
                rebasing: all[offsetBase..<(offsetBase + m + 1)])
              for k in 0..<n {
                var degree: Int32 = 0
                var xor: UInt32 = 0
                for i in starts[k]..<starts[k + 1] {
                  let s = Int(sources[i])
                  if state[s] != Self._known {
                    degree += 1
                    xor ^= UInt32(s)
                    offsets[s + 1] &+= 1
                  }
                }
                symbols[first + k] = _Symbol(degree: degree, xor: xor)
                live += Int(degree)
              }
              var running: Int32 = 0
              for s in 0...m {
                running &+= offsets[s]
                offsets[s] = running
              }
            }
          }
        }
      }
    }
    let base = _batchSymbols.count
    _batchSymbols.append(contentsOf: repeatElement(0, count: live))
    batch.sources.withUnsafeBufferPointer { sources in
      batch.offsets.withUnsafeBufferPointer { starts in
        _state.withUnsafeBufferPointer { state in
          _batchOffsets.withUnsafeMutableBufferPointer { all in
            let offsets = UnsafeMutableBufferPointer(
              rebasing: all[offsetBase..<(offsetBase + m + 1)])
            _batchSymbols.withUnsafeMutableBufferPointer { all in
              let out = UnsafeMutableBufferPointer(rebasing: all[base...])
              for k in stride(from: n - 1, through: 0, by: -1) {
                let symbol = Int32(first + k)
                for i in starts[k]..<starts[k + 1] {
                  let s = Int(sources[i])
                  if state[s] != Self._known {
                    let slot = offsets[s + 1] &- 1
                    offsets[s + 1] = slot
                    out[Int(slot)] = symbol
                  }
                }
              }
            }
            for s in 0..<m { offsets[s] = offsets[s + 1] }
            offsets[m] = Int32(live)
          }
        }
      }
    }
    var consumed = 0
    for k in 0..<n {
      let e = first + k
      symbolsConsumed += 1
      edgeCount += batch.offsets[k + 1] - batch.offsets[k]
      consumed = k + 1
      if _symbols[e].degree == 1 {
        _ripple.append(Int32(e))
        _peelStructure(current: e)
      }
      if recoveredCount == sourceCount {
        isComplete = true
        break
      }
    }
    if consumed < n { _symbols.removeLast(n - consumed) }
    if isComplete {
      _batchBase = []
      _batchOffsets = []
      _batchSymbols = []
    }
    return consumed
  }

  /// Appends a batch's source → symbol incidence (counting sort by source; each source's
  /// symbols come out in ascending order because the batch is scanned in order).
  mutating func _buildIncidence(_ batch: LTSymbolBatch, first: Int) {
    let m = sourceCount
    let base = _batchSymbols.count
    let offsetBase = _batchOffsets.count
    _batchBase.append(base)
    _batchOffsets.append(contentsOf: repeatElement(0, count: m + 1))
    _batchSymbols.append(contentsOf: repeatElement(0, count: batch.edgeCount))
    let n = batch.count
    batch.sources.withUnsafeBufferPointer { sources in
      _batchOffsets.withUnsafeMutableBufferPointer { all in
        let offsets = UnsafeMutableBufferPointer(rebasing: all[offsetBase..<(offsetBase + m + 1)])
        for source in sources { offsets[Int(source) + 1] &+= 1 }
        // Inclusive prefix sums: offsets[s] = start of s's run, offsets[s + 1] = its end.
        var running: Int32 = 0
        for s in 0...m {
          running &+= offsets[s]
          offsets[s] = running
        }
        // Fill backwards, each source's cursor moving down from its end, so runs come out
        // ascending; afterwards offsets[s + 1] holds the start of s's run.
        _batchSymbols.withUnsafeMutableBufferPointer { all in
          let out = UnsafeMutableBufferPointer(rebasing: all[base...])
          var i = sources.count - 1
          for k in stride(from: n - 1, through: 0, by: -1) {
            let start = batch.offsets[k]
            let symbol = Int32(first + k)
            while i >= start {
              let s = Int(sources[i]) + 1
              let slot = offsets[s] &- 1
              offsets[s] = slot
              out[Int(slot)] = symbol
              i -= 1
            }
          }
        }
        for s in 0..<m { offsets[s] = offsets[s + 1] }
        offsets[m] = Int32(sources.count)
      }
    }
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

  /// Adds an edge to source s's list.
  @inline(__always)
  mutating func _append(symbol: Int32, toSource s: Int) {
    let head = _heads[s]
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
    _heads[s] = node
  }

  /// The arrived symbols holding source s while it was unknown (span-build path; the peeling
  /// loop is inlined).
  func _symbols(of s: Int) -> [Int32] {
    var result: [Int32] = []
    var node = _heads.isEmpty ? -1 : _heads[s]
    while node >= 0 {
      let base = Int(node) * Self._nodeStride
      for i in 0..<Int(_nodes[base + 1]) { result.append(_nodes[base + 2 + i]) }
      node = _nodes[base]
    }
    let arrived = Int32(_symbols.count)
    for b in _batchBase.indices {
      let o = b * (sourceCount + 1)
      let base = _batchBase[b]
      for i in (base + Int(_batchOffsets[o + s]))..<(base + Int(_batchOffsets[o + s + 1])) {
        let f = _batchSymbols[i]
        if f >= arrived { break }
        result.append(f)
      }
    }
    return result
  }

  /// Source s is recovered: strip it from symbol f (one edge of peeling).
  @inline(__always)
  mutating func _strip(_ s: Int, from f: Int) {
    if _symbols[f].degree > 0 {
      _symbols[f].degree -= 1
      _symbols[f].xor ^= UInt32(s)
      if valueWidth > 0 { _subtractSource(s, fromSymbol: f) }
      if _symbols[f].degree == 1 { _ripple.append(Int32(f)) }
    }
  }

  /// Releases the ripple until it is empty; `current` is the last symbol that has arrived
  /// (batch symbols after it are not stripped: they meet the recovered source on arrival).
  mutating func _peel(current: Int) {
    if valueWidth == 0, mode == .full {
      _peelStructure(current: current)
      return
    }
    let width = valueWidth
    let stride = sourceCount + 1
    let batches = _batchBase.count
    while let symbol = _ripple.popLast() {
      let e = Int(symbol)
      guard _symbols[e].degree == 1 else { continue }
      let s = Int(_symbols[e].xor)
      recoveredCount += 1
      if mode == .sum { _recoveredOrder.append(Int32(s)) }
      for k in 0..<width {
        _sourceValues[s * width + k] = _symbolValues[e * width + k]
        _sourceLows[s * width + k] = _symbolLows[e * width + k]
      }
      _state[s] = Self._known
      if !_heads.isEmpty {
        var node = _heads[s]
        while node >= 0 {
          let base = Int(node) * Self._nodeStride
          let count = Int(_nodes[base + 1])
          for i in 0..<count { _strip(s, from: Int(_nodes[base + 2 + i])) }
          node = _nodes[base]
        }
      }
      for b in 0..<batches {
        let o = b * stride + s
        let base = _batchBase[b]
        var i = base + Int(_batchOffsets[o])
        let end = base + Int(_batchOffsets[o + 1])
        while i < end {
          let f = Int(_batchSymbols[i])
          if f > current { break }
          _strip(s, from: f)
          i += 1
        }
      }
    }
  }

  /// ``_peel(current:)`` for the threshold studies' case — structure only, full recovery: raw
  /// pointers and prefetches; a recovered source is stripped from every symbol on its batch runs
  /// (arrived or not, see ``_consumeStructure(_:)``) and on its node list.
  ///
  /// Peeling is a chain of dependent random accesses (ripple symbol → its source → the source's
  /// run → each symbol on it). The ripple is first in, first out here (the recovered set, and so
  /// M′, does not depend on the order), so when a symbol enters it its source's offsets are
  /// prefetched, and the run of the source two places ahead while the current run is scanned.
  mutating func _peelStructure(current: Int) {
    var queue = _ripple
    _ripple = []
    var recovered = recoveredCount
    let heads = _heads
    let nodes = _nodes
    let batchBase = _batchBase
    let stride = sourceCount + 1
    _symbols.withUnsafeMutableBufferPointer { symbols in
      _state.withUnsafeMutableBufferPointer { state in
        _batchOffsets.withUnsafeBufferPointer { offsets in
          _batchSymbols.withUnsafeBufferPointer { runs in
            var head = 0
            while head < queue.count {
              let e = Int(queue[head])
              head += 1
              let record = symbols[e]
              guard record.degree == 1 else { continue }
              let s = Int(record.xor)
              recovered += 1
              state[s] = Self._known
              if head + 1 < queue.count, batchBase.count == 1 {
                let t = Int(symbols[Int(queue[head + 1])].xor)
                cc_prefetch(runs.baseAddress! + Int(offsets[t]))
              }
              @inline(__always)
              func strip(_ f: Int) {
                var x = symbols[f]
                if x.degree > 0 {
                  x.degree -= 1
                  x.xor ^= UInt32(s)
                  symbols[f] = x
                  // A symbol that has not arrived enters the ripple on arrival.
                  if x.degree == 1, f <= current {
                    queue.append(Int32(f))
                    cc_prefetch(offsets.baseAddress! + Int(x.xor))
                  }
                }
              }
              for b in batchBase.indices {
                let o = b * stride + s
                var i = batchBase[b] + Int(offsets[o])
                let end = batchBase[b] + Int(offsets[o + 1])
                while i < end {
                  if i + 6 < end { cc_prefetch(symbols.baseAddress! + Int(runs[i + 6])) }
                  strip(Int(runs[i]))
                  i += 1
                }
              }
              if !heads.isEmpty {
                var node = heads[s]
                while node >= 0 {
                  let base = Int(node) * Self._nodeStride
                  for k in 0..<Int(nodes[base + 1]) { strip(Int(nodes[base + 2 + k])) }
                  node = nodes[base]
                }
              }
            }
          }
        }
      }
    }
    recoveredCount = recovered
    queue.removeAll(keepingCapacity: true)
    _ripple = queue
  }

  /// The sum of all sources (`valueWidth` numbers), or nil until it is known: after full
  /// recovery, Σ of the recovered values; after sum recovery by the span test, Σ of the recovered
  /// values plus the certified combination of the residual symbols.
  ///
  /// - Complexity: O(m′·valueWidth).
  public var sum: [Double]? {
    guard isComplete else { return nil }
    if completedBySpan, let span = _span, let residual = span.certifiedSum {
      return (0..<valueWidth).map { k in
        var hi = _spanBaseSum[k]
        var lo = _spanBaseLow[k]
        _ddAdd(&hi, &lo, residual[k].hi, residual[k].lo)
        return hi
      }
    }
    let (hi, lo) = _knownSum()
    return zip(hi, lo).map { $0 + $1 }
  }

  /// Σ of the recovered sources' values, double-double.
  func _knownSum() -> (hi: [Double], lo: [Double]) {
    let width = valueWidth
    var hi = [Double](repeating: 0, count: width)
    var lo = [Double](repeating: 0, count: width)
    for s in 0..<sourceCount where _isKnown(s) {
      for k in 0..<width {
        _ddAdd(&hi[k], &lo[k], _sourceValues[s * width + k], _sourceLows[s * width + k])
      }
    }
    return (hi, lo)
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
        span.add(row: row, values: _symbolValues[_range(e)], lows: _symbolLows[_range(e)])
      }
      while _spanSynced < _recoveredOrder.count, !span.overflowed, !span.isTargetReached {
        let s = Int(_recoveredOrder[_spanSynced])
        _spanSynced += 1
        var row = [Int](repeating: 0, count: columns)
        row[Int(_column[s])] = 1
        span.add(row: row, values: _sourceValues[_range(s)], lows: _sourceLows[_range(s)])
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

  /// Where item i's `valueWidth` values sit in a value array.
  func _range(_ i: Int) -> Range<Int> { (i * valueWidth)..<((i + 1) * valueWidth) }

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
    (_spanBaseSum, _spanBaseLow) = _knownSum()
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
      let e = symbols[slot]
      span.add(row: rows[slot], values: _symbolValues[_range(e)], lows: _symbolLows[_range(e)])
      if span.overflowed || span.isTargetReached { break }
    }
    _span = span
  }
}
