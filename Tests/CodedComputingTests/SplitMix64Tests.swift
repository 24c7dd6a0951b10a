import CodedComputing
import Foundation
import Testing

@Suite("SplitMix64 and random variates")
struct SplitMix64Tests {
  // Reference outputs of Vigna's splitmix64.c for seed 1234567, recomputed with
  //   M = 2**64 - 1; x = 1234567
  //   for _ in range(5):
  //       x = (x + 0x9e3779b97f4a7c15) & M; z = x
  //       z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
  //       z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
  //       print(z ^ (z >> 31))
  @Test("matches the reference C implementation for seed 1234567")
  func referenceStream() {
    var generator = SplitMix64(seed: 1_234_567)
    let outputs = (0..<5).map { _ in generator.next() }
    #expect(
      outputs == [
        6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
        4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
      ])
  }

  @Test("seed 0 is valid and equal seeds give equal streams")
  func seeds() {
    var zero = SplitMix64(seed: 0)
    // splitmix64.c with x = 0: first output 0xE220A8397B1DCDAF.
    #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
    var a = SplitMix64(seed: 99)
    var b = SplitMix64(seed: 99)
    #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
  }

  // uniformUnit = (next() >> 11) * 2**-53 and Box–Muller z = sqrt(-2 ln(1 - u1)) cos(2π u2),
  // recomputed in Python with the generator above (seed 1234567):
  //   u: 0.3500795420214081, 0.17364409667091263, 0.5322073040624192
  //   z: 0.4284879007349292, 0.007685698515048663, -1.858684499989007
  @Test("uniformUnit and standardNormal reproduce the Python recipe")
  func referenceVariates() {
    var generator = SplitMix64(seed: 1_234_567)
    let u = (0..<3).map { _ in uniformUnit(using: &generator) }
    #expect(u == [0.3500795420214081, 0.17364409667091263, 0.5322073040624192])
    generator = SplitMix64(seed: 1_234_567)
    let z = (0..<3).map { _ in standardNormal(using: &generator) }
    let expected = [0.4284879007349292, 0.007685698515048663, -1.858684499989007]
    for (value, reference) in zip(z, expected) {
      #expect(abs(value - reference) <= 1e-14 * max(1, abs(reference)))
    }
  }

  // n = 100 000 draws. Tolerances are 5 standard errors: mean SE = 1/√n ≈ 0.0032;
  // sample-variance SE = √(2/n) ≈ 0.0045 (normal: μ₄ − σ⁴ = 2); a proportion p has
  // SE = √(p(1−p)/n). A correct sampler misses a 5-SE band with probability ≈ 6·10⁻⁷.
  @Test("standardNormal has mean 0, variance 1 and normal probabilities")
  func normalMoments() {
    var generator = SplitMix64(seed: 2024)
    let n = 100_000
    let z = (0..<n).map { _ in standardNormal(using: &generator) }
    let mean = z.reduce(0, +) / Double(n)
    let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
    #expect(abs(mean) < 5 / Double(n).squareRoot())
    #expect(abs(variance - 1) < 5 * (2 / Double(n)).squareRoot())
    // P(|Z| < 1) = erf(1/√2) = 0.6826894921370859 (scipy.stats.norm.cdf(1) - norm.cdf(-1)).
    let inside = Double(z.filter { abs($0) < 1 }.count) / Double(n)
    let p1 = 0.6826894921370859
    #expect(abs(inside - p1) < 5 * (p1 * (1 - p1) / Double(n)).squareRoot())
    // P(Z < −1.9599639845400545) = 0.025 (scipy.stats.norm.ppf(0.025)).
    let lower = Double(z.filter { $0 < -1.9599639845400545 }.count) / Double(n)
    #expect(abs(lower - 0.025) < 5 * (0.025 * 0.975 / Double(n)).squareRoot())
    #expect(z.allSatisfy { $0.isFinite && abs($0) < 8.6 })
  }
}
