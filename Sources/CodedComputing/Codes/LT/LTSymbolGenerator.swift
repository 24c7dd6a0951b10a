/// Draws LT symbols: a degree d from the Robust Soliton, then d distinct sources uniformly.
///
/// The sources are drawn by Floyd's algorithm (Bentley & Floyd 1987): for j = m′−d … m′−1,
/// draw t uniform in 0…j and take t, or j if t was already taken — d draws, every d-subset
/// equally likely. Membership is an epoch-stamped array of m′ marks, so a symbol costs O(d)
/// whatever its degree. Uniform integers are `min(⌊U·(j+1)⌋, j)` with U from
/// ``uniformUnit(using:)``, so a seeded stream is reproducible in a few lines of Python.
///
/// ```swift
/// var symbols = try LTCode(functionCount: 500).makeSymbolGenerator()
/// var generator = SplitMix64(seed: 3)
/// var batch = LTSymbolBatch()
/// for _ in 0..<800 { symbols.append(to: &batch, using: &generator) }
/// ```
public struct LTSymbolGenerator: Sendable {
  /// The degree distribution (over m′ sources).
  public let distribution: RobustSoliton
  var _marks: [UInt32]
  var _epoch: UInt32 = 0

  /// - Parameters:
  ///   - distribution: RS(m′, c, δ).
  ///   - compact: keep membership in a hash set per symbol instead of m′ marks (O(d) memory;
  ///     for one-off symbols, e.g. a worker's k-th symbol derived from a seed). The draws, and
  ///     so the symbols, are the same either way.
  public init(distribution: RobustSoliton, compact: Bool = false) {
    self.distribution = distribution
    _marks = compact ? [] : [UInt32](repeating: 0, count: distribution.sourceCount)
  }

  /// Draws one symbol and appends its sources (in draw order) to `sources`.
  ///
  /// - Returns: the degree d.
  /// - Complexity: O(d); 2 + d generator calls.
  @discardableResult
  public mutating func draw(
    into sources: inout [Int32], using generator: inout some RandomNumberGenerator
  ) -> Int {
    let m = distribution.sourceCount
    let degree = distribution.sampleDegree(using: &generator)
    if _marks.isEmpty {
      var taken = Set<Int32>(minimumCapacity: degree)
      for j in (m - degree)..<m {
        let t = Swift.min(Int(uniformUnit(using: &generator) * Double(j + 1)), j)
        let pick = taken.contains(Int32(t)) ? j : t
        taken.insert(Int32(pick))
        sources.append(Int32(pick))
      }
      return degree
    }
    if _epoch == UInt32.max {
      for i in _marks.indices { _marks[i] = 0 }
      _epoch = 0
    }
    _epoch += 1
    let epoch = _epoch
    for j in (m - degree)..<m {
      let t = Swift.min(Int(uniformUnit(using: &generator) * Double(j + 1)), j)
      let pick = _marks[t] == epoch ? j : t
      _marks[pick] = epoch
      sources.append(Int32(pick))
    }
    return degree
  }

  /// One symbol: its distinct source indices, in draw order.
  ///
  /// - Complexity: O(d).
  public mutating func next(using generator: inout some RandomNumberGenerator) -> [Int32] {
    var sources: [Int32] = []
    draw(into: &sources, using: &generator)
    return sources
  }

  /// Draws one symbol into `batch`.
  ///
  /// - Complexity: O(d) amortised.
  public mutating func append(
    to batch: inout LTSymbolBatch, using generator: inout some RandomNumberGenerator
  ) {
    draw(into: &batch.sources, using: &generator)
    batch.offsets.append(batch.sources.count)
  }
}

/// Many symbols in one compressed-row layout: symbol k's sources are
/// `sources[offsets[k] ..< offsets[k + 1]]`.
public struct LTSymbolBatch: Sendable, Hashable {
  /// Start of each symbol's sources; `offsets.count == count + 1`, `offsets[0] == 0`.
  public var offsets: [Int] = [0]
  /// All sources, symbol after symbol.
  public var sources: [Int32] = []

  public init() {}

  /// The number of symbols.
  public var count: Int { offsets.count - 1 }

  /// The total number of edges (Σ degrees).
  public var edgeCount: Int { sources.count }

  /// Symbol k's sources.
  public subscript(symbol: Int) -> ArraySlice<Int32> {
    sources[offsets[symbol]..<offsets[symbol + 1]]
  }

  /// Appends a symbol given by its sources.
  public mutating func append(_ symbol: some Sequence<Int32>) {
    sources.append(contentsOf: symbol)
    offsets.append(sources.count)
  }
}
