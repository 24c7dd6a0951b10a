/// One coded gradient: the decoded estimate and what the round cost.
public struct GradientEstimate: Sendable {
  /// ∇̂f(x), d values.
  public var gradient: [Double]
  /// Whether every block decoded exactly (false: some block was estimated by least squares).
  public var isDecoded: Bool
  /// Workers whose central difference arrived.
  public var answered: Int
  /// Workers that failed (an error or a non-finite value): stragglers.
  public var failed: Int
  /// Evaluations of f made by workers that ran (2 per worker that answered or failed).
  public var evaluations: Int
  /// Wall seconds of the round plus the decode.
  public var seconds: Double
  /// Wall seconds of the decode alone.
  public var decodeSeconds: Double
}

extension CodedGradientEstimator {
  /// The stopping rule of a round over `present` workers (global ids, ascending): every block
  /// decodes, or `quorum` answers arrived, or the deadline sentinel (round row `sentinel`, if
  /// any) arrived.
  func _stoppingRule(present: [Int], known: [Int], quorum: Int, sentinel: Int?) -> StoppingRule {
    let total = workerCount
    let estimator = self
    return StoppingRule(
      description: "a set every \(code.rawValue) block can decode, or \(quorum) answers",
      minimumCount: 1
    ) { received, count in
      if let sentinel, received[sentinel] { return true }
      if count - (sentinel.map { received[$0] ? 1 : 0 } ?? 0) >= quorum { return true }
      var full = [Bool](repeating: false, count: total)
      for w in known { full[w] = true }
      for (i, w) in present.enumerated() where received[i] { full[w] = true }
      return estimator.canDecode(from: full)
    }
  }

  /// Estimates ∇f(x) with one round on `pool`.
  ///
  /// - Parameters:
  ///   - function: f: ℝᵈ → ℝ (one output).
  ///   - x: the point, d finite values.
  ///   - pool: the workers.
  ///   - injectedDelays: one emulated latency per worker of the round (N·B), or nil.
  ///   - absentWorkers: workers that never answer (simulated stragglers): they are not run.
  ///   - quorum: stop after this many answers even if the code cannot decode yet (default: every
  ///     present worker).
  ///   - deadline: stop this long after the start with whatever has arrived, or nil.
  ///   - requireDecoded: throw instead of falling back to least squares when a block cannot
  ///     decode.
  /// - Returns: the estimate and its cost.
  /// - Throws: ``GradientEstimationError/invalidParameter(_:)`` for a point of the wrong size or
  ///   not finite, or bad delays; ``GradientEstimationError/tooFewAnswers(_:)`` when failures
  ///   (errors, non-finite values of f) leave too few workers to stop the round, or when
  ///   `requireDecoded` and a block cannot decode.
  public func estimate(
    _ function: any Workload, at x: [Double], pool: some WorkerPool,
    injectedDelays: [Duration]? = nil, absentWorkers: Set<Int> = [], quorum: Int? = nil,
    deadline: Duration? = nil, requireDecoded: Bool = false
  ) async throws(GradientEstimationError) -> GradientEstimate {
    guard x.count == dimension else {
      throw .invalidParameter("the point has \(x.count) coordinates, the estimator \(dimension)")
    }
    guard x.allSatisfy(\.isFinite) else { throw .invalidParameter("the point is not finite") }
    if let injectedDelays, injectedDelays.count != workerCount {
      throw .invalidParameter("\(injectedDelays.count) delays for \(workerCount) workers")
    }
    // A direction with no real coordinate (padding of the last block) has derivative 0: known
    // without asking anyone.
    let known = (0..<workerCount).filter(_isZeroDirection)
    let present = (0..<workerCount).filter { !absentWorkers.contains($0) && !_isZeroDirection($0) }
    guard !present.isEmpty else { throw .tooFewAnswers("every worker is absent") }
    let needed = Swift.min(quorum ?? present.count, present.count)
    guard needed >= 1 else { throw .invalidParameter("the quorum must be at least 1, got \(needed)") }
    // The deadline is one more task: a zero direction (answered without evaluating f) that starts
    // `deadline` after the round; its arrival stops the round with whatever else has arrived. (A
    // pool's own deadline would throw and lose the answers.)
    let sentinel = deadline.map { _ in present.count }
    var directions = Matrix(rows: present.count + (sentinel == nil ? 0 : 1), columns: dimension)
    for (i, w) in present.enumerated() {
      let (b, n) = position(ofWorker: w)
      for k in 0..<blockSize where b * blockSize + k < dimension {
        directions[i, b * blockSize + k] = generator[n, k]
      }
    }
    let clock = ContinuousClock()
    let start = clock.now
    let rule = _stoppingRule(present: present, known: known, quorum: needed, sentinel: sentinel)
    var delays = injectedDelays.map { delays in present.map { delays[$0] } }
    if let deadline {
      delays = (delays ?? Array(repeating: .zero, count: present.count)) + [Swift.max(deadline, .zero)]
    }
    let round = Round(
      inputs: directions, workload: CentralDifference(function: function, point: x, step: step),
      stoppingRule: rule, injectedDelays: delays)
    let outcome: PoolOutcome
    do {
      outcome = try await pool.run(round)
    } catch {
      throw .tooFewAnswers(
        "too few finite central differences to estimate the gradient with \(code.rawValue) directions: \(error)")
    }
    let decodeStart = clock.now
    var values = [Double?](repeating: nil, count: workerCount)
    for w in known { values[w] = 0 }
    for (row, i) in outcome.survivors.enumerated() where i < present.count {
      values[present[i]] = outcome.outputs[row, 0]
    }
    let (gradient, decoded) = try decode(values, requireDecoded: requireDecoded)
    let end = clock.now
    let ran = outcome.durations.prefix(present.count).reduce(0) { $0 + ($1 == nil ? 0 : 1) }
    return GradientEstimate(
      gradient: gradient, isDecoded: decoded,
      answered: outcome.survivors.filter { $0 < present.count }.count,
      failed: outcome.failures.count, evaluations: 2 * ran, seconds: (end - start).inSeconds,
      decodeSeconds: (end - decodeStart).inSeconds)
  }

  /// The workers a round asks: those whose direction touches a real coordinate.
  public var queriedWorkerCount: Int { (0..<workerCount).filter { !_isZeroDirection($0) }.count }

  /// Whether worker w's direction has no nonzero entry on a real coordinate.
  func _isZeroDirection(_ w: Int) -> Bool {
    let (b, n) = position(ofWorker: w)
    for k in 0..<blockSize where b * blockSize + k < dimension && generator[n, k] != 0 {
      return false
    }
    return true
  }

  /// ∇̂f from the central differences that arrived (`values[w]` for worker w, nil if none).
  ///
  /// A block the code can decode goes through the code's decoder (polar: successive
  /// cancellation; MDS: the systematic solve; replication: the mean of the copies); any other
  /// block through minimum-norm least squares on its arrived rows of G.
  /// - Returns: the gradient and whether every block decoded exactly.
  /// - Throws: ``GradientEstimationError/tooFewAnswers(_:)`` when `requireDecoded` and a block
  ///   cannot decode, or a block has no answer at all.
  public func decode(_ values: [Double?], requireDecoded: Bool = false)
    throws(GradientEstimationError) -> (gradient: [Double], isDecoded: Bool)
  {
    precondition(values.count == workerCount, "\(values.count) values for \(workerCount) workers")
    var gradient = [Double](repeating: 0, count: dimension)
    var allDecoded = true
    for b in 0..<blockCount {
      let local = Array(values[(b * blockWorkers)..<((b + 1) * blockWorkers)])
      let survivors = local.indices.filter { local[$0] != nil }
      let y = survivors.map { local[$0] ?? 0 }
      guard !survivors.isEmpty else {
        throw .tooFewAnswers("no worker of block \(b) answered; its coordinates are unknown")
      }
      let decodable = canDecode(block: b, received: ArraySlice(local.map { $0 != nil }))
      if !decodable && requireDecoded {
        throw .tooFewAnswers(
          "block \(b): \(survivors.count) of \(blockWorkers) workers answered, a set \(code.rawValue) cannot decode")
      }
      allDecoded = allDecoded && decodable
      let block: [Double]
      do {
        if decodable, let scheme = _scheme {
          block = try scheme.decode(Matrix(column: y), survivors: survivors).storage
        } else if decodable, code == .uncoded || code == .replication {
          var sums = [Double](repeating: 0, count: blockSize)
          var copies = [Double](repeating: 0, count: blockSize)
          for (i, n) in survivors.enumerated() {
            sums[n % blockSize] += y[i]
            copies[n % blockSize] += 1
          }
          block = zip(sums, copies).map { $0 / $1 }
        } else {
          block = try Matrix.leastSquares(generator.selectingRows(survivors), Matrix(column: y))
            .storage
        }
      } catch {
        throw .tooFewAnswers("block \(b) could not be decoded: \(error)")
      }
      for k in 0..<blockSize where b * blockSize + k < dimension {
        gradient[b * blockSize + k] = block[k]
      }
    }
    return (gradient, allDecoded)
  }
}
