import CodedComputing
import Dispatch
import Foundation
import Synchronization
import Testing

/// Counts and tracks evaluations across worker threads.
private final class Probe: Sendable {
  let evaluations = Atomic<Int>(0)
  let running = Atomic<Int>(0)
  let maxRunning = Atomic<Int>(0)
  let started = Atomic<Bool>(false)

  func enter() {
    evaluations.add(1, ordering: .relaxed)
    let now = running.add(1, ordering: .relaxed).newValue
    maxRunning.max(now, ordering: .relaxed)
  }

  func leave() { running.subtract(1, ordering: .relaxed) }

  var didStart: Bool { started.load(ordering: .relaxed) }
  var evaluationCount: Int { evaluations.load(ordering: .relaxed) }
  var peakConcurrency: Int { maxRunning.load(ordering: .relaxed) }
}

/// A task executor with one dedicated thread, for the test's own code (the master).
///
/// Swift Testing runs suites in parallel on the cooperative pool; CPU-heavy tests elsewhere can
/// hold its threads for seconds, and then a master waiting there would resume late and the wall
/// time bounds below would measure the other tests. With this preference the master resumes on
/// its own thread (the pool's workers and timers already run on theirs).
private final class MasterExecutor: TaskExecutor, @unchecked Sendable {
  static let shared = MasterExecutor()
  private let lock = NSLock()
  private var jobs: [UnownedJob] = []  // guarded by lock
  private let available = DispatchSemaphore(value: 0)

  private init() {
    let thread = Thread { [self] in run() }
    thread.name = "pool-tests-master"
    thread.start()
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    lock.withLock { jobs.append(job) }
    available.signal()
  }

  private func run() {
    while true {
      available.wait()
      let job = lock.withLock { jobs.removeFirst() }
      job.runSynchronously(on: asUnownedTaskExecutor())
    }
  }
}

/// Row n = [n, n + 0.5, −n/3]: the first coordinate names the worker.
private func codedInputs(_ workers: Int) -> Matrix {
  Matrix(rows: (0..<workers).map { n in [Double(n), Double(n) + 0.5, -Double(n) / 3] })
}

private func seconds(since start: ContinuousClock.Instant) -> Double {
  let (s, atto) = (ContinuousClock.now - start).components
  return Double(s) + Double(atto) * 1e-18
}

/// Spins without ever checking for cancellation, for `duration` seconds of wall time.
private func busyLoop(_ duration: Double) -> Double {
  let start = ContinuousClock.now
  var x = 0.0
  while seconds(since: start) < duration { x += 1 }
  return x
}

// Timing bounds are generous (the machine is shared by several builds): "early" means well under
// the injected delay, which is 10–50× larger than the bound.
@Suite("InProcessWorkerPool", .serialized, .timeLimit(.minutes(1)))
struct InProcessWorkerPoolTests {
  /// f(x) = [x₀ + x₁·x₂, sin x₁] (m = 2), computed again independently in the checks below.
  static let f = ClosureWorkload(name: "probe", outputDimension: { _ in 2 }) { x in
    [x[0] + x[1] * x[2], sin(x[1])]
  }

  @Test("every worker computes f on its own row", arguments: [1, 2, 8])
  func outputsMatchRows(cap: Int) async throws {
    let inputs = codedInputs(9)
    let outcome = try await InProcessWorkerPool(maxConcurrentWorkers: cap).run(
      inputs: inputs, workload: Self.f, quorum: 9, deadline: .seconds(30))
    #expect(outcome.survivors == Array(0..<9))
    #expect(outcome.outputs.rows == 9 && outcome.outputs.columns == 2)
    for n in 0..<9 {
      let (a, b, c) = (Double(n), Double(n) + 0.5, -Double(n) / 3)
      #expect(outcome.outputs.row(n) == [a + b * c, sin(b)])
      #expect(outcome.durations[n] != nil)
    }
    #expect(outcome.failures.isEmpty && outcome.cancelled.isEmpty)
  }

  @Test("with a smaller quorum, exactly quorum survivors with their own outputs")
  func partialQuorum() async throws {
    let inputs = codedInputs(20)
    let outcome = try await InProcessWorkerPool().run(
      inputs: inputs, workload: BuiltinFunction.xsinx, quorum: 13, deadline: nil)
    #expect(outcome.survivors.count == 13)
    #expect(outcome.survivors == outcome.survivors.sorted())
    for (i, n) in outcome.survivors.enumerated() {
      #expect(outcome.outputs.row(i) == inputs.row(n).map { $0 * sin($0) })
    }
    #expect(Set(outcome.survivors).union(outcome.cancelled) == Set(0..<20))
    #expect(Set(outcome.survivors).isDisjoint(with: outcome.cancelled))
    for n in outcome.cancelled { #expect(outcome.durations[n] == nil) }
  }

  @Test("returns at the quorum and cancels a 10 s straggler, which never computes")
  func returnsEarlyAndCancels() async throws {
    try await withTaskExecutorPreference(MasterExecutor.shared) {
      let probe = Probe()
      let f = ClosureWorkload(name: "counted") { x in
        probe.enter()
        defer { probe.leave() }
        return x
      }
      var delays = [Duration](repeating: .zero, count: 6)
      delays[4] = .seconds(10)
      let pool = InProcessWorkerPool(injectedDelays: delays)
      let start = ContinuousClock.now
      let outcome = try await pool.run(
        inputs: codedInputs(6), workload: f, quorum: 5, deadline: nil)
      let elapsed = seconds(since: start)
      #expect(elapsed < 1, "returned after \(elapsed) s")
      #expect(outcome.survivors == [0, 1, 2, 3, 5])
      #expect(outcome.cancelled == [4])
      #expect(outcome.durations[4] == nil)
      #expect(outcome.durations.enumerated().allSatisfy { $0.offset == 4 || $0.element != nil })
      // The cancelled worker's sleep was really cancelled: it never reaches f.
      try await Task.sleep(for: .milliseconds(100))
      #expect(probe.evaluationCount == 5)
    }
  }

  @Test("latency-driven stragglers: a slow set from LatencyModel is exactly who straggles")
  func latencyModelDelays() async throws {
    try await withTaskExecutorPreference(MasterExecutor.shared) {
      let model = try LatencyModel(parsing: "slow-set:1,6@0,20")
      var generator = SplitMix64(seed: 1)
      let latencies = model.sample(count: 8, using: &generator)
      let stragglers = LatencyModel.slowest(2, of: latencies)
      let start = ContinuousClock.now
      let outcome = try await InProcessWorkerPool(latencies: latencies).run(
        inputs: codedInputs(8), workload: Self.f, quorum: 6, deadline: .seconds(5))
      #expect(seconds(since: start) < 1)
      #expect(stragglers == [1, 6])
      #expect(outcome.cancelled == stragglers)
      #expect(outcome.survivors == [0, 2, 3, 4, 5, 7])
    }
  }

  @Test("delays are measured from the start of the round")
  func delayedDurations() async throws {
    try await withTaskExecutorPreference(MasterExecutor.shared) {
      let pool = InProcessWorkerPool(latencies: [0, 0.1, 0.2])
      let outcome = try await pool.run(
        inputs: codedInputs(3), workload: Self.f, quorum: 3, deadline: nil)
      let durations = outcome.durations.map { $0 ?? -1 }
      #expect(durations[0] >= 0 && durations[0] < 0.1)
      #expect(durations[1] >= 0.1 && durations[1] < 0.6)
      #expect(durations[2] >= 0.2 && durations[2] < 0.7)
    }
  }

  @Test("emulated latencies fire on time while the cooperative pool is busy")
  func timersIgnoreCooperativeStarvation() async throws {
    try await withTaskExecutorPreference(MasterExecutor.shared) {
      // Hold the cooperative threads in synchronous spinning for about 1 s (16 × 0.15 s of work
      // on a pool one thread per core wide).
      let hogs = (0..<16).map { _ in
        Task.detached { busyLoop(0.15) }
      }
      try await Task.sleep(for: .milliseconds(20))  // on the master thread
      let start = ContinuousClock.now
      // Witness: a task on the cooperative pool that wants to wake after 10 ms.
      let witness = Task.detached {
        try? await Task.sleep(for: .milliseconds(10))
        return seconds(since: start)
      }
      let pool = InProcessWorkerPool(latencies: [0.3, 0.1, 0.2, 0.05, 5])
      let outcome = try await pool.run(
        inputs: codedInputs(5), workload: Self.f, quorum: 2, deadline: nil)
      let elapsed = seconds(since: start)
      // The two smallest delays win, on time, although no cooperative thread is free for about 1 s.
      #expect(outcome.survivors == [1, 3])
      #expect(elapsed < 0.4, "returned after \(elapsed) s")
      #expect((outcome.durations[3] ?? 1) < 0.3 && (outcome.durations[1] ?? 1) < 0.3)
      for hog in hogs { _ = await hog.value }
      let woke = await witness.value
      #expect(woke > 0.5, "the cooperative pool was free after \(woke) s: the test proves nothing")
    }
  }

  @Test("a worker that throws, returns the wrong length or NaN is a straggler with a message")
  func failuresAreStragglers() async throws {
    let f = ClosureWorkload(name: "flaky") { x -> [Double] in
      switch Int(x[0]) {
      case 1: return [1, 2]  // m is 3
      case 2: throw WorkloadError.failed("worker 2 exploded")
      case 3: return [0, .nan, 0]
      default: return x
      }
    }
    // One compute thread: jobs run in worker order, so 1, 2, 3 have failed before 5 answers.
    let outcome = try await InProcessWorkerPool(maxConcurrentWorkers: 1).run(
      inputs: codedInputs(6), workload: f, quorum: 3, deadline: .seconds(30))
    #expect(outcome.survivors == [0, 4, 5])
    #expect(outcome.failures[1] == "the function returned 2 values, expected 3")
    #expect(outcome.failures[2] == "worker 2 exploded")
    #expect(outcome.failures[3] == "the function returned a non-finite value (nan) at coordinate 1")
    #expect(outcome.cancelled.isEmpty)
    #expect(outcome.durations.allSatisfy { $0 != nil })
    #expect(outcome.outputs.row(1) == [4, 4.5, -4 / 3])
  }

  @Test("all workers failing throws quorumNotReached instead of hanging")
  func allFail() async {
    let f = ClosureWorkload(name: "broken") { _ in throw WorkloadError.failed("no") }
    let pool = InProcessWorkerPool()
    await #expect(throws: PoolError.quorumNotReached(quorum: 1, answered: 0, failures: 5)) {
      try await pool.run(inputs: codedInputs(5), workload: f, quorum: 1, deadline: nil)
    }
    // Unreachable as soon as N − quorum + 1 = 3 have failed.
    await #expect(throws: PoolError.quorumNotReached(quorum: 3, answered: 0, failures: 3)) {
      try await pool.run(inputs: codedInputs(5), workload: f, quorum: 3, deadline: nil)
    }
  }

  @Test("a workload that rejects the input dimension fails the round")
  func rejectedDimension() async {
    await #expect(throws: PoolError.quorumNotReached(quorum: 2, answered: 0, failures: 4)) {
      try await InProcessWorkerPool().run(
        inputs: Matrix(rows: 4, columns: 3), workload: _FixedInputDimension(), quorum: 2,
        deadline: nil)
    }
  }

  @Test("invalid quorum", arguments: [0, 5, -1])
  func invalidQuorum(quorum: Int) async {
    await #expect(throws: PoolError.invalidQuorum(quorum: quorum, workers: 4)) {
      try await InProcessWorkerPool().run(
        inputs: codedInputs(4), workload: Self.f, quorum: quorum, deadline: nil)
    }
  }

  @Test("the deadline is honoured while workers sleep")
  func deadline() async {
    await withTaskExecutorPreference(MasterExecutor.shared) {
      let pool = InProcessWorkerPool(latencies: [0, 0, 5, 5])
      let start = ContinuousClock.now
      await #expect(throws: PoolError.quorumNotReached(quorum: 3, answered: 2, failures: 0)) {
        try await pool.run(
          inputs: codedInputs(4), workload: Self.f, quorum: 3, deadline: .milliseconds(200))
      }
      let elapsed = seconds(since: start)
      #expect(elapsed >= 0.19 && elapsed < 1, "threw after \(elapsed) s")

      let allSlow = InProcessWorkerPool(latencies: [5, 5, 5, 5])
      let again = ContinuousClock.now
      await #expect(throws: PoolError.quorumNotReached(quorum: 2, answered: 0, failures: 0)) {
        try await allSlow.run(
          inputs: codedInputs(4), workload: Self.f, quorum: 2, deadline: .milliseconds(200))
      }
      #expect(seconds(since: again) < 1)
    }
  }

  @Test("a worker stuck in a non-cancellable busy loop does not hold up the master")
  func stuckBusyLoop() async throws {
    try await withTaskExecutorPreference(MasterExecutor.shared) {
      let probe = Probe()
      // Worker 0 is taken first by a compute thread and spins for 1 s ignoring cancellation.
      let f = ClosureWorkload(name: "stuck") { x in
        if x[0] == 0 {
          probe.started.store(true, ordering: .relaxed)
          return [busyLoop(1.0), 0, 0]
        }
        return x
      }
      let pool = InProcessWorkerPool(maxConcurrentWorkers: 2)

      var start = ContinuousClock.now
      await #expect(throws: PoolError.quorumNotReached(quorum: 3, answered: 2, failures: 0)) {
        try await pool.run(
          inputs: codedInputs(3), workload: f, quorum: 3, deadline: .milliseconds(200))
      }
      var elapsed = seconds(since: start)
      #expect(probe.didStart)
      #expect(elapsed >= 0.19 && elapsed < 0.8, "threw after \(elapsed) s")

      probe.started.store(false, ordering: .relaxed)
      start = ContinuousClock.now
      let outcome = try await pool.run(
        inputs: codedInputs(3), workload: f, quorum: 2, deadline: nil)
      elapsed = seconds(since: start)
      #expect(probe.didStart)
      #expect(elapsed < 0.5, "returned after \(elapsed) s")
      #expect(outcome.survivors == [1, 2])
      #expect(outcome.cancelled == [0])
      #expect(outcome.durations[0] == nil)
    }
  }

  @Test("maxConcurrentWorkers caps concurrent computations", arguments: [1, 2])
  func cap(cap: Int) async throws {
    let probe = Probe()
    let f = ClosureWorkload(name: "blocking") { x in
      probe.enter()
      defer { probe.leave() }
      Thread.sleep(forTimeInterval: 0.03)
      return x
    }
    let start = ContinuousClock.now
    _ = try await InProcessWorkerPool(maxConcurrentWorkers: cap).run(
      inputs: codedInputs(4), workload: f, quorum: 4, deadline: nil)
    let maxRunning = probe.peakConcurrency
    #expect(maxRunning >= 1 && maxRunning <= cap)
    // 4 blocking 30 ms computations, at most `cap` at a time.
    #expect(seconds(since: start) >= 0.12 / Double(cap) - 0.005)
  }

  @Test("random rounds keep the outcome consistent (survivors, failures, cancelled partition N)")
  func randomRounds() async throws {
    var generator = SplitMix64(seed: 77)
    // Worker n fails when its third coordinate is 1.
    let f = ClosureWorkload(name: "sometimes", outputDimension: { _ in 1 }) { x in
      if x[2] == 1 { throw WorkloadError.failed("failed \(Int(x[0]))") }
      return [2 * x[0] + x[1]]
    }
    var (returned, thrown) = (0, 0)
    for round in 0..<120 {
      let workers = Int.random(in: 1...16, using: &generator)
      let quorum = Int.random(in: 1...workers, using: &generator)
      let failing = (0..<workers).map { _ in uniformUnit(using: &generator) < 0.2 }
      let inputs = Matrix(
        rows: (0..<workers).map { n in [Double(n), Double(round), failing[n] ? 1 : 0] })
      let latencies = (0..<workers).map { _ in
        uniformUnit(using: &generator) < 0.5 ? 0 : 0.002 * uniformUnit(using: &generator)
      }
      let cap = Int.random(in: 1...3, using: &generator)
      let pool = InProcessWorkerPool(maxConcurrentWorkers: cap, latencies: latencies)
      let failures = failing.filter { $0 }.count
      do {
        let outcome = try await pool.run(
          inputs: inputs, workload: f, quorum: quorum, deadline: .seconds(20))
        returned += 1
        #expect(workers - failures >= quorum)
        #expect(outcome.survivors.count == quorum)
        #expect(outcome.survivors.allSatisfy { !failing[$0] })
        #expect(outcome.failures.keys.allSatisfy { failing[$0] })
        for (i, n) in outcome.survivors.enumerated() {
          #expect(outcome.outputs.row(i) == [2 * Double(n) + Double(round)])
        }
        let parts = outcome.survivors + Array(outcome.failures.keys) + outcome.cancelled
        #expect(parts.sorted() == Array(0..<workers))
        for n in 0..<workers {
          #expect((outcome.durations[n] == nil) == outcome.cancelled.contains(n))
        }
      } catch {
        // Only when the failing workers make the quorum unreachable, and it says so at once.
        thrown += 1
        #expect(workers - failures < quorum)
        #expect(
          error
            == .quorumNotReached(
              quorum: quorum, answered: error.answered, failures: workers - quorum + 1))
      }
    }
    #expect(returned > 60 && thrown > 5, "\(returned) rounds returned, \(thrown) threw")
  }

  @Test("cancelling the caller's task ends the round at once")
  func callerCancellation() async {
    await withTaskExecutorPreference(MasterExecutor.shared) {
      let pool = InProcessWorkerPool(latencies: [10, 10, 10])
      let start = ContinuousClock.now
      let task = Task(executorPreference: MasterExecutor.shared) {
        try await pool.run(inputs: codedInputs(3), workload: Self.f, quorum: 1, deadline: nil)
      }
      try? await Task.sleep(for: .milliseconds(50))
      task.cancel()
      let result = await task.result
      #expect(seconds(since: start) < 1)
      switch result {
      case .failure(let error as PoolError):
        #expect(error == .quorumNotReached(quorum: 1, answered: 0, failures: 0))
      default:
        Issue.record("expected quorumNotReached, got \(result)")
      }
    }
  }
}

extension PoolError {
  fileprivate var answered: Int {
    if case .quorumNotReached(_, let answered, _) = self { return answered }
    return -1
  }
}

/// Takes only inputs of dimension 2.
private struct _FixedInputDimension: Workload {
  var name: String { "two-only" }
  func outputDimension(inputDimension d: Int) throws -> Int {
    guard d == 2 else { throw WorkloadError.wrongInputDimension(expected: 2, actual: d) }
    return 1
  }
  func evaluate(_ input: [Double]) throws -> [Double] { [input[0] + input[1]] }
}
