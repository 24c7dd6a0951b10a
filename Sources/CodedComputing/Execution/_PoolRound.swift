/// The shared, lock-protected state of one round of an ``InProcessWorkerPool``.
///
/// Workers ``record(worker:_:)`` their results from any thread. The round *freezes* exactly once
/// — when the stopping rule holds for the arrived set, when it can no longer hold (the failures
/// leave too little), at the deadline, or when the caller is cancelled — and from then on ignores late results and
/// resumes the master waiting in ``waitUntilFrozen()``. After the freeze the state never changes,
/// so the master reads a consistent ``snapshot()``.
final class _PoolRound: Sendable {
  struct State {
    var outputs: [[Double]?]
    var durations: [Double?]
    var received: [Bool]
    var failed: [Bool]
    var failures: [Int: String] = [:]
    var arrivals: [Arrival] = []
    var answered = 0
    var satisfied = false
    var frozen = false
    var master: CheckedContinuation<Void, Never>?
  }

  let workers: Int
  let rule: StoppingRule
  let outputDimension: Int
  let start: ContinuousClock.Instant
  private let state: _Locked<State>

  init(workers: Int, rule: StoppingRule, outputDimension: Int) {
    self.workers = workers
    self.rule = rule
    self.outputDimension = outputDimension
    state = _Locked(
      State(
        outputs: Array(repeating: nil, count: workers),
        durations: Array(repeating: nil, count: workers),
        received: Array(repeating: false, count: workers),
        failed: Array(repeating: false, count: workers)))
    start = ContinuousClock.now
  }

  var isFrozen: Bool { state.withLock { $0.frozen } }

  /// Records worker `n`'s result (ignored after the freeze), freezing the round when the stopping
  /// rule holds or can no longer hold.
  func record(worker n: Int, _ result: _WorkerResult) {
    let elapsed = (ContinuousClock.now - start).inSeconds
    let master = state.withLock { state -> CheckedContinuation<Void, Never>? in
      guard !state.frozen else { return nil }
      state.durations[n] = elapsed
      switch result {
      case .output(let y):
        state.outputs[n] = y
        state.received[n] = true
        state.answered += 1
        state.arrivals.append(Arrival(worker: n, seconds: elapsed))
        guard rule.isSatisfied(by: state.received, count: state.answered) else { return nil }
        state.satisfied = true
      case .failure(let message):
        state.failures[n] = message
        state.failed[n] = true
        guard !rule.isReachable(failed: state.failed, failures: state.failures.count) else {
          return nil
        }
      }
      return Self._freeze(&state)
    }
    master?.resume()
  }

  /// Freezes the round now (deadline or cancellation); a no-op when already frozen.
  func freeze() {
    let master = state.withLock { state -> CheckedContinuation<Void, Never>? in
      guard !state.frozen else { return nil }
      return Self._freeze(&state)
    }
    master?.resume()
  }

  /// Suspends until the round is frozen (returns at once if it already is).
  func waitUntilFrozen() async {
    await withCheckedContinuation { (master: CheckedContinuation<Void, Never>) in
      let alreadyFrozen = state.withLock { state in
        if state.frozen { return true }
        state.master = master
        return false
      }
      if alreadyFrozen { master.resume() }
    }
  }

  /// The state; call after the freeze, when it no longer changes.
  func snapshot() -> State {
    state.withLock { state in
      precondition(state.frozen, "snapshot of a round that is still running")
      var copy = state
      copy.master = nil
      return copy
    }
  }

  /// What a compute thread does for worker `n`: f(row n), checked, then recorded. Skips the
  /// evaluation when the round froze while the worker was queued.
  func compute(worker n: Int, inputs: Matrix, workload: any Workload) {
    guard !isFrozen else { return }
    let result: _WorkerResult
    do {
      result = .checking(try workload.evaluate(inputs.row(n)), expected: outputDimension)
    } catch {
      result = .failure(String(describing: error))
    }
    record(worker: n, result)
  }


  private static func _freeze(_ state: inout State) -> CheckedContinuation<Void, Never>? {
    state.frozen = true
    defer { state.master = nil }
    return state.master
  }
}
