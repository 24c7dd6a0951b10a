import ArgumentParser
import CodedComputing

struct BlackBoxOptimizeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optimize",
    abstract: "Gradient descent or Adam with coded gradients, per code and latency law: f against evaluations and wall time; CSV.",
    discussion: """
      Rows: code,latency,iteration,evaluations,seconds,value,decoded — one per iteration, from the \
      same seeded x0 ~ U[−1, 1]^d for every code and law. Each iteration is one round on the \
      in-process pool with fresh latencies from the law (units of --time-unit seconds): polar, mds \
      and replication stop at the first decodable set, uncoded and gaussian after all but S per \
      block answered. seconds counts the rounds and updates, not the master's scoring of f. Plot \
      with scripts/plot_blackbox.py.
      """)

  @Option(help: "quadratic, rosenbrock or logistic.")
  var function: String

  @Option(parsing: .unconditional, help: "Dimension d.")
  var dim: Int

  @OptionGroup var common: BlackBoxCommonOptions

  @Option(help: "A latency law (repeat the option for several).")
  var latency: [String] = ["exponential:1"]

  @Option(help: "Comma-separated codes.")
  var codes: String = "polar,mds,uncoded,replication,gaussian"

  @Option(help: "gd or adam.")
  var optimizer: String = "adam"

  @Option(name: .customLong("learning-rate"), parsing: .unconditional, help: "The optimizer's learning rate.")
  var learningRate: Double = 0.05

  @Option(parsing: .unconditional, help: "Iterations per run.")
  var iterations: Int = 100

  func run() async throws {
    try await common.running {
      guard dim >= 1 else { throw CLIFailure("--dim must be at least 1, got \(dim)") }
      guard iterations >= 1 && iterations <= 100_000 else {
        throw CLIFailure("--iterations must be in 1...100000, got \(iterations)")
      }
      guard learningRate > 0 && learningRate.isFinite else {
        throw CLIFailure("--learning-rate must be a finite number > 0, got \(learningRate)")
      }
      guard let method = BlackBoxOptimizer.Method(rawValue: optimizer) else {
        throw CLIFailure("unknown --optimizer '\(optimizer)' (known: gd, adam)")
      }
      let f = try TestFunction(name: function, dimension: dim, seed: common.seed)
      let chosen = try common.parseCodes(codes)
      let laws = try latency.map(parseBlackBoxLatency)
      var random = SplitMix64(seed: common.seed)
      let start = (0..<dim).map { _ in 2 * uniformUnit(using: &random) - 1 }
      var lines = ["code,latency,iteration,evaluations,seconds,value,decoded"]
      let pool = InProcessWorkerPool()
      for law in laws {
        for code in chosen {
          let estimator = try common.estimator(code, dimension: dim, latency: law)
          let setting = common.setting(for: estimator, law: law)
          var generator = SplitMix64(seed: common.seed &+ 1)
          let history = try await minimizeBlackBox(
            f, from: start, estimator: estimator,
            optimizer: BlackBoxOptimizer(method: method, learningRate: learningRate),
            iterations: iterations, setting: setting, pool: pool, using: &generator)
          for step in history {
            try requireFinite([step.value, step.seconds], "an optimisation figure")
            lines.append(
              "\(code.rawValue),\(csvField(law.description)),\(step.iteration),\(step.evaluations),"
                + "\(csvNumber(step.seconds)),\(csvNumber(step.value)),\(step.isDecoded ? 1 : 0)")
          }
          if let last = history.last {
            printError(
              "\(code.rawValue) \(law): f = \(last.value) after \(last.evaluations) evaluations, \(last.seconds) s")
          }
        }
      }
      try common.emit(lines)
    }
  }
}
