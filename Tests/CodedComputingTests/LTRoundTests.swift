import CodedComputing
import Foundation
import Testing

/// `runLTRound` on the in-process pool: real arrivals with injected delays.
@Suite("LT rounds on the in-process pool")
struct LTRoundTests {
  static let inputs = uniformInputs(count: 200, dimension: 2, range: -1...1, seed: 5)

  @Test("rateless: a worker delayed 20 s never contributes, the round ends early, the sum is right")
  func ratelessIgnoresSlowWorker() async throws {
    let delays: [Duration] = [.zero, .zero, .milliseconds(5), .seconds(20)]
    let result = try await runLTRound(
      .rateless(groupSize: 1), workload: BuiltinFunction.xsinx, inputs: Self.inputs,
      pool: InProcessWorkerPool(), workers: 4, seed: 3, maximumResults: 2000,
      injectedDelays: delays)
    // The decoding symbol's arrival time, as the pool stamped it (the master's own resumption can
    // be delayed by CPU-heavy tests sharing the cooperative pool; that is not the round's time).
    // Alone this is ~0.2 s; the point is that it never waits for the 20 s worker.
    #expect((result.seconds ?? .infinity) < 19)
    #expect(result.outcome.ending == .stopped)
    #expect(result.outcome.resultsPerWorker[3] == 0)
    let sum = try #require(result.sum)
    let direct = try LTSumProducer.directSum(of: BuiltinFunction.xsinx, inputs: Self.inputs)
    // Workers send double-double partial sums and the master peels in double-double: every
    // residual is exact (these sums span < 105 bits), so the decoded sum is the exact sum rounded
    // once, like the direct one — equal, whatever the arrival order (1e-10 before both were
    // double-double, when peeling amplified the rounding of plain doubles).
    #expect(relativeGap(sum, direct) <= 1e-15)
    // (Sum recovery can finish before every source is known, even with fewer than m′ symbols.)
    #expect(result.resultsConsumed == result.outcome.delivered)
  }

  @Test("replication:2 finishes with the fast member of each pair; sums agree")
  func replication() async throws {
    let delays: [Duration] = [.zero, .seconds(20), .seconds(20), .zero]
    let result = try await runLTRound(
      .replication(2), workload: BuiltinFunction.sigmoid, inputs: Self.inputs,
      pool: InProcessWorkerPool(), workers: 4, maximumResults: 1, injectedDelays: delays)
    #expect(result.resultsConsumed == 2)
    let sum = try #require(result.sum)
    let direct = try LTSumProducer.directSum(of: BuiltinFunction.sigmoid, inputs: Self.inputs)
    #expect(relativeGap(sum, direct) <= 1e-13)
  }

  @Test("a bounded stream that ends before decoding returns no sum and the sources missing")
  func streamEnds() async throws {
    let result = try await runLTRound(
      .rateless(groupSize: 1), workload: BuiltinFunction.sin, inputs: Self.inputs,
      pool: InProcessWorkerPool(), workers: 2, maximumResults: 10)
    #expect(result.sum == nil)
    #expect(result.resultsConsumed == 20)
    #expect(result.missing > 0)
    #expect(result.outcome.ending == .exhausted)
  }

  @Test("workers and the master derive the same symbol from (worker, index, seed)")
  func symbolDerivation() throws {
    let code = try LTCode(functionCount: 1000)
    let a = code.symbol(worker: 3, index: 7, seed: 11)
    #expect(a == code.symbol(worker: 3, index: 7, seed: 11))
    #expect(a != code.symbol(worker: 3, index: 8, seed: 11) || a.count == 1)
    #expect(Set(a).count == a.count)
    // The compact (hash-set) draw equals the marks-array draw for the same generator state.
    var g1 = SplitMix64(seed: 99)
    var g2 = SplitMix64(seed: 99)
    var marks = code.makeSymbolGenerator()
    var compact = LTSymbolGenerator(distribution: code.distribution, compact: true)
    for _ in 0..<500 { #expect(marks.next(using: &g1) == compact.next(using: &g2)) }
  }
}
