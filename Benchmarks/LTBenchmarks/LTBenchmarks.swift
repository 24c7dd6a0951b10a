import Benchmark
import CodedComputing

/// Peeling-decoder speed (issue 15): decode m = 10³…10⁶ sources from pre-drawn Robust Soliton
/// symbols (c = 0.03, δ = 0.5). Symbols are drawn once, outside the timed region, up to the
/// threshold of that draw; each iteration builds a fresh decoder and feeds them in order.
///
/// - `peel batch`: structure only, the whole stream as one ``LTSymbolBatch`` (the path of
///   `coded lt threshold`: counting-sort incidence, then peeling).
/// - `peel one at a time`: structure only, one `consume(sources:)` per symbol (the path of a
///   live round, where symbols arrive one by one).
/// - `peel with values`: one value per symbol (double-double residuals), one at a time.
/// - `draw + peel`: ``ltDecode(code:mode:limit:spanColumnLimit:using:)``, what
///   `coded lt threshold --trials 1` does per trial.
///
/// Divide by the edge count printed in the benchmark name for the per-edge cost (linearity in
/// edges: Guides/LTCodes.md).
let benchmarks: @Sendable () -> Void = {
  let configuration = Benchmark.Configuration(
    metrics: [.wallClock, .cpuUser, .mallocCountTotal], maxDuration: .seconds(5),
    maxIterations: 200)

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

    Benchmark("peel batch m=\(m) edges=\(edges)", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations {
        var decoder = LTPeelingDecoder(sourceCount: m)
        _ = try decoder.consume(batch)
        blackHole(decoder.threshold)
      }
    }

    Benchmark("peel one at a time m=\(m) edges=\(edges)", configuration: configuration) {
      benchmark in
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

    Benchmark("draw + peel m=\(m)", configuration: configuration) { benchmark in
      for _ in benchmark.scaledIterations {
        var g = SplitMix64(seed: 1)
        blackHole(try ltDecode(code: code, mode: .full, using: &g).threshold)
      }
    }
  }
}
