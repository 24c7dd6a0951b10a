import CodedComputing
import Foundation
import Testing

@Suite("LatencyModel")
struct LatencyModelTests {
  // First draws for seed 1234567, recomputed in Python with SplitMix64 and u = (next() >> 11)·2⁻⁵³
  // (see SplitMix64Tests): exponential −ln(1 − u)/2; shifted 0.5 + that; Pareto (1 − u)^(−1/2.5).
  @Test(
    "draws reproduce the inversion recipes",
    arguments: [
      (
        LatencyModel.exponential(rate: 2),
        [0.21545264796059396, 0.0953648612801818, 0.3798650192987155]
      ),
      (
        .shiftedExponential(shift: 0.5, rate: 2),
        [0.7154526479605939, 0.5953648612801818, 0.8798650192987155]
      ),
      (
        .pareto(scale: 1, shape: 2.5), [1.1881079910524703, 1.0792775574579918, 1.3551227158569608]
      ),
    ])
  func referenceDraws(model: LatencyModel, expected: [Double]) {
    var generator = SplitMix64(seed: 1_234_567)
    let times = model.sample(count: 3, using: &generator)
    for (value, reference) in zip(times, expected) {
      #expect(abs(value - reference) <= 1e-14 * reference)
    }
  }

  // n = 100 000 draws; tolerances are 5 standard errors (SE = σ/√n for a mean, √((μ₄ − σ⁴)/n) for
  // a sample variance, √(p(1−p)/n) for a proportion).
  static let n = 100_000

  @Test("exponential: mean 1/rate, variance 1/rate²")
  func exponentialMoments() {
    var generator = SplitMix64(seed: 11)
    let t = LatencyModel.exponential(rate: 2).sample(count: Self.n, using: &generator)
    let (mean, variance) = Self.moments(t)
    #expect(abs(mean - 0.5) < 5 * 0.5 / Double(Self.n).squareRoot())
    // μ₄ − σ⁴ = 9/λ⁴ − 1/λ⁴ = 8/λ⁴ = 0.5.
    #expect(abs(variance - 0.25) < 5 * (0.5 / Double(Self.n)).squareRoot())
    #expect(t.allSatisfy { $0 >= 0 })
  }

  @Test("shifted exponential: never below the shift, mean shift + 1/rate")
  func shiftedExponentialMoments() {
    var generator = SplitMix64(seed: 12)
    let t = LatencyModel.shiftedExponential(shift: 0.5, rate: 4).sample(
      count: Self.n, using: &generator)
    let (mean, _) = Self.moments(t)
    #expect(t.allSatisfy { $0 >= 0.5 })
    #expect(abs(mean - 0.75) < 5 * 0.25 / Double(Self.n).squareRoot())
    #expect(LatencyModel.shiftedExponential(shift: 0.5, rate: 4).mean == 0.75)
  }

  @Test("Pareto: mean shape·scale/(shape − 1) and tail (scale/t)^shape")
  func paretoMoments() {
    var generator = SplitMix64(seed: 13)
    // shape 5: mean 1.25, variance scale²·shape/((shape−1)²(shape−2)) = 5/48; μ₄ finite.
    let light = LatencyModel.pareto(scale: 1, shape: 5).sample(count: Self.n, using: &generator)
    let (mean, _) = Self.moments(light)
    #expect(abs(mean - 1.25) < 5 * (5.0 / 48 / Double(Self.n)).squareRoot())
    #expect(light.allSatisfy { $0 >= 1 })
    // shape 2.5 (heavy tail, μ₄ infinite): check the survival function instead.
    let heavy = LatencyModel.pareto(scale: 2, shape: 2.5).sample(count: Self.n, using: &generator)
    for threshold in [4.0, 20.0] {
      let p = Foundation.pow(2 / threshold, 2.5)  // 0.1768 and 0.00316
      let observed = Double(heavy.filter { $0 > threshold }.count) / Double(Self.n)
      #expect(abs(observed - p) < 5 * (p * (1 - p) / Double(Self.n)).squareRoot())
    }
    #expect(heavy.allSatisfy { $0 >= 2 && $0.isFinite })
    #expect(LatencyModel.pareto(scale: 2, shape: 1).mean == nil)
  }

  @Test("deterministic models use no randomness")
  func deterministic() {
    var generator = SplitMix64(seed: 5)
    let before = generator
    #expect(LatencyModel.constant(0.25).sample(count: 3, using: &generator) == [0.25, 0.25, 0.25])
    let slowSet = LatencyModel.fixedSlowSet(slowWorkers: [1, 3], fast: 1, slow: 10)
    #expect(slowSet.sample(count: 5, using: &generator) == [1, 10, 1, 10, 1])
    #expect(generator == before)
  }

  @Test("slowest: the S largest times, ties to the higher index, ascending")
  func slowest() {
    #expect(LatencyModel.slowest(2, of: [0.3, 0.9, 0.1, 0.5]) == [1, 3])
    #expect(LatencyModel.slowest(2, of: [1, 5, 1, 5, 1]) == [1, 3])
    #expect(LatencyModel.slowest(1, of: [1, 1, 1]) == [2])
    #expect(LatencyModel.slowest(3, of: [2, 1, 2, 1, 2]) == [0, 2, 4])
    #expect(LatencyModel.slowest(4, of: [2, 1, 2, 1, 2]) == [0, 2, 3, 4])
    #expect(LatencyModel.slowest(0, of: [1, 2]) == [])
    #expect(LatencyModel.slowest(2, of: [1, 2]) == [0, 1])
    #expect(LatencyModel.slowest(1, of: [1, .infinity, 3]) == [1])
    // Against an independent rule: worker i straggles iff fewer than S workers are "later" than
    // it, where j is later than i when t_j > t_i or (t_j == t_i and j > i).
    var generator = SplitMix64(seed: 21)
    for _ in 0..<50 {
      let times = (0..<12).map { _ in Double(Int.random(in: 0..<4, using: &generator)) }
      let s = Int.random(in: 0...12, using: &generator)
      let expected = times.indices.filter { i in
        times.indices.filter { j in times[j] > times[i] || (times[j] == times[i] && j > i) }
          .count < s
      }
      #expect(LatencyModel.slowest(s, of: times) == expected)
    }
  }

  @Test(
    "parses the CLI grammar",
    arguments: [
      ("exponential:1", LatencyModel.exponential(rate: 1)),
      (" exponential : 2.5 ", .exponential(rate: 2.5)),
      ("shifted-exponential:0.5,2", .shiftedExponential(shift: 0.5, rate: 2)),
      ("pareto:1,2.5", .pareto(scale: 1, shape: 2.5)),
      ("slow-set:0,3,7@1,10", .fixedSlowSet(slowWorkers: [0, 3, 7], fast: 1, slow: 10)),
      ("slow-set:@1,10", .fixedSlowSet(slowWorkers: [], fast: 1, slow: 10)),
      ("constant:1e-3", .constant(0.001)),
    ])
  func parses(text: String, model: LatencyModel) throws {
    #expect(try LatencyModel(parsing: text) == model)
    #expect(try LatencyModel(parsing: model.description) == model)
  }

  @Test(
    "rejects bad text with an error naming the token",
    arguments: [
      ("gamma:1", LatencyModelError.unknownModel("gamma", known: LatencyModel.names)),
      (
        "exponential",
        .wrongParameterCount(
          model: "exponential", expected: 1, actual: 0, usage: "exponential:RATE")
      ),
      (
        "pareto:1",
        .wrongParameterCount(
          model: "pareto", expected: 2, actual: 1, usage: "pareto:SCALE,SHAPE")
      ),
      ("exponential:fast", .invalidNumber(model: "exponential", parameter: "rate", token: "fast")),
      (
        "shifted-exponential:0.5,",
        .invalidNumber(
          model: "shifted-exponential", parameter: "rate", token: "")
      ),
      (
        "exponential:0",
        .outOfRange(
          model: "exponential", parameter: "rate", value: 0, requirement: "a finite number > 0")
      ),
      (
        "pareto:1,-2",
        .outOfRange(
          model: "pareto", parameter: "shape", value: -2, requirement: "a finite number > 0")
      ),
      (
        "constant:-1",
        .outOfRange(
          model: "constant", parameter: "time", value: -1, requirement: "a finite number ≥ 0")
      ),
      ("slow-set:0,x@1,10", .invalidWorkerIndex(model: "slow-set", token: "x")),
      ("slow-set:0,-1@1,10", .invalidWorkerIndex(model: "slow-set", token: "-1")),
      ("slow-set:0,1", .missingSlowSetTimes("slow-set:0,1")),
    ])
  func rejects(text: String, error: LatencyModelError) {
    #expect(throws: error) { try LatencyModel(parsing: text) }
  }

  @Test("error messages name the bad token")
  func messages() {
    #expect(
      LatencyModelError.invalidNumber(model: "exponential", parameter: "rate", token: "fast")
        .description == "invalid rate 'fast' in latency model 'exponential': not a number")
    #expect(
      LatencyModelError.unknownModel("gamma", known: ["a", "b"]).description
        == "unknown latency model 'gamma' (known: a, b)")
  }

  @Test("validate(workerCount:) rejects slow workers that do not exist")
  func workerCount() throws {
    let model = try LatencyModel(parsing: "slow-set:0,3,7@1,10")
    #expect(throws: LatencyModelError.slowWorkerOutOfRange(worker: 7, workers: 5)) {
      try model.validate(workerCount: 5)
    }
    try model.validate(workerCount: 8)
  }

  static func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
    let mean = x.reduce(0, +) / Double(x.count)
    let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count - 1)
    return (mean, variance)
  }
}
