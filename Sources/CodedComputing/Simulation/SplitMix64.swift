/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, seedable generator.
///
/// Every random choice in CodedComputing (inputs, stragglers, noise) draws from a generator
/// passed in by the caller; experiments seed one of these so the same `--seed` gives the same CSV.
///
/// ```swift
/// var rng = SplitMix64(seed: 42)
/// let u = Double.random(in: 0..<1, using: &rng)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// A standard normal deviate by the Marsaglia polar method.
public func standardNormal(using generator: inout some RandomNumberGenerator) -> Double {
  while true {
    let u = Double.random(in: -1..<1, using: &generator)
    let v = Double.random(in: -1..<1, using: &generator)
    let s = u * u + v * v
    if s > 0 && s < 1 { return u * (-2 * _log(s) / s).squareRoot() }
  }
}
