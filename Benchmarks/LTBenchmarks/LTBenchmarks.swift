import Benchmark
import CodedComputing

/// Peeling-decoder speed (issue 15): decode m = 10³…10⁶ sources from pre-drawn Robust Soliton
/// symbols (c = 0.03, δ = 0.5), structure only (value width 0) and with one value per symbol.
/// Symbols are drawn once, outside the timed region, up to the threshold of that draw; each
/// iteration builds a fresh decoder and feeds them in order. Divide by the edge count printed in
/// the benchmark name for the per-edge cost (linearity in edges: Guides/LTCodes.md).
let benchmarks: @Sendable () -> Void = {
  let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(5), maxIterations: 200)

  for m in [1_000, 10_000, 100_000, 1_000_000] {
    // Draw symbols until a structure-only decoder completes; keep exactly those.
    var generator = SplitMix64(seed: 1)
    guard let code = try? LTCode(functionCount: m) else { continue }
    var symbols = code.makeSymbolGenerator()
    var batch = LTSymbolBatch()
    var probe = LTPeelingDecoder(sourceCount: m)
    while !probe.isComplete, batch.count < 4 * m {
      symbols.append(to: &batch, using: &generator)
      _ = try? probe.consume(sources: batch[batch.count - 1])
    }
    let values = [Double](repeating: 1, count: batch.count)
    let edges = batch.edgeCount

    Benchmark("peel m=\(m) edges=\(edges)", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations {
        var decoder = LTPeelingDecoder(sourceCount: m)
        decoder.reserveCapacity(symbols: batch.count, edges: edges)
        for k in 0..<batch.count { _ = try decoder.consume(sources: batch[k]) }
        blackHole(decoder.threshold)
      }
    }

    Benchmark("peel with values m=\(m) edges=\(edges)", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations {
        var decoder = LTPeelingDecoder(sourceCount: m, valueWidth: 1)
        decoder.reserveCapacity(symbols: batch.count, edges: edges)
        for k in 0..<batch.count {
          _ = try decoder.consume(batch, symbol: k, values: values[k...k])
        }
        blackHole(decoder.sum)
      }
    }

    if m <= 100_000 {
      Benchmark("draw symbols m=\(m) count=\(batch.count)", configuration: configuration) {
        benchmark in
        for _ in benchmark.scaledIterations {
          var g = SplitMix64(seed: 1)
          var s = code.makeSymbolGenerator()
          var b = LTSymbolBatch()
          for _ in 0..<batch.count { s.append(to: &b, using: &g) }
          blackHole(b)
        }
      }
    }
  }
}
