import ArgumentParser
import CodedComputing

struct BlackBoxGradientCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gradient",
    abstract: "One coded gradient of a built-in test function per trial: its relative error, cost and time; CSV.",
    discussion: """
      Rows: code,dim,workers,stragglers,evaluations,gradient_relative_error,seconds (one per \
      trial). workers is N per block; d is cut into ceil(d/K) blocks. --straggler-model none (every \
      worker answers), random (S workers per block never answer: the estimate is exact when the \
      code can still decode, least squares on what arrived otherwise), or a latency law \
      (exponential:RATE, shifted-exponential:SHIFT,RATE, pareto:SCALE,SHAPE, …; units of \
      --time-unit seconds) injected on the in-process pool: polar, mds and replication stop at \
      the first decodable set, uncoded and gaussian after all but S per block answered. \
      gradient_relative_error = ||g_hat − grad f(x)|| / ||grad f(x)|| at a seeded x ~ U[−1, 1]^d.
      """)

  @Option(help: "quadratic, rosenbrock or logistic.")
  var function: String

  @Option(parsing: .unconditional, help: "Dimension d.")
  var dim: Int

  @OptionGroup var common: BlackBoxCommonOptions

  @Option(name: .customLong("straggler-model"), help: "none, random, or a latency law.")
  var stragglerModel: String = "none"

  @Option(help: "polar, mds, uncoded, replication or gaussian.")
  var code: String

  @Option(parsing: .unconditional, help: "Trials (one CSV row each).")
  var trials: Int = 1

  func run() async throws {
    try await common.running {
      guard trials >= 1 && trials <= 100_000 else {
        throw CLIFailure("--trials must be in 1...100000, got \(trials)")
      }
      guard let direction = DirectionCode(rawValue: code) else {
        throw CLIFailure(
          "unknown --code '\(code)' (known: \(DirectionCode.allCases.map(\.rawValue).joined(separator: ", ")))")
      }
      guard dim >= 1 else { throw CLIFailure("--dim must be at least 1, got \(dim)") }
      let f = try TestFunction(name: function, dimension: dim, seed: common.seed)
      var law: LatencyModel?
      var absent = 0
      switch stragglerModel {
      case "none":
        guard common.stragglers == 0 else {
          throw CLIFailure("--straggler-model none takes no stragglers; use random or a latency law")
        }
      case "random":
        absent = common.stragglers
      default:
        law = try parseBlackBoxLatency(stragglerModel)
      }
      let estimator = try common.estimator(direction, dimension: dim, latency: law)
      var setting = common.setting(for: estimator, law: law)
      setting.absentPerBlock = absent
      var random = SplitMix64(seed: common.seed)
      let x = (0..<dim).map { _ in 2 * uniformUnit(using: &random) - 1 }
      let truth = f.gradient(at: x)
      let truthNorm = truth.reduce(0) { $0 + $1 * $1 }.squareRoot()
      var lines = ["code,dim,workers,stragglers,evaluations,gradient_relative_error,seconds"]
      let pool = InProcessWorkerPool()
      for _ in 0..<trials {
        let estimate = try await estimator.estimate(
          f, at: x, pool: pool, setting: setting, using: &random)
        let gap = zip(estimate.gradient, truth).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
          .squareRoot()
        let error = truthNorm > 0 ? gap / truthNorm : gap
        try requireFinite([error, estimate.seconds], "a gradient figure")
        lines.append(
          "\(code),\(dim),\(common.workers),\(common.stragglers),\(estimate.evaluations),"
            + "\(csvNumber(error)),\(csvNumber(estimate.seconds))")
      }
      try common.emit(lines)
    }
  }
}
