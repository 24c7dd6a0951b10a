import ArgumentParser
import CodedComputing
import Foundation

struct LTRunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract:
      "A real sum Σⱼ f(xⱼ) through the in-process or MPI pool with LT or baseline strategies; CSV.",
    discussion: """
      m data points xⱼ are drawn uniformly from --input-range (seeded); function j is f(xⱼ). \
      Each of W workers streams results (LT symbols, or one partial sum for one/uncoded/\
      replication:R) after an injected start-up delay Xⱼ·--time-scale seconds, Xⱼ ~ --latency; \
      the master consumes them in true arrival order and stops every worker as soon as the sum \
      is known. One row per trial: strategy,function,sources,workers,trial,results,seconds,\
      max_abs_error,relative_error — the error of the decoded sum against the sum computed \
      directly by the master. A stream that ends before decoding is an error naming the symbols \
      seen and the sources missing. With --backend mpi, run under `mpirun -np W+1 coded lt run … \
      --backend mpi`: rank 0 is the master and prints, ranks 1…W compute the symbols.
      """)

  @Option(
    help:
      "Built-in function, coordinate-wise (xsinx, sin, sigmoid, square, cube, identity) or on the vector (softmax, sumsquares)."
  )
  var function: String

  @Option(parsing: .unconditional, help: "m, the number of data points (functions).")
  var sources: Int

  @Option(parsing: .unconditional, help: "Dimension d of each data point.")
  var dim: Int = 1

  @Option(
    name: .customLong("input-range"), parsing: .unconditional,
    help: "A:B, the range of the data points.")
  var inputRange: String = "-1:1"

  @Option(parsing: .unconditional, help: "W, the number of workers.")
  var workers: Int = 16

  @Option(help: "one, uncoded, replication:R, lt1, ltr:R or rateless (rateless:R).")
  var strategy: String = "rateless"

  @Option(
    help: "Start-up delay law of the workers (e.g. exponential:0.2, pareto:1,1); none when omitted."
  )
  var latency: String?

  @Option(
    name: .customLong("time-scale"), parsing: .unconditional,
    help: "Seconds per unit of the latency law (delays are clamped to 30 s).")
  var timeScale: Double = 0.001

  @Option(help: "LT decoding: sum or full.")
  var mode: String = "sum"

  @Option(parsing: .unconditional, help: "α: fixed-rate LT strategies draw ⌈α·m′⌉ symbols in all.")
  var redundancy: Double = 2

  @Option(
    name: .customLong("max-results-per-worker"), parsing: .unconditional,
    help: "Bound on each worker's stream (default ⌈8·m/W⌉ + 16).")
  var maximumResults: Int?

  @Option(
    parsing: .unconditional, help: "Compute threads of the pool (default: the number of cores).")
  var threads: Int?

  @Option(parsing: .unconditional, help: "Number of rounds.")
  var trials: Int = 1

  @OptionGroup var common: LTCommonOptions

  @OptionGroup var backend: BackendOptions

  func run() async throws {
    try await reportingErrors {
      // Under --backend mpi only rank 0 runs the body (and prints); ranks 1…W serve as workers,
      // rebuilding the symbols from the producer's `lt-symbols` descriptor.
      try await backend.withPool(workers: workers) { shared in
        try await runTrials(shared)
      }
    }
  }

  /// The trials on `shared` (an MPI pool), or on a fresh in-process pool per trial.
  private func runTrials(_ shared: any WorkerPool) async throws {
    try common.checkSources(sources)
    try common.checkTrials(trials)
    guard dim >= 1, dim <= 1_000_000, sources * dim <= 100_000_000 else {
      throw CLIFailure("--dim must be in 1…1000000 with sources·dim ≤ 10⁸, got \(dim)")
    }
    guard workers >= 1, workers <= 100_000 else {
      throw CLIFailure("--workers must be in 1…100000, got \(workers)")
    }
    guard timeScale >= 0, timeScale.isFinite else {
      throw CLIFailure("--time-scale must be a finite number ≥ 0, got \(timeScale)")
    }
    if let threads, threads < 1 {
      throw CLIFailure("--threads must be at least 1, got \(threads)")
    }
    guard let f = BuiltinFunction(rawValue: function) else {
      throw WorkloadError.unknownFunction(
        function, known: BuiltinFunction.allCases.map(\.rawValue))
    }
    let parsed = try LTStrategy(parsing: strategy)
    if case .replication(let r) = parsed, workers % r != 0 {
      throw CLIFailure(
        "replication:\(r) needs a number of workers divisible by \(r), got \(workers)")
    }
    let decoding = try common.mode(mode)
    guard redundancy > 0, redundancy.isFinite, redundancy <= 1000 else {
      throw CLIFailure("--redundancy must be in (0, 1000], got \(redundancy)")
    }
    let limit = maximumResults ?? ((8 * sources + workers - 1) / workers + 16)
    guard limit >= 1 else {
      throw CLIFailure("--max-results-per-worker must be at least 1, got \(limit)")
    }
    let bounds = inputRange.split(separator: ":", omittingEmptySubsequences: false).map {
      Double($0)
    }
    guard bounds.count == 2, let a = bounds[0], let b = bounds[1], a.isFinite, b.isFinite, a < b
    else {
      throw CLIFailure("--input-range must be A:B with finite A < B, got '\(inputRange)'")
    }
    let model = try latency.map { try common.latency($0, workers: workers) }
    // Generated points: MPI ranks regenerate them from the recipe (the descriptor carries the
    // range, the seed and a checksum, not m·d numbers).
    let recipe = LTInputRecipe(rows: sources, columns: dim, range: a...b, seed: common.seed)
    let inputs = recipe.make()
    let direct = try LTSumProducer.directSum(of: f, inputs: inputs)
    let scale = direct.map(abs).max() ?? 0
    var lines = [
      "strategy,function,sources,workers,trial,results,seconds,max_abs_error,relative_error"
    ]
    var progress = LTProgress(total: trials, label: "lt run \(parsed)")
    for trial in 0..<trials {
      var generator = common.generator(trial: trial)
      let delays = model.map { law in
        law.sample(count: workers, using: &generator).map {
          Duration.seconds(Swift.min($0 * timeScale, 30))
        }
      }
      let pool: any WorkerPool =
        shared is InProcessWorkerPool ? InProcessWorkerPool(maxConcurrentWorkers: threads) : shared
      let result = try await runLTRound(
        parsed, workload: f, inputs: inputs, pool: pool, workers: workers, mode: decoding,
        redundancy: redundancy, c: common.c, delta: common.delta,
        seed: common.seed &+ UInt64(trial),
        maximumResults: limit, injectedDelays: delays, inputRecipe: recipe)
      guard let sum = result.sum, let seconds = result.seconds else {
        throw LTError.streamEnded(
          symbolsSeen: result.resultsConsumed, sourcesMissing: result.missing)
      }
      let error = zip(sum, direct).map { abs($0 - $1) }.max() ?? 0
      let relative = scale > 0 ? error / scale : error
      let numbers = try [seconds, error, relative].map(finiteCSV)
      lines.append(
        "\(parsed),\(f.rawValue),\(sources),\(workers),\(trial),\(result.resultsConsumed),"
          + numbers.joined(separator: ","))
      progress.step(trial + 1, "results=\(result.resultsConsumed)")
    }
    try common.emit(lines)
  }
}
