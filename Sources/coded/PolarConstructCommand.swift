import ArgumentParser
import CodedComputing

struct PolarConstructCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "construct",
    abstract: "The score of every virtual index and the K chosen information positions; CSV.",
    discussion: """
      Columns: index,score,information (1 for the K positions with the smallest scores, ties to \
      the smaller index). Scores: erasure probability for bec:EPS and deadline:T (needs --latency), \
      mean virtual run time for mean (needs --latency). Rows: the L = 2^ceil(log2 N) virtual indices; \
      indices >= N (shortened) are always frozen.
      """)

  @OptionGroup var common: PolarCommonOptions

  @OptionGroup var blocks: PolarDataBlocksOption

  @Option(help: "bec:EPS, deadline:T or mean.")
  var construction: String

  @Option(help: "Run-time law (deadline and mean).")
  var latency: String?

  func run() async throws {
    try await reportingErrors {
      let (workers, dataBlocks) = try blocks.checked(common)
      let chosen = try parsePolarConstruction(construction, workers: workers)
      let law = try latency.map { try parsePolarLatency($0, workers: workers) }
      let scores = try chosen.scores(workers: workers, latency: law)
      try requireFinite(scores, "a score")
      let information = Set(
        PolarConstruction.informationSet(scores: scores, dataBlocks: dataBlocks, workers: workers))
      var lines = ["index,score,information"]
      for (i, score) in scores.enumerated() {
        lines.append("\(i),\(csvNumber(score)),\(information.contains(i) ? 1 : 0)")
      }
      try common.emit(lines)
    }
  }
}
