/// Rateless LT rounds on a real ``WorkerPool`` (issue 15): workers stream symbols, the master
/// peels them in true arrival order and stops every worker the moment Σⱼ fⱼ is known.
extension LTCode {
  /// Worker `worker`'s symbol number `index`, derived from `seed` alone, so that a worker and the
  /// master compute the same symbol without sharing state.
  ///
  /// The generator is `SplitMix64(seed: SplitMix64(seed: SplitMix64(seed: seed).next() + worker)
  /// .next() + index)`; the symbol is then drawn as by ``LTSymbolGenerator``.
  /// - Complexity: O(d) expected.
  public func symbol(worker: Int, index: Int, seed: UInt64) -> [Int32] {
    var root = SplitMix64(seed: seed)
    var perWorker = SplitMix64(seed: root.next() &+ UInt64(truncatingIfNeeded: worker))
    var generator = SplitMix64(seed: perWorker.next() &+ UInt64(truncatingIfNeeded: index))
    var symbols = LTSymbolGenerator(distribution: distribution, compact: true)
    return symbols.next(using: &generator)
  }
}

/// Computes one result of a strategy on a worker: a partial sum of fⱼ(xⱼ) over a set of j.
///
/// fⱼ(x) = f(xⱼ): function j is the workload applied to data point j (row j of the inputs), the
/// setting of Mallick, Smith & Joshi 2021 (a loss or a gradient summed over m data points).
public struct LTSumProducer: StreamProducer {
  /// The strategy the workers follow.
  public let strategy: LTStrategy
  /// m × d data points.
  public let inputs: Matrix
  /// f.
  public let workload: any Workload
  /// W.
  public let workers: Int
  /// The LT code (LT strategies only).
  public let code: LTCode?
  /// Symbols per worker for fixed-rate LT, nil otherwise.
  public let quota: [Int]?
  /// The seed of the symbols.
  public let seed: UInt64
  /// How `inputs` were generated, if they were: the descriptor then carries the recipe instead
  /// of the points.
  public let inputRecipe: LTInputRecipe?

  /// - Parameters:
  ///   - strategy: what the workers compute.
  ///   - inputs: m × d data points.
  ///   - workload: f.
  ///   - workers: W.
  ///   - code: the LT code (LT strategies), else nil.
  ///   - quota: symbols per worker (fixed-rate LT), else nil.
  ///   - seed: the seed of ``LTCode/symbol(worker:index:seed:)``.
  ///   - inputRecipe: how `inputs` were generated (they must be `inputRecipe.make()`), or nil.
  public init(
    strategy: LTStrategy, inputs: Matrix, workload: any Workload, workers: Int, code: LTCode?,
    quota: [Int]?, seed: UInt64, inputRecipe: LTInputRecipe? = nil
  ) {
    self.strategy = strategy
    self.inputs = inputs
    self.workload = workload
    self.workers = workers
    self.code = code
    self.quota = quota
    self.seed = seed
    self.inputRecipe = inputRecipe
  }

  /// Σⱼ f(xⱼ) over all m data points, computed directly (the reference of a round), in
  /// double-double and rounded: the exact sum to within one rounding unless the values span more
  /// than ~105 bits.
  ///
  /// - Throws: the workload's error.
  /// - Complexity: m evaluations of f.
  public static func directSum(of workload: any Workload, inputs: Matrix) throws -> [Double] {
    let parts = try LTSumProducer(
      strategy: .allAtOne, inputs: inputs, workload: workload, workers: 1, code: nil, quota: nil,
      seed: 0
    ).partialSum(0..<inputs.rows)
    let width = parts.count / 2
    return (0..<width).map { parts[$0] + parts[width + $0] }
  }

  /// The functions worker `worker` computes in its single result (non-LT strategies).
  public func share(of worker: Int) -> Range<Int> {
    let m = inputs.rows
    func split(_ i: Int, _ parts: Int) -> Range<Int> {
      let base = m / parts
      let extra = m % parts
      let start = i * base + Swift.min(i, extra)
      return start..<(start + base + (i < extra ? 1 : 0))
    }
    switch strategy {
    case .allAtOne: return worker == 0 ? 0..<m : 0..<0
    case .uncoded: return split(worker, workers)
    case .replication(let r): return split(worker / r, workers / r)
    case .fixedLT, .rateless: return 0..<0
    }
  }

  /// Σ f(xⱼ) over `functions` in double-double: the w high parts, then the w low parts (w = f's
  /// output dimension). The sum is exact whenever it spans ≤ ~105 bits, so the master's peeling,
  /// also double-double, recovers the fⱼ without the amplified rounding of plain doubles.
  func partialSum(_ functions: some Sequence<Int>) throws -> [Double] {
    let m = try workload.outputDimension(inputDimension: inputs.columns)
    var hi = [Double](repeating: 0, count: m)
    var lo = [Double](repeating: 0, count: m)
    for j in functions {
      let y = try workload.evaluate(inputs.row(j))
      guard y.count == m else {
        throw WorkloadError.wrongOutputDimension(expected: m, actual: y.count)
      }
      for k in 0..<m { _ddAdd(&hi[k], &lo[k], y[k], 0) }
    }
    return hi + lo
  }

  /// Worker `worker`'s result number `index`: a partial sum of the fⱼ as 2w numbers (w high
  /// parts, then w low parts of a double-double), or nil when the worker has no more.
  public func produce(worker: Int, index: Int) throws -> [Double]? {
    switch strategy {
    case .allAtOne, .uncoded, .replication:
      guard index == 0 else { return nil }
      let functions = share(of: worker)
      return functions.isEmpty ? nil : try partialSum(functions)
    case .fixedLT, .rateless:
      guard let code else { return nil }
      if let quota, index >= quota[worker] { return nil }
      let symbol = code.symbol(worker: worker, index: index, seed: seed)
      return try partialSum(symbol.lazy.flatMap { code.functions(ofSource: Int($0)) })
    }
  }
}

/// What a real LT (or baseline) round returned.
public struct LTPoolRoundResult: Sendable {
  /// Σⱼ f(xⱼ) as the master decoded it, or nil when the stream ended first.
  public var sum: [Double]?
  /// Results the master consumed (symbols, for LT strategies).
  public var resultsConsumed: Int
  /// Seconds from the start of the stream to the result that completed the sum.
  public var seconds: Double?
  /// Sources still missing at the end (LT), or groups/workers missing (baselines).
  public var missing: Int
  /// How the stream ended.
  public var outcome: StreamOutcome
}

/// The master's side of ``runLTRound(_:workload:inputs:pool:workers:mode:redundancy:c:delta:seed:maximumResults:injectedDelays:deadline:)``.
struct _LTMasterState: Sendable {
  var decoder: LTPeelingDecoder?
  var partials: [[Double]?]
  var missing: Int
  var consumed = 0
  var seconds: Double? = nil
  var total: [Double]? = nil
}

/// Runs Σⱼ f(xⱼ) with `strategy` on a real pool: workers stream results, the master consumes them
/// in true arrival order (peeling for LT strategies) and stops every worker once the sum is known.
///
/// - Parameters:
///   - strategy: one, uncoded, replication:R (W divisible by R), lt1/ltr:R, rateless(:R).
///   - workload: f; fⱼ = f applied to row j of `inputs`.
///   - inputs: m × d data points.
///   - pool: the pool (``InProcessWorkerPool`` for real arrivals with injected delays).
///   - workers: W.
///   - mode: LT decoding mode (sum: stop when Σ is in the span).
///   - redundancy: α for fixed-rate LT.
///   - c: the Robust Soliton's c.
///   - delta: the Robust Soliton's δ.
///   - seed: the symbols' seed.
///   - maximumResults: the most results any worker may produce (bounds a rateless stream).
///   - injectedDelays: W start-up delays, or nil.
///   - deadline: the longest the stream may run, or nil.
///   - inputRecipe: how `inputs` were generated, or nil: with a recipe, the producer's
///     descriptor (what a pool of other processes receives) carries it instead of the points.
/// - Returns: the decoded sum (nil if the stream ended first), results consumed and timing.
/// - Throws: ``LTError`` for bad parameters; ``PoolError`` from the pool.
/// - Complexity: the pool's; the master does O(edges) peeling work plus O(d) per symbol to
///   re-derive its sources.
public func runLTRound(
  _ strategy: LTStrategy, workload: any Workload, inputs: Matrix, pool: some WorkerPool,
  workers: Int, mode: LTDecodingMode = .sum, redundancy: Double = 2, c: Double = 0.03,
  delta: Double = 0.5, seed: UInt64 = 0, maximumResults: Int, injectedDelays: [Duration]? = nil,
  deadline: Duration? = nil, inputRecipe: LTInputRecipe? = nil
) async throws -> LTPoolRoundResult {
  let m = inputs.rows
  guard m >= 1 else {
    throw LTError.invalidParameter(
      name: "number of sources m", value: "\(m)", requirement: "at least 1")
  }
  guard workers >= 1 else {
    throw LTError.invalidParameter(name: "workers", value: "\(workers)", requirement: "at least 1")
  }
  let width = try workload.outputDimension(inputDimension: inputs.columns)
  var code: LTCode? = nil
  var quota: [Int]? = nil
  var state = _LTMasterState(partials: [], missing: 0)
  switch strategy {
  case .allAtOne:
    state.partials = [nil]
    state.missing = 1
  case .uncoded:
    state.partials = [[Double]?](repeating: nil, count: workers)
    state.missing = Swift.min(workers, m)
  case .replication(let r):
    guard r >= 1, workers % r == 0 else {
      throw LTError.invalidParameter(
        name: "replication factor", value: "\(r)",
        requirement: "at least 1 and a divisor of the number of workers \(workers)")
    }
    state.partials = [[Double]?](repeating: nil, count: workers / r)
    state.missing = Swift.min(workers / r, m)
  case .fixedLT(let r), .rateless(let r):
    let lt = try LTCode(functionCount: m, groupSize: r, c: c, delta: delta)
    code = lt
    if case .fixedLT = strategy {
      let total = Int((redundancy * Double(lt.sourceCount)).rounded(.up))
      quota = (0..<workers).map { total / workers + ($0 < total % workers ? 1 : 0) }
    }
    state.decoder = LTPeelingDecoder(sourceCount: lt.sourceCount, valueWidth: width, mode: mode)
  }
  let producer = LTSumProducer(
    strategy: strategy, inputs: inputs, workload: workload, workers: workers, code: code,
    quota: quota, seed: seed, inputRecipe: inputRecipe)
  let round = StreamingRound(
    workers: strategy == .allAtOne ? 1 : workers, producer: producer, deadline: deadline,
    maximumResultsPerWorker: maximumResults,
    injectedDelays: strategy == .allAtOne
      ? injectedDelays.map { Array($0.prefix(1)) } : injectedDelays)
  let ltCode = code
  let (outcome, final) = try await pool.stream(round, initialState: state) { state, result in
    state.consumed += 1
    if var decoder = state.decoder, let code = ltCode {
      state.decoder = nil
      let sources = code.symbol(worker: result.worker, index: result.index, seed: seed)
      let values = result.values
      let done =
        values.count == 2 * width
        && ((try? decoder.consume(
          sources: sources[...], values: values[0..<width], lowParts: values[width...])) ?? false)
      if done {
        state.seconds = result.seconds
        state.total = decoder.sum
      }
      state.missing = decoder.missingCount
      state.decoder = decoder
      return done ? .stop : .continue
    }
    let slot: Int
    if case .replication(let r) = strategy {
      slot = result.worker / r
    } else {
      slot = result.worker
    }
    if state.partials[slot] == nil, result.values.count == 2 * width {
      state.partials[slot] = result.values
      state.missing -= 1
    }
    if state.missing == 0 {
      state.seconds = result.seconds
      var hi = [Double](repeating: 0, count: width)
      var lo = [Double](repeating: 0, count: width)
      for case let partial? in state.partials {
        for k in 0..<width { _ddAdd(&hi[k], &lo[k], partial[k], partial[width + k]) }
      }
      state.total = zip(hi, lo).map { $0 + $1 }
      return .stop
    }
    return .continue
  }
  return LTPoolRoundResult(
    sum: final.total, resultsConsumed: final.consumed, seconds: final.seconds,
    missing: final.total == nil ? Swift.max(final.missing, 1) : 0, outcome: outcome)
}
