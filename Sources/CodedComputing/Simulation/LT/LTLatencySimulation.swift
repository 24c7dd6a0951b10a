import Foundation

/// The parameters of a simulated round under the per-symbol cost model of Mallick, Smith &
/// Joshi: worker j starts after a set-up delay Xⱼ drawn from a ``LatencyModel`` and then
/// computes one function in τ seconds, so its k-th symbol finishes at Xⱼ + τ·(functions in its
/// first k symbols).
public struct LTLatencySetup: Sendable, Hashable {
  /// m, the number of functions.
  public var functionCount: Int
  /// W, the number of workers (the papers use W = m).
  public var workers: Int
  /// The law of the set-up delays Xⱼ.
  public var latency: LatencyModel
  /// τ ≥ 0, seconds per function evaluation.
  public var tau: Double
  /// Full or sum recovery for the LT strategies (sum: the master wants Σⱼ fⱼ only).
  public var mode: LTDecodingMode
  /// α > 0: fixed-rate LT strategies generate ⌈α·m′⌉ symbols in all.
  public var redundancy: Double
  /// When set, the LT strategies wait for exactly this many symbols and then decode (the papers'
  /// fixed threshold M′, e.g. 1 400 for m = 1 000); a trial whose first M′ symbols do not decode
  /// fails.
  public var fixedThreshold: Int?
  /// Robust Soliton c and δ.
  public var c: Double
  public var delta: Double

  /// - Parameters: see the properties; `workers` defaults to m.
  public init(
    functionCount: Int, workers: Int? = nil, latency: LatencyModel, tau: Double,
    mode: LTDecodingMode = .sum, redundancy: Double = 2, fixedThreshold: Int? = nil,
    c: Double = 0.03, delta: Double = 0.5
  ) {
    self.functionCount = functionCount
    self.workers = workers ?? functionCount
    self.latency = latency
    self.tau = tau
    self.mode = mode
    self.redundancy = redundancy
    self.fixedThreshold = fixedThreshold
    self.c = c
    self.delta = delta
  }

  /// Checks every parameter a user can get wrong.
  ///
  /// - Throws: ``LTError/invalidParameter(name:value:requirement:)``, or the latency model's
  ///   error wrapped as a parameter error.
  public func validate() throws(LTError) {
    guard functionCount >= 1, functionCount <= Int(Int32.max) else {
      throw .invalidParameter(
        name: "number of sources m", value: "\(functionCount)", requirement: "in 1…\(Int32.max)")
    }
    guard workers >= 1, workers <= 10_000_000 else {
      throw .invalidParameter(name: "workers", value: "\(workers)", requirement: "in 1…10⁷")
    }
    guard tau >= 0, tau.isFinite else {
      throw .invalidParameter(name: "tau", value: "\(tau)", requirement: "a finite number ≥ 0")
    }
    guard redundancy > 0, redundancy.isFinite, redundancy <= 1000 else {
      throw .invalidParameter(
        name: "redundancy", value: "\(redundancy)", requirement: "in (0, 1000]")
    }
    if let fixedThreshold, fixedThreshold < 1 {
      throw .invalidParameter(
        name: "fixed threshold", value: "\(fixedThreshold)", requirement: "at least 1")
    }
    do { try latency.validate(workerCount: workers) } catch {
      throw .invalidParameter(name: "latency", value: "\(latency)", requirement: "\(error)")
    }
    _ = try RobustSoliton(sourceCount: 1, c: c, delta: delta)
  }
}

/// One simulated round.
public struct LTTrialOutcome: Sendable, Hashable {
  /// The time the master has Σⱼ fⱼ (seconds), or nil when the strategy failed (a fixed-rate LT
  /// code whose symbols ran out, or a fixed threshold that did not decode).
  public var latency: Double?
  /// LT strategies: the symbols consumed when decoding completed (M′ in arrival order), or all
  /// symbols seen when it failed; 0 otherwise.
  public var symbols: Int
  /// LT strategies: the sources still missing at the end (0 on success).
  public var sourcesMissing: Int
}

/// Simulates one round of `strategy`.
///
/// Draws the W set-up delays first (one ``LatencyModel/sample(count:using:)``), so trials that
/// start from the same generator state see the same delays whatever the strategy (common random
/// numbers); LT strategies then draw their symbols from the same generator. A worker's next
/// symbol is drawn when its previous one arrives; arrivals are merged by a binary heap
/// (ties: smaller worker first). The latency of an LT strategy is the finish time of the symbol
/// that completes decoding — not of an arbitrary symbol (a defect of the papers' public code).
///
/// - Parameters:
///   - strategy: the strategy.
///   - setup: the round; call ``LTLatencySetup/validate()`` first.
///   - generator: the source of randomness (a seeded ``SplitMix64`` per trial in experiments).
/// - Returns: the latency and, for LT strategies, the symbols consumed.
/// - Throws: ``LTError/invalidParameter(name:value:requirement:)`` when W is not a multiple of
///   the replication factor, or a group size is out of range.
/// - Complexity: O(W) for the delays; LT: O((M′ + W)·log W + edges).
public func simulateLTRound(
  _ strategy: LTStrategy, setup: LTLatencySetup,
  using generator: inout some RandomNumberGenerator
) throws(LTError) -> LTTrialOutcome {
  let m = setup.functionCount
  let w = setup.workers
  let delays = setup.latency.sample(count: w, using: &generator)
  let tau = setup.tau
  /// Share i of `total` items split evenly over `parts` (the first `total % parts` get one more).
  func share(_ i: Int, _ total: Int, _ parts: Int) -> Int {
    total / parts + (i < total % parts ? 1 : 0)
  }
  switch strategy {
  case .allAtOne:
    return LTTrialOutcome(latency: delays[0] + tau * Double(m), symbols: 0, sourcesMissing: 0)
  case .uncoded:
    var latest = 0.0
    for j in 0..<w where share(j, m, w) > 0 {
      latest = Swift.max(latest, delays[j] + tau * Double(share(j, m, w)))
    }
    return LTTrialOutcome(latency: latest, symbols: 0, sourcesMissing: 0)
  case .replication(let r):
    guard r >= 1, w % r == 0 else {
      throw .invalidParameter(
        name: "replication factor", value: "\(r)",
        requirement: "at least 1 and a divisor of the number of workers \(w)")
    }
    let groups = w / r
    var latest = 0.0
    for g in 0..<groups where share(g, m, groups) > 0 {
      let fastest = delays[(g * r)..<((g + 1) * r)].min() ?? 0
      latest = Swift.max(latest, fastest + tau * Double(share(g, m, groups)))
    }
    return LTTrialOutcome(latency: latest, symbols: 0, sourcesMissing: 0)
  case .fixedLT(let r), .rateless(let r):
    let code = try LTCode(
      functionCount: m, groupSize: r, c: setup.c, delta: setup.delta)
    var quota: [Int]? = nil
    if case .fixedLT = strategy {
      let total = Int((setup.redundancy * Double(code.sourceCount)).rounded(.up))
      quota = (0..<w).map { share($0, total, w) }
    }
    return _simulateLTArrivals(
      code: code, delays: delays, quota: quota, setup: setup, using: &generator)
  }
}

/// The LT part of ``simulateLTRound(_:setup:using:)``.
func _simulateLTArrivals(
  code: LTCode, delays: [Double], quota: [Int]?, setup: LTLatencySetup,
  using generator: inout some RandomNumberGenerator
) -> LTTrialOutcome {
  let w = delays.count
  let m = code.sourceCount
  var symbols = code.makeSymbolGenerator()
  var decoder = LTPeelingDecoder(sourceCount: m, mode: setup.mode)
  // A bound on the symbols a rateless round may consume: far above any threshold seen
  // (M′ ≈ 1.1–1.4 m′); reaching it counts as a failure rather than looping forever.
  let limit = setup.fixedThreshold ?? (quota?.reduce(0, +) ?? (64 * m + 10_000))
  var pending = [[Int32]](repeating: [], count: w)
  var finish = delays
  var produced = [Int](repeating: 0, count: w)
  var heap = _ArrivalHeap(capacity: w)
  func schedule(_ j: Int) {
    if let quota, produced[j] >= quota[j] { return }
    pending[j].removeAll(keepingCapacity: true)
    symbols.draw(into: &pending[j], using: &generator)
    produced[j] += 1
    finish[j] += setup.tau * Double(code.cost(of: pending[j]))
    heap.push(time: finish[j], worker: j)
  }
  for j in 0..<w { schedule(j) }
  var consumed = 0
  var completedAt: Double? = nil
  while consumed < limit, let (time, j) = heap.pop() {
    consumed += 1
    // Symbols are generated by this code, so they are always valid.
    let done = (try? decoder.consume(sources: pending[j])) ?? false
    if done, completedAt == nil {
      completedAt = time
      if setup.fixedThreshold == nil { break }
    }
    if let fixed = setup.fixedThreshold, consumed == fixed {
      return LTTrialOutcome(
        latency: completedAt == nil ? nil : time, symbols: consumed,
        sourcesMissing: completedAt == nil ? decoder.missingCount : 0)
    }
    schedule(j)
  }
  if let completedAt {
    return LTTrialOutcome(latency: completedAt, symbols: consumed, sourcesMissing: 0)
  }
  return LTTrialOutcome(latency: nil, symbols: consumed, sourcesMissing: decoder.missingCount)
}

/// The decoding threshold M′ when symbols are consumed in generation order (i.i.d.).
///
/// - Parameters:
///   - code: the LT code.
///   - mode: full or sum recovery.
///   - limit: the most symbols to draw (a bound on the loop); default 64·m′ + 10 000.
///   - generator: the source of randomness.
/// - Returns: M′.
/// - Throws: ``LTError/streamEnded(symbolsSeen:sourcesMissing:)`` when `limit` symbols do not
///   decode.
/// - Complexity: O(M′ + edges) plus the span tests in sum mode.
public func ltDecodingThreshold(
  code: LTCode, mode: LTDecodingMode, limit: Int? = nil,
  using generator: inout some RandomNumberGenerator
) throws(LTError) -> Int {
  try ltDecode(code: code, mode: mode, limit: limit, using: &generator).symbolsConsumed
}

/// Draws i.i.d. symbols of `code` and peels them until the decoder completes; returns the
/// decoder (threshold, edges, whether sum recovery completed through the span test).
///
/// - Parameters: as ``ltDecodingThreshold(code:mode:limit:using:)``, plus `spanColumnLimit`
///   (see ``LTPeelingDecoder/init(sourceCount:valueWidth:mode:spanColumnLimit:)``).
/// - Throws: ``LTError/streamEnded(symbolsSeen:sourcesMissing:)`` when `limit` symbols do not
///   decode.
/// - Complexity: O(M′ + edges) plus the span tests in sum mode.
public func ltDecode<G: RandomNumberGenerator>(
  code: LTCode, mode: LTDecodingMode, limit: Int? = nil, spanColumnLimit: Int = 256,
  using generator: inout G
) throws(LTError) -> LTPeelingDecoder {
  if G.self == SplitMix64.self, var concrete = generator as? SplitMix64 {
    // The common case, specialised (the draws are one generator call per uniform).
    defer { generator = concrete as! G }
    return try _ltDecode(
      code: code, mode: mode, limit: limit, spanColumnLimit: spanColumnLimit, using: &concrete)
  }
  return try _ltDecode(
    code: code, mode: mode, limit: limit, spanColumnLimit: spanColumnLimit, using: &generator)
}

/// ``ltDecode(code:mode:limit:spanColumnLimit:using:)``: the first m′ + 16·S symbols (about the
/// mean threshold; M′ ≥ m′ in full mode) are drawn into one batch and consumed through the
/// batch path of the decoder, the rest one at a time. The caller's generator ends exactly past
/// the symbols consumed (2 + d calls each), as if they had been drawn one by one.
func _ltDecode<G: RandomNumberGenerator>(
  code: LTCode, mode: LTDecodingMode, limit: Int?, spanColumnLimit: Int,
  using generator: inout G
) throws(LTError) -> LTPeelingDecoder {
  let m = code.sourceCount
  let bound = limit ?? (64 * m + 10_000)
  var symbols = code.makeSymbolGenerator()
  var decoder = LTPeelingDecoder(sourceCount: m, mode: mode, spanColumnLimit: spanColumnLimit)
  let first = Swift.min(bound, m + Int(16 * code.distribution.rippleSize))
  if first >= 64, !(G.self is AnyObject.Type) {
    var ahead = generator
    var batch = LTSymbolBatch()
    batch.offsets.reserveCapacity(first + 1)
    batch.sources.reserveCapacity(Int(Double(first) * code.distribution.meanDegree * 1.02) + 1024)
    for _ in 0..<first { symbols.append(to: &batch, using: &ahead) }
    let used = try decoder._consumeValidated(batch)
    if used == first {
      generator = ahead
    } else {
      for _ in 0..<(2 * used + batch.offsets[used]) { _ = generator.next() }
    }
    if decoder.isComplete { return decoder }
  }
  var sources: [Int32] = []
  while decoder.symbolsConsumed < bound {
    sources.removeAll(keepingCapacity: true)
    symbols.draw(into: &sources, using: &generator)
    if try decoder.consume(sources: sources) { return decoder }
  }
  throw .streamEnded(symbolsSeen: decoder.symbolsConsumed, sourcesMissing: decoder.missingCount)
}
