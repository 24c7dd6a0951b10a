import CodedComputing
import Foundation
import Testing

@Suite("LT latency simulation")
struct LTLatencySimulationTests {
  @Test("strategy names parse and print back; bad ones are rejected")
  func parsing() throws {
    for name in ["one", "uncoded", "replication:2", "lt1", "ltr:3", "rateless", "rateless:2"] {
      #expect(try LTStrategy(parsing: name).description == name)
    }
    #expect(try LTStrategy(parsing: "ltr:1") == .fixedLT(groupSize: 1))
    for bad in ["", "two", "replication", "replication:0", "ltr:x", "lt1:2", "one:1"] {
      #expect(throws: LTError.self, "\(bad)") { try LTStrategy(parsing: bad) }
    }
  }

  @Test("closed forms under deterministic delays")
  func closedForms() throws {
    // slow-set: worker 0 takes 10 s, the others 1 s; τ = 0.5, m = 8, W = 4.
    let setup = LTLatencySetup(
      functionCount: 8, workers: 4, latency: .fixedSlowSet(slowWorkers: [0], fast: 1, slow: 10),
      tau: 0.5)
    var generator = SplitMix64(seed: 0)
    #expect(try simulateLTRound(.allAtOne, setup: setup, using: &generator).latency == 10 + 0.5 * 8)
    // uncoded: 2 functions each; the slow worker finishes at 10 + 1.
    #expect(try simulateLTRound(.uncoded, setup: setup, using: &generator).latency == 11)
    // replication:2: groups {0,1} and {2,3}, 4 functions each, fastest member 1 s: 1 + 2.
    #expect(try simulateLTRound(.replication(2), setup: setup, using: &generator).latency == 3)
    // replication:4: one group of 4 doing all 8: 1 + 4.
    #expect(try simulateLTRound(.replication(4), setup: setup, using: &generator).latency == 5)
    #expect(throws: LTError.self) {
      try simulateLTRound(.replication(3), setup: setup, using: &generator)
    }
  }

  @Test("one rateless worker: M′ is the i.i.d. threshold and the latency τ·(edges of the first M′)")
  func singleWorker() throws {
    let m = 200
    let setup = LTLatencySetup(
      functionCount: m, workers: 1, latency: .constant(2), tau: 0.25, mode: .full)
    for seed in 0..<UInt64(20) {
      var a = SplitMix64(seed: seed)
      let outcome = try simulateLTRound(.rateless(groupSize: 1), setup: setup, using: &a)
      // The constant law draws nothing, so the same seed yields the same symbols.
      var b = SplitMix64(seed: seed)
      let code = try LTCode(functionCount: m)
      var symbols = code.makeSymbolGenerator()
      var decoder = LTPeelingDecoder(sourceCount: m)
      var edges = 0
      while !decoder.isComplete {
        let symbol = symbols.next(using: &b)
        edges += symbol.count
        try decoder.consume(sources: symbol)
      }
      #expect(outcome.symbols == decoder.symbolsConsumed)
      #expect(outcome.latency == 2 + 0.25 * Double(edges))
      var c = SplitMix64(seed: seed)
      #expect(try ltDecodingThreshold(code: code, mode: .full, using: &c) == outcome.symbols)
    }
  }

  @Test("fixed-rate LT fails when its symbols run out; a fixed threshold decodes or fails")
  func fixedRate() throws {
    // α = 0.5: 50 symbols for 100 sources can never decode.
    let setup = LTLatencySetup(
      functionCount: 100, workers: 10, latency: .constant(0), tau: 1, redundancy: 0.5)
    var generator = SplitMix64(seed: 1)
    let outcome = try simulateLTRound(.fixedLT(groupSize: 1), setup: setup, using: &generator)
    #expect(outcome.latency == nil)
    #expect(outcome.symbols == 50)
    #expect(outcome.sourcesMissing > 0)
    var fixed = LTLatencySetup(
      functionCount: 100, workers: 10, latency: .exponential(rate: 1), tau: 0.01)
    fixed.fixedThreshold = 400
    var g = SplitMix64(seed: 3)
    let ok = try simulateLTRound(.rateless(groupSize: 1), setup: fixed, using: &g)
    #expect(ok.symbols == 400)
    #expect(ok.latency != nil)
    fixed.fixedThreshold = 20
    var h = SplitMix64(seed: 3)
    #expect(try simulateLTRound(.rateless(groupSize: 1), setup: fixed, using: &h).latency == nil)
  }

  @Test("every strategy sees the same delays in a trial; rateless beats uncoded under Pareto(1,1)")
  func paretoComparison() throws {
    let setup = LTLatencySetup(functionCount: 200, latency: .pareto(scale: 1, shape: 1), tau: 0.005)
    var uncoded: [Double] = []
    var rateless: [Double] = []
    for trial in 0..<50 {
      var a = SplitMix64(seed: UInt64(trial))
      var b = SplitMix64(seed: UInt64(trial))
      uncoded.append(try #require(simulateLTRound(.uncoded, setup: setup, using: &a).latency))
      rateless.append(
        try #require(simulateLTRound(.rateless(groupSize: 1), setup: setup, using: &b).latency))
    }
    // Uncoded waits for the largest of 200 Pareto(1,1) delays (median ≈ 200/ln 2 ≈ 289);
    // rateless needs only the symbols of the fast workers.
    #expect(SampleSummary(rateless).median < SampleSummary(uncoded).median)
  }

  @Test("bad setups are rejected")
  func validation() {
    let good = LTLatencySetup(functionCount: 10, latency: .exponential(rate: 1), tau: 0.1)
    #expect(throws: Never.self) { try good.validate() }
    var bad = good
    bad.tau = -1
    #expect(throws: LTError.self) { try bad.validate() }
    bad = good
    bad.functionCount = 0
    #expect(throws: LTError.self) { try bad.validate() }
    bad = good
    bad.c = 0
    #expect(throws: LTError.self) { try bad.validate() }
    bad = good
    bad.delta = 1.5
    #expect(throws: LTError.self) { try bad.validate() }
  }

  @Test("SampleSummary matches numpy.percentile (linear)")
  func summary() {
    // numpy: x = [5, 1, 9, 2, 7, 3, 3, 8, 10, 4.5]; percentile 50, 90, 95, 99 →
    // 4.75, 9.1, 9.549999999999999, 9.91; mean 5.25.
    let s = SampleSummary([5, 1, 9, 2, 7, 3, 3, 8, 10, 4.5])
    #expect(s.mean == 5.25)
    #expect(s.median == 4.75)
    #expect(abs(s.percentile(90) - 9.1) <= 1e-12)
    #expect(abs(s.percentile(95) - 9.55) <= 1e-12)
    #expect(abs(s.percentile(99) - 9.91) <= 1e-12)
    #expect(s.fraction(atMost: 3) == 0.4)
    #expect(s.maximum == 10)
  }
}
