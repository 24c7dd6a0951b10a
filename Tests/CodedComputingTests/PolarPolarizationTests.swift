import CodedComputing
import Testing

/// Virtual run times of polar codes: closed forms, conservation of the mean, exact vs Monte Carlo.
@Suite("PolarPolarization")
struct PolarPolarizationTests {
  @Test("N = 4, Exp(1): the closed forms 25/12, 11/12, 3/4, 1/4")
  func exponentialByHand() throws {
    // Index 0 = max of 4 (harmonic sum H₄ = 25/12); index 3 = min of 4 (1/4); index 2 = max of two
    // Exp(2) = 1.5/2; index 1 by conservation of the pair (0, 1): 2·E[max of 2] − 25/12 = 11/12.
    let means = try PolarPolarization.exactMeans(workers: 4, latency: .exponential(rate: 1))
    for (value, expected) in zip(means, [25.0 / 12, 11.0 / 12, 0.75, 0.25]) {
      #expect(abs(value - expected) <= 1e-7 * expected, "\(means)")
    }
  }

  @Test("N = 2: Pareto(1, 3) and shifted-exponential(0.5, 2) closed forms")
  func twoWorkers() throws {
    // min of two Pareto(1, 3) is Pareto(1, 6): mean 6/5; max = 2·(3/2) − 6/5 = 9/5.
    let pareto = try PolarPolarization.exactMeans(workers: 2, latency: .pareto(scale: 1, shape: 3))
    #expect(abs(pareto[0] - 1.8) <= 1e-7 && abs(pareto[1] - 1.2) <= 1e-7, "\(pareto)")
    // 0.5 + max/min of two Exp(2): 0.5 + 0.75 and 0.5 + 0.25.
    let shifted = try PolarPolarization.exactMeans(
      workers: 2, latency: .shiftedExponential(shift: 0.5, rate: 2))
    #expect(abs(shifted[0] - 1.25) <= 1e-7 && abs(shifted[1] - 0.75) <= 1e-7, "\(shifted)")
  }

  @Test(
    "the virtual means conserve the law's mean at every N",
    arguments: [
      LatencyModel.exponential(rate: 2), .shiftedExponential(shift: 1, rate: 0.5),
      .pareto(scale: 1, shape: 2.5), .constant(3), .fixedSlowSet(slowWorkers: [1, 5], fast: 1, slow: 4),
    ])
  func conservation(law: LatencyModel) throws {
    // The slow set names worker 5: start at N = 8 for it.
    for n in (law.isDeterministic && law != .constant(3) ? 3 : 0)...8 {
      let workers = 1 << n
      let means = try PolarPolarization.exactMeans(workers: workers, latency: law)
      let average = means.reduce(0, +) / Double(workers)
      let expected: Double
      if case .fixedSlowSet(let slow, let fast, let slowTime) = law {
        let slowCount = Double(slow.filter { $0 < workers }.count)
        expected = (slowCount * slowTime + (Double(workers) - slowCount) * fast) / Double(workers)
      } else {
        expected = law.mean ?? .nan
      }
      #expect(abs(average - expected) <= 1e-6 * expected, "N = \(workers): \(average) vs \(expected)")
      // Polarization: the spread grows and the order is the minus/plus order of the first level.
      if workers >= 2, !law.isDeterministic {
        #expect(means[0] == means.max() && means[workers - 1] == means.min())
      }
    }
  }

  @Test(
    "exact and Monte Carlo agree within the Monte-Carlo confidence interval",
    arguments: [
      LatencyModel.exponential(rate: 1), .shiftedExponential(shift: 0.2, rate: 4),
      .pareto(scale: 1, shape: 3.5),
    ])
  func exactVersusMonteCarlo(law: LatencyModel) throws {
    let exact = try PolarPolarization.exactMeans(workers: 16, latency: law)
    var generator = SplitMix64(seed: 11)
    let (means, halfWidths) = try PolarPolarization.monteCarloMeans(
      workers: 16, latency: law, trials: 20_000, using: &generator)
    var inside = 0
    for i in 0..<16 {
      // 4 standard errors (half-width/1.96·4) for every index; ≥ 12 of 16 inside the 95 % CI.
      #expect(abs(exact[i] - means[i]) <= 4 * halfWidths[i] / 1.96, "index \(i)")
      if abs(exact[i] - means[i]) <= halfWidths[i] { inside += 1 }
    }
    #expect(inside >= 12)
    // Monte Carlo conserves the mean draw by draw.
    #expect(abs(means.reduce(0, +) / 16 - (law.mean ?? 0)) <= 0.05 * (law.mean ?? 0))
  }

  @Test("the CDF butterfly: F⁻ = F², F⁺ = 1 − (1 − F)², per position")
  func cdfRecursion() {
    #expect(PolarPolarization.virtualCDF([0.5, 0.5]) == [0.25, 0.75])
    #expect(PolarPolarization.virtualCDF([0.2, 0.6]) == [0.2 * 0.6, 0.2 + 0.6 - 0.2 * 0.6])
    // Stage h = 2 pairs (0, 2) and (1, 3): [max(3, 2), max(1, 5), min(3, 2), min(1, 5)] = [3, 5, 2, 1];
    // stage h = 1: [max(3, 5), min(3, 5), max(2, 1), min(2, 1)].
    #expect(PolarPolarization.virtualTimes([3, 1, 2, 5]) == [5, 3, 2, 1])
  }

  @Test("infinite means and bad laws are refused")
  func refusals() {
    #expect(throws: CodingError.self) {
      try PolarPolarization.exactMeans(workers: 8, latency: .pareto(scale: 1, shape: 1))
    }
    #expect(throws: CodingError.self) {
      try PolarPolarization.exactMeans(workers: 0, latency: .exponential(rate: 1))
    }
    var generator = SplitMix64(seed: 1)
    #expect(throws: CodingError.self) {
      try PolarPolarization.monteCarloMeans(
        workers: 8, latency: .exponential(rate: 1), trials: 1, using: &generator)
    }
  }
}
