import CodedComputing
import Foundation
import Testing

@Suite("RobustSoliton")
struct RobustSolitonTests {
  /// Recorded with `python3 scripts/lt_reference.py soliton M [C DELTA]` (NumPy, the formula of
  /// Guides/LTCodes.md written independently): (m, c, δ, S, R, β, mean degree, μ(1), μ(2), μ(3), μ(10), μ(R)).
  struct Reference: Sendable {
    let m: Int, c: Double, delta: Double, s: Double, r: Int, beta: Double, mean: Double
    let mu1: Double, mu2: Double, mu3: Double, mu10: Double, muR: Double?
    init(
      _ m: Int, _ c: Double, _ delta: Double, _ s: Double, _ r: Int, _ beta: Double, _ mean: Double,
      _ mu1: Double, _ mu2: Double, _ mu3: Double, _ mu10: Double, _ muR: Double?
    ) {
      (self.m, self.c, self.delta, self.s, self.r, self.beta, self.mean) = (
        m, c, delta, s, r, beta, mean
      )
      (self.mu1, self.mu2, self.mu3, self.mu10, self.muR) = (mu1, mu2, mu3, mu10, muR)
    }
  }
  static let reference: [Reference] = [
    Reference(
      1000, 0.03, 0.5, 7.210849213478644, 139, 1.0588260580597582, 10.527707019246053,
      0.007738990310960103, 0.4756183685401292, 0.15967188086704337, 0.011173256911736368,
      0.01818207681630464),
    Reference(
      500, 0.03, 0.5, 4.633863112721125, 108, 1.0692708165216145, 9.361615488264889,
      0.010529848084591077, 0.47193809260708364, 0.15875593329290272, 0.011257238906224014,
      0.01936144522087836),
    Reference(
      100, 0.1, 0.05, 7.600902459542082, 13, 1.6251699951295349, 6.851254781074359,
      0.053485529011473465, 0.3313262859117825, 0.11833081639706518, 0.011570124269935264,
      0.2417419340799259),
    // R = 35 > m: the spike is dropped (the corner case documented on RobustSoliton).
    Reference(
      10, 0.03, 0.5, 0.2842001173351564, 35, 1.0836848072562357, 2.9664368441426645,
      0.11864282650317534, 0.47457130601270126, 0.16258461409694394, 0.012889591027505467, nil),
  ]

  @Test("S, R, β, μ and the mean degree match the NumPy reference", arguments: 0..<4)
  func matchesReference(_ index: Int) throws {
    let ref = Self.reference[index]
    let (m, c, delta, s, r, beta, mean) = (
      ref.m, ref.c, ref.delta, ref.s, ref.r, ref.beta, ref.mean
    )
    let (mu1, mu2, mu3, mu10, muR) = (ref.mu1, ref.mu2, ref.mu3, ref.mu10, ref.muR)
    let soliton = try RobustSoliton(sourceCount: m, c: c, delta: delta)
    #expect(abs(soliton.rippleSize - s) <= 1e-12 * s)
    #expect(soliton.spike == r)
    #expect(abs(soliton.normalizer - beta) <= 1e-12)
    #expect(abs(soliton.meanDegree - mean) <= 1e-10 * mean)
    for (d, expected) in [(1, mu1), (2, mu2), (3, mu3), (10, mu10)] {
      #expect(abs(soliton.probability(ofDegree: d) - expected) <= 1e-14, "μ(\(d))")
    }
    if let muR { #expect(abs(soliton.probability(ofDegree: r) - muR) <= 1e-14) }
    #expect(soliton.probability(ofDegree: 0) == 0)
    #expect(soliton.probability(ofDegree: m + 1) == 0)
  }

  @Test(
    "μ sums to 1 and equals (ρ + τ)/β written out by hand",
    arguments: [1, 2, 3, 7, 50, 500, 1000, 4096])
  func sumsToOne(_ m: Int) throws {
    let soliton = try RobustSoliton(sourceCount: m)
    let total = soliton.probabilities.reduce(0, +)
    #expect(abs(total - 1) <= 1e-12)
    // By hand: S = c ln(m/δ) √m, R = round(m/S).
    let s = 0.03 * log(Double(m) / 0.5) * Double(m).squareRoot()
    let r = max(1, Int((Double(m) / s).rounded()))
    var weights: [Double] = (1...m).map { (d: Int) -> Double in
      d == 1 ? 1 / Double(m) : 1 / (Double(d) * Double(d - 1))
    }
    for d in 1...m where d < r { weights[d - 1] += 1 / (Double(d) * Double(r)) }
    if r <= m { weights[r - 1] += max(0, log(s / 0.5)) / Double(r) }
    let beta = weights.reduce(0, +)
    for d in 1...m {
      #expect(abs(soliton.probability(ofDegree: d) - weights[d - 1] / beta) <= 1e-15)
    }
  }

  @Test("the alias table draws every degree with frequency μ(d) (χ² over 200 000 draws)")
  func samplingFrequencies() throws {
    let soliton = try RobustSoliton(sourceCount: 100)
    var generator = SplitMix64(seed: 11)
    let draws = 200_000
    var counts = [Int](repeating: 0, count: 101)
    for _ in 0..<draws { counts[soliton.sampleDegree(using: &generator)] += 1 }
    #expect(counts[0] == 0)
    // χ² over degrees with expected count ≥ 5 (others pooled): 99.9 % quantile for ≤ 100 d.o.f.
    // is < 150 (scipy.stats.chi2.ppf(0.999, 100) = 149.4).
    var chi2 = 0.0
    var pooledObserved = 0.0
    var pooledExpected = 0.0
    for d in 1...100 {
      let expected = soliton.probability(ofDegree: d) * Double(draws)
      if expected >= 5 {
        chi2 += pow(Double(counts[d]) - expected, 2) / expected
      } else {
        pooledObserved += Double(counts[d])
        pooledExpected += expected
      }
    }
    if pooledExpected > 0 { chi2 += pow(pooledObserved - pooledExpected, 2) / pooledExpected }
    #expect(chi2 < 149.4, "χ² = \(chi2)")
  }

  @Test("the same seed gives the same degrees")
  func reproducible() throws {
    let soliton = try RobustSoliton(sourceCount: 1000)
    var a = SplitMix64(seed: 5)
    var b = SplitMix64(seed: 5)
    let first = (0..<1000).map { _ in soliton.sampleDegree(using: &a) }
    let second = (0..<1000).map { _ in soliton.sampleDegree(using: &b) }
    #expect(first == second)
    #expect(first.allSatisfy { (1...1000).contains($0) })
  }

  @Test("m < 1, c ≤ 0 and δ outside (0, 1) are rejected")
  func badParameters() {
    #expect(throws: LTError.self) { try RobustSoliton(sourceCount: 0) }
    #expect(throws: LTError.self) { try RobustSoliton(sourceCount: 10, c: 0) }
    #expect(throws: LTError.self) { try RobustSoliton(sourceCount: 10, c: -1) }
    #expect(throws: LTError.self) { try RobustSoliton(sourceCount: 10, c: .infinity) }
    #expect(throws: LTError.self) { try RobustSoliton(sourceCount: 10, delta: 0) }
    #expect(throws: LTError.self) { try RobustSoliton(sourceCount: 10, delta: 1) }
    #expect(throws: LTError.self) { try RobustSoliton(sourceCount: 10, delta: .nan) }
  }
}
