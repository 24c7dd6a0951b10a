import Foundation

/// A uniform double in [0, 1) from the top 53 bits of one 64-bit draw: `Double(next() >> 11) · 2⁻⁵³`.
///
/// Spelled out (rather than `Double.random(in:using:)`, whose bit recipe is a standard-library
/// detail) so that seeded samples are reproducible across Swift versions and can be checked
/// against a few lines of Python.
///
/// - Complexity: O(1), one call to `next()`.
@inlinable
public func uniformUnit(using generator: inout some RandomNumberGenerator) -> Double {
  Double(generator.next() >> 11) * 0x1p-53
}

/// A standard normal deviate, N(0, 1), by the Box–Muller transform (Box & Muller 1958).
///
/// Two uniforms u₁ = 1 − U₁ ∈ (0, 1] and U₂ ∈ [0, 1) (see ``uniformUnit(using:)``) give
/// z = √(−2 ln u₁) · cos(2π U₂). The sine partner is discarded so that the function needs no
/// state; each call uses exactly two draws of the generator, which keeps streams easy to reason
/// about (trial t of a seeded experiment draws the same numbers whatever else it does).
/// `1 − U₁` is never 0, so the result is always finite (|z| ≤ √(−2 ln 2⁻⁵³) ≈ 8.57).
///
/// ```swift
/// var generator = SplitMix64(seed: 7)
/// let noise = (0..<m).map { _ in sigma * standardNormal(using: &generator) }
/// ```
/// - Parameter generator: the source of randomness (a seeded ``SplitMix64`` in experiments).
/// - Returns: one draw from N(0, 1).
/// - Complexity: O(1): two generator calls, one `log`, one `sqrt`, one `cos`.
public func standardNormal(using generator: inout some RandomNumberGenerator) -> Double {
  let u1 = 1 - uniformUnit(using: &generator)
  let u2 = uniformUnit(using: &generator)
  return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
}

/// An exponential deviate with the given rate (mean 1/rate) by inversion: −ln(1 − U)/rate.
///
/// - Precondition: `rate > 0` and finite.
/// - Complexity: O(1), one generator call and one `log`.
public func exponentialSample(rate: Double, using generator: inout some RandomNumberGenerator)
  -> Double
{
  precondition(rate > 0 && rate.isFinite, "the exponential rate must be positive and finite")
  return -Foundation.log(1 - uniformUnit(using: &generator)) / rate
}

/// K inputs of dimension d drawn uniformly from [low, high], seeded.
///
/// The generator is `SplitMix64(seed: seed ^ 0x5EED_1A9C_0DED_0001)`; entries are filled in
/// column-major order with `Double.random(in: range, using:)`.
public func uniformInputs(count: Int, dimension: Int, range: ClosedRange<Double>, seed: UInt64) -> Matrix {
  var generator = SplitMix64(seed: seed ^ 0x5EED_1A9C_0DED_0001)
  var x = Matrix(rows: count, columns: dimension)
  for i in x.storage.indices { x.storage[i] = Double.random(in: range, using: &generator) }
  return x
}
