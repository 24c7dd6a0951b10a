internal import CKernels

/// Draws LT symbols: a degree d from the Robust Soliton, then d distinct sources uniformly.
///
/// The sources are drawn by Floyd's algorithm (Bentley & Floyd 1987): for j = m′−d … m′−1,
/// draw t uniform in 0…j and take t, or j if t was already taken — d draws, every d-subset
/// equally likely. Membership is a scan of the picks so far for d ≤ 16, else a bitmap of m′ bits
/// (or a hash set when compact), so a symbol costs O(d) whatever its degree. Uniform integers
/// are `min(⌊U·(j+1)⌋, j)` with U from ``uniformUnit(using:)``, so a seeded stream is
/// reproducible in a few lines of Python.
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
  /// Membership of the current symbol's picks for d > 16: one bit per source (m′/8 bytes, so it
  /// stays in cache), cleared after each symbol; empty when compact.
  var _bits: [UInt64]

  /// - Parameters:
  ///   - distribution: RS(m′, c, δ).
  ///   - compact: keep membership in a hash set per symbol instead of m′ marks (O(d) memory;
  ///     for one-off symbols, e.g. a worker's k-th symbol derived from a seed). The draws, and
  ///     so the symbols, are the same either way.
  public init(distribution: RobustSoliton, compact: Bool = false) {
    self.distribution = distribution
    _bits = compact ? [] : [UInt64](repeating: 0, count: distribution.sourceCount / 64 + 1)
  }

  /// Draws one symbol and appends its sources (in draw order) to `sources`.
  ///
  /// - Returns: the degree d.
  /// - Complexity: O(d); 2 + d generator calls.
  @discardableResult
  @_specialize(exported: true, where G == SplitMix64)
  public mutating func draw<G: RandomNumberGenerator>(
    into sources: inout [Int32], using generator: inout G
  ) -> Int {
    let m = distribution.sourceCount
    let degree = distribution.sampleDegree(using: &generator)
    if let splitMix = generator as? SplitMix64 {
      // The next symbol's alias column is drawn d calls from now (a SplitMix64 state is a
      // counter): prefetch that column while this symbol's sources are drawn.
      let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
      let next = splitMix.state &+ UInt64(degree) &* gamma
      var ahead = SplitMix64(seed: next)
      distribution._table.prefetch(column: uniformUnit(using: &ahead))
      // And the one after, guessing that the next degree is 2 (the likeliest, μ(2) ≈ 0.48):
      // one symbol's source draws are too short to hide a memory access.
      var guess = SplitMix64(seed: next &+ 4 &* gamma)
      distribution._table.prefetch(column: uniformUnit(using: &guess))
    }
    let first = sources.count
    if degree <= Self._linearLimit {
      // Few picks: look for t among them (no random access into m′ marks).
      for j in (m - degree)..<m {
        let t = Int32(Swift.min(Int(uniformUnit(using: &generator) * Double(j + 1)), j))
        var taken = false
        for i in first..<sources.count where sources[i] == t {
          taken = true
          break
        }
        sources.append(taken ? Int32(j) : t)
      }
      return degree
    }
    if _bits.isEmpty {
      var taken = Set<Int32>(minimumCapacity: degree)
      for j in (m - degree)..<m {
        let t = Swift.min(Int(uniformUnit(using: &generator) * Double(j + 1)), j)
        let pick = taken.contains(Int32(t)) ? j : t
        taken.insert(Int32(pick))
        sources.append(Int32(pick))
      }
      return degree
    }
    for j in (m - degree)..<m {
      let t = Swift.min(Int(uniformUnit(using: &generator) * Double(j + 1)), j)
      let pick = _bits[t >> 6] & (1 << UInt64(t & 63)) != 0 ? j : t
      _bits[pick >> 6] |= 1 << UInt64(pick & 63)
      sources.append(Int32(pick))
    }
    for i in first..<sources.count { _bits[Int(sources[i]) >> 6] = 0 }
    return degree
  }

  /// Degrees up to this check membership by scanning the symbol's picks so far.
  static let _linearLimit = 16

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
  @_specialize(exported: true, where G == SplitMix64)
  public mutating func append<G: RandomNumberGenerator>(
    to batch: inout LTSymbolBatch, using generator: inout G
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

  /// Removes every symbol, keeping the storage.
  public mutating func removeAll() {
    offsets.removeAll(keepingCapacity: true)
    offsets.append(0)
    sources.removeAll(keepingCapacity: true)
  }

  /// Appends a symbol given by its sources.
  public mutating func append(_ symbol: some Sequence<Int32>) {
    sources.append(contentsOf: symbol)
    offsets.append(sources.count)
  }
}
