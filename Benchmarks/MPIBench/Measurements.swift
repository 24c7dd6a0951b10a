import CodedComputing
import CodedComputingMPI
import Foundation

/// Resident set size of this process in KiB (/proc/self/status VmRSS).
func residentKiB() -> Int {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
    return -1
  }
  for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
  }
  return -1
}

/// The CPU model (`lscpu`'s "Model name").
func cpuModel() -> String {
  guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
    return "unknown"
  }
  let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
  return line.map {
    $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
      ?? ""
  } ?? "unknown"
}

func percentile(_ values: [Double], _ p: Double) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return .nan }
  let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
  return sorted[min(max(rank, 0), sorted.count - 1)]
}

func write(_ lines: [String], to name: String) throws {
  try FileManager.default.createDirectory(
    atPath: outputDirectory, withIntermediateDirectories: true)
  let path = "\(outputDirectory)/\(name)"
  try CSVTable.writeAtomically(lines.joined(separator: "\n") + "\n", to: path)
  print("wrote \(path)")
}

/// 500 rounds (LeTCC, K = 8, d = 32, f = sigmoid) over every worker rank with exponential
/// injected delays (mean 2 ms) and S = 2: per-round latency on the master, RSS at rounds 50 and
/// 500.
func soak(_ pool: MPIWorkerPool) async throws {
  let rounds = option("rounds", 500)
  let n = pool.workerCount
  let (k, d, s) = (8, 32, 2)
  let code = try SplineCode(
    inputCount: k, workerCount: n, decoderLambda: .optimal, plannedStragglers: s)
  let inputs = uniformInputs(count: k, dimension: d, range: -1...1, seed: 1)
  let truth = BuiltinFunction.sigmoid.evaluate(batch: inputs)
  var generator = SplitMix64(seed: 2)
  let latency = LatencyModel.exponential(rate: 500)
  var seconds: [Double] = []
  var rss: [Int: Int] = [:]
  var worstError = 0.0
  var lines = ["round,seconds,survivors,rss_kib"]
  for r in 1...rounds {
    let start = ContinuousClock.now
    let coded = try code.encode(inputs)
    let delays = latency.sample(count: n, using: &generator).map { Duration.seconds($0) }
    let outcome = try await pool.run(
      Round(
        inputs: coded, workload: BuiltinFunction.sigmoid, stoppingRule: .count(n - s),
        deadline: .seconds(10), injectedDelays: delays))
    let estimates = try code.decode(outcome.outputs, survivors: outcome.survivors)
    let elapsed = (ContinuousClock.now - start).inSeconds
    worstError = max(worstError, meanSquaredError(estimates, truth))
    seconds.append(elapsed)
    let resident = r == 1 || r == 50 || r % 50 == 0 ? residentKiB() : -1
    if resident > 0 { rss[r] = resident }
    lines.append("\(r),\(elapsed),\(outcome.survivors.count),\(resident > 0 ? "\(resident)" : "")")
  }
  try write(lines, to: "soak-rounds.csv")
  let summary = [
    "workers,rounds,K,d,stragglers,p50_seconds,p99_seconds,max_seconds,rss_kib_round50,"
      + "rss_kib_round\(rounds),worst_mse,cpu",
    "\(n),\(rounds),\(k),\(d),\(s),\(percentile(seconds, 50)),\(percentile(seconds, 99)),"
      + "\(seconds.max() ?? .nan),\(rss[50] ?? -1),\(rss[rounds] ?? -1),\(worstError),"
      + "\"\(cpuModel())\"",
  ]
  try write(summary, to: "soak-summary.csv")
  print(summary.joined(separator: "\n"))
}

/// Master-side time per round — encode + send + receive + decode — on the MPI pool and on the
/// in-process pool, same code (LeTCC), same inputs (K × d), N = the worker ranks, f = sigmoid,
/// every worker awaited.
func overhead(_ pool: MPIWorkerPool) async throws {
  let rounds = option("rounds", 30)
  let k = option("K", 100)
  let d = option("dim", 784)
  let n = pool.workerCount
  let code = try SplineCode(inputCount: k, workerCount: n)
  let inputs = uniformInputs(count: k, dimension: d, range: -1...1, seed: 1)
  var lines = [
    "backend,K,N,d,rounds,encode_ms_p50,round_ms_p50,round_ms_p99,decode_ms_p50,total_ms_p50,"
      + "total_ms_mean,cpu"
  ]
  for (name, backend) in [
    ("inprocess", InProcessWorkerPool() as any WorkerPool), ("mpi", pool as any WorkerPool),
  ] {
    var encode: [Double] = []
    var round: [Double] = []
    var decode: [Double] = []
    var total: [Double] = []
    for r in 0...rounds {
      let t0 = ContinuousClock.now
      let coded = try code.encode(inputs)
      let t1 = ContinuousClock.now
      let outcome = try await backend.run(
        Round(
          inputs: coded, workload: BuiltinFunction.sigmoid, stoppingRule: .count(n),
          deadline: .seconds(60)))
      let t2 = ContinuousClock.now
      _ = try code.decode(outcome.outputs, survivors: outcome.survivors)
      let t3 = ContinuousClock.now
      guard r > 0 else { continue }  // the first round warms up (descriptor, buffers)
      encode.append((t1 - t0).inSeconds * 1000)
      round.append((t2 - t1).inSeconds * 1000)
      decode.append((t3 - t2).inSeconds * 1000)
      total.append((t3 - t0).inSeconds * 1000)
    }
    lines.append(
      "\(name),\(k),\(n),\(d),\(rounds),\(percentile(encode, 50)),\(percentile(round, 50)),"
        + "\(percentile(round, 99)),\(percentile(decode, 50)),\(percentile(total, 50)),"
        + "\(total.reduce(0, +) / Double(total.count)),\"\(cpuModel())\""
    )
  }
  try write(lines, to: "overhead.csv")
  print(lines.joined(separator: "\n"))
}

/// Streaming rounds on the worker ranks — a consumer that stops after 30 results, producers that
/// run out after 5 results each, endless producers stopped by a 0.3 s deadline — then
/// ``roundChecks(_:)``. Prints what arrived; exits 1 when it is not what it must be.
func streamCheck(_ pool: MPIWorkerPool) async throws {
  let n = pool.workerCount
  let (stopped, seen) = try await pool.stream(
    StreamingRound(
      workers: n, producer: CounterProducer(workload: CounterWorkload(limit: 1000)),
      deadline: .seconds(30), maximumResultsPerWorker: 1000),
    initialState: [StreamedResult]()
  ) { seen, result in
    seen.append(result)
    return seen.count == 30 ? .stop : .continue
  }
  let consistent = seen.allSatisfy {
    $0.values == [Double($0.worker), Double($0.index), Double($0.index * $0.index)]
  }
  print(
    "stop: ending=\(stopped.ending) delivered=\(stopped.delivered) consistent=\(consistent) "
      + "workers=\(Set(seen.map(\.worker)).count)"
  )
  let (exhausted, count) = try await pool.stream(
    StreamingRound(
      workers: n, producer: CounterProducer(workload: CounterWorkload(limit: 5)),
      deadline: .seconds(30)),
    initialState: 0
  ) { count, _ in
    count += 1
    return .continue
  }
  print(
    "exhaust: ending=\(exhausted.ending) delivered=\(count) "
      + "per-worker=\(exhausted.resultsPerWorker)"
  )
  let (endless, _) = try await pool.stream(
    StreamingRound(
      workers: n, producer: CounterProducer(workload: CounterWorkload(limit: 1 << 40)),
      deadline: .milliseconds(300)),
    initialState: 0
  ) { count, _ in
    count += 1
    return .continue
  }
  print("deadline: ending=\(endless.ending) seconds-under-1=\(endless.seconds < 1)")
  guard stopped.ending == .stopped, stopped.delivered == 30, consistent,
    exhausted.ending == .exhausted,
    count == 5 * n, exhausted.resultsPerWorker == Array(repeating: 5, count: n),
    endless.ending == .deadline, endless.seconds < 1
  else { fail("the streaming rounds did not deliver what the producers made") }
  try await roundChecks(pool)
}

/// Plain rounds: per-worker times and arrivals are reported; a deadline ends a round of workers
/// that all sleep 5 s within a fraction of a second.
func roundChecks(_ pool: MPIWorkerPool) async throws {
  let n = pool.workerCount
  let inputs = uniformInputs(count: n, dimension: 3, range: -1...1, seed: 3)
  // Worker n sleeps n·20 ms: the arrivals come in worker order.
  let outcome = try await pool.run(
    Round(
      inputs: inputs, workload: BuiltinFunction.sin, stoppingRule: .count(n),
      injectedDelays: (0..<n).map { .milliseconds(20 * $0) }))
  let order = outcome.arrivals.map(\.worker)
  let timed = outcome.durations.allSatisfy { $0 != nil }
  let late = outcome.durations.last.flatMap { $0 }.map { $0 >= 0.02 * Double(n - 1) } ?? false
  print("times: arrival-order=\(order) all-timed=\(timed) last-waited-its-delay=\(late)")
  let start = ContinuousClock.now
  var deadlineError = ""
  do {
    _ = try await pool.run(
      Round(
        inputs: inputs, workload: BuiltinFunction.sin, stoppingRule: .count(1),
        deadline: .milliseconds(300), injectedDelays: Array(repeating: .seconds(5), count: n)))
  } catch { deadlineError = "\(error)" }
  let waited = (ContinuousClock.now - start).inSeconds
  print("deadline-round: error=\(deadlineError) under-1s=\(waited < 1)")
  // Workers computing 1.2 s with a silence limit of 0.4 s: their heartbeats (every 0.25 s,
  // sent while f runs) keep them alive.
  var strict = pool
  strict.unresponsiveTimeout = .milliseconds(400)
  let slow = try await strict.run(
    Round(inputs: inputs, workload: SlowWorkload(seconds: 1.2), stoppingRule: .count(n)))
  let alive = slow.failures.isEmpty && slow.survivors == Array(0..<n)
  print("heartbeat: answered=\(slow.survivors.count) failures=\(slow.failures.count)")
  guard order == Array(0..<n), timed, late, !deadlineError.isEmpty, waited < 1, alive else {
    fail("round timing checks failed")
  }
}
