/// SplitMix64, a small, fast, seedable pseudo-random number generator (Steele, Lea & Flood 2014).
///
/// Each call adds the golden-ratio increment 0x9E3779B97F4A7C15 to a 64-bit counter and mixes it
/// with the finaliser of Stafford's "Mix13" (shifts 30, 27, 31; multipliers 0xBF58476D1CE4E5B9 and
/// 0x94D049BB133111EB) — exactly the reference C implementation by Sebastiano Vigna
/// (https://prng.di.unimi.it/splitmix64.c), so a seed gives the same stream on every platform.
/// Every seed, including 0, is valid, and consecutive seeds give unrelated streams, so
/// `SplitMix64(seed: seed &+ UInt64(trial))` is a fine way to derive one stream per trial.
///
/// Not cryptographically secure; use it for reproducible simulation (stragglers, noise, latencies).
///
/// ```swift
/// var generator = SplitMix64(seed: 42)
/// let u = Double.random(in: 0..<1, using: &generator)
/// let z = standardNormal(using: &generator)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  /// The 64-bit counter; the next output is a function of `state &+ 0x9E3779B97F4A7C15`.
  public var state: UInt64 { _state }
  @usableFromInline var _state: UInt64

  /// A generator whose stream is determined by `seed`.
  public init(seed: UInt64) {
    _state = seed
  }

  /// The next 64 random bits.
  ///
  /// - Complexity: O(1): one add, three xor-shifts, two multiplies.
  @inlinable
  public mutating func next() -> UInt64 {
    _state &+= 0x9E37_79B9_7F4A_7C15
    var z = _state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
