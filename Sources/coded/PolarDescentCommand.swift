import ArgumentParser
import CodedComputing

struct PolarDescentCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "descent",
    abstract:
      "Coded gradient descent (least squares or logistic) per scheme: time to accuracy; CSV.",
    discussion: """
      Every iteration runs A·w and Aᵀ·r as two rounds on the in-process pool, each worker delayed \
      by a fresh draw of --latency times --time-unit seconds; the pool stops at the scheme's rule \
      (polar: first decodable set; mds: K arrivals; uncoded: all K; replication: a copy of every \
      block). Rows: scheme,problem,latency,workers,data_blocks,reached,iterations_to_target,\
      seconds_to_target,seconds_per_iteration,final_relative_gradient,model_seconds_to_target \
      (model seconds: --time-unit × the scheme's job time on each round's drawn latencies, summed — \
      the wall time without pool and master overheads, free of machine load). The target is \
      ||grad f(w)|| <= --tolerance · ||grad f(0)||; when it is not reached (reached = 0) the \
      iteration count and seconds are those of the whole run. --trace FILE adds every iteration \
      (scheme,problem,latency,iteration,seconds,relative_gradient,model_seconds).
      """)

  @OptionGroup var common: PolarCommonOptions

  @OptionGroup var blocks: PolarDataBlocksOption

  @Option(help: "Run-time law of one task (units of --time-unit seconds).")
  var latency: String

  @Option(help: "least-squares or logistic.")
  var problem: String = "least-squares"

  @Option(help: "Rows n of A.")
  var rows: Int = 2048

  @Option(help: "Features p (columns of A).")
  var features: Int = 64

  @Option(help: "Iteration cap.")
  var iterations: Int = 500

  @Option(help: "Target relative gradient norm.")
  var tolerance: Double = 1e-6

  @Option(name: .customLong("time-unit"), help: "Seconds per unit of the latency law.")
  var timeUnit: Double = 0.001

  @Option(help: "Polar construction: bec:EPS, deadline:T or mean.")
  var construction: String = "mean"

  @Option(help: "Comma-separated schemes among polar, mds, uncoded, replication.")
  var schemes: String = "polar,mds,uncoded,replication"

  @Option(help: "Also write every iteration to FILE.")
  var trace: String?

  func run() async throws {
    try await reportingErrors {
      let (workers, dataBlocks) = try blocks.checked(common)
      guard let kind = DescentProblem(rawValue: problem) else {
        throw CLIFailure("unknown --problem '\(problem)' (known: least-squares, logistic)")
      }
      guard rows >= dataBlocks, features >= dataBlocks, rows <= 1 << 20, features <= 4096,
        rows * features <= 1 << 24
      else {
        throw CLIFailure(
          "--rows and --features must be >= K = \(dataBlocks), rows <= 2^20, features <= 4096 and rows·features <= 2^24 (got \(rows) × \(features))"
        )
      }
      guard iterations >= 1 && iterations <= 100_000 else {
        throw CLIFailure("--iterations must be in 1...100000, got \(iterations)")
      }
      guard tolerance > 0 && tolerance < 1 else {
        throw CLIFailure("--tolerance must be in (0, 1), got \(tolerance)")
      }
      guard timeUnit >= 0 && timeUnit <= 1 else {
        throw CLIFailure("--time-unit must be in [0, 1] seconds, got \(timeUnit)")
      }
      let law = try parsePolarLatency(latency, workers: workers)
      let polarConstruction = try parsePolarConstruction(construction, workers: workers)
      var chosen: [LinearScheme] = []
      for name in schemes.split(separator: ",", omittingEmptySubsequences: false) {
        guard let scheme = LinearScheme(rawValue: String(name)) else {
          throw CLIFailure(
            "unknown scheme '\(name)' in --schemes (known: polar, mds, uncoded, replication)")
        }
        chosen.append(scheme)
      }
      let (a, labels) = kind.syntheticData(rows: rows, features: features, seed: common.seed)
      var lines = [
        "scheme,problem,latency,workers,data_blocks,reached,iterations_to_target,seconds_to_target,seconds_per_iteration,final_relative_gradient,model_seconds_to_target"
      ]
      var traceLines = ["scheme,problem,latency,iteration,seconds,relative_gradient,model_seconds"]
      for scheme in chosen {
        var generator = SplitMix64(seed: common.seed &+ 1)
        let history = try await runCodedDescent(
          problem: kind, a: a, labels: labels, scheme: scheme, dataBlocks: dataBlocks,
          workers: workers, construction: polarConstruction, latency: law, timeUnit: timeUnit,
          iterations: iterations, tolerance: tolerance, pool: InProcessWorkerPool(),
          using: &generator)
        guard let last = history.last else { continue }
        let reached = last.relativeGradient <= tolerance
        let values = [
          last.seconds, last.seconds / Double(last.iteration), last.relativeGradient,
          last.modelSeconds,
        ]
        try requireFinite(values, "a descent figure")
        lines.append(
          "\(scheme.rawValue),\(problem),\(csvField(law.description)),\(scheme.workers(coded: workers, dataBlocks: dataBlocks)),"
            + "\(dataBlocks),\(reached ? 1 : 0),\(last.iteration),"
            + values.map(csvNumber).joined(separator: ","))
        for step in history {
          traceLines.append(
            "\(scheme.rawValue),\(problem),\(csvField(law.description)),\(step.iteration),\(csvNumber(step.seconds)),\(csvNumber(step.relativeGradient)),"
              + csvNumber(step.modelSeconds))
        }
      }
      if let trace { try writeAtomically(traceLines.joined(separator: "\n") + "\n", to: trace) }
      try common.emit(lines)
    }
  }
}
