internal import CKernels

/// Powers of two that bring knots, weights and data into a range where Reinsch's system cannot
/// overflow or underflow, and the exact map of λ between the two problems.
///
/// The smoothing spline is equivariant under scaling: with s = t/a, v = y/c and weights w/ω,
/// the minimiser of Σ wᵢ(yᵢ − g(tᵢ))² + λ∫g″(t)²dt is g(t) = c·f(t/a), where f minimises
/// Σ (wᵢ/ω)(vᵢ − f(sᵢ))² + λ_s∫f″(s)²ds with λ_s = λ/(a³·ω) (g″(t) = c·f″(s)/a², dt = a·ds).
/// Scaling by powers of two is exact in binary floating point, and every operation of the fit is
/// a product, quotient, sum or square root of terms that all scale by the same power (even
/// exponents, so that square roots scale exactly too); so for knots, weights
/// and data already in a moderate range (where the factors are 1) nothing changes, and elsewhere
/// the scaled problem gives the same bits the unscaled one would have given with an unbounded
/// exponent range. Knot spacings of 10⁻²⁰⁰ or 10²⁰⁰, subnormal weights and data of ±10³⁰⁸ then
/// fit like ordinary ones.
///
/// λ_s can overflow (λ far above the point where the fit is the least-squares line) or underflow
/// (λ far below interpolation); ``SplineSmoother`` handles both ends.
struct _SplineScaling: Sendable, Equatable {
  /// log₂ a (even): the scaled knots are t·2^(−knotExponent), their span in [2, 8).
  let knotExponent: Int
  /// log₂ ω (even): the scaled weights are w·2^(−weightExponent).
  let weightExponent: Int

  /// The identity (knots and weights already in range).
  static let identity = _SplineScaling(knotExponent: 0, weightExponent: 0)

  /// Exponents within ±`moderate` are left alone: the fit's intermediates (1/h², λ/h³, y/h²)
  /// stay far from the ends of the Double range there, and ordinary inputs keep their exact
  /// historical arithmetic path (no copies).
  static let moderate = 20

  /// The scaling for `knots` (finite, strictly increasing, at least two) and `weights`
  /// (positive and finite, or nil for ones).
  init(knots: [Double], weights: [Double]?) {
    // The span's exponent (halved first when ±1.7e308 knots overflow it); scaled span in [2, 8).
    let span = knots[knots.count - 1] - knots[0]
    let exponent =
      span.isFinite
      ? Int(span.exponent) - 1 : Int((knots[knots.count - 1] / 2 - knots[0] / 2).exponent)
    knotExponent = abs(exponent) <= Self.moderate ? 0 : Self.even(exponent)
    if let weights, let largest = weights.max(), largest.isFinite, largest > 0 {
      let e = Int(largest.exponent)
      weightExponent = abs(e) <= Self.moderate ? 0 : Self.even(e)
    } else {
      weightExponent = 0
    }
  }

  init(knotExponent: Int, weightExponent: Int) {
    self.knotExponent = knotExponent
    self.weightExponent = weightExponent
  }

  /// `e` rounded down to an even number: the fit takes square roots (Cholesky's pivots, √λ and
  /// √w on the Givens route), and only an even power of two has an exact square root.
  static func even(_ e: Int) -> Int { e & ~1 }

  var isIdentity: Bool { knotExponent == 0 && weightExponent == 0 }

  /// x·2^e, exactly (rounded once if the result is subnormal; ±∞ or 0 beyond the range).
  @inline(__always) static func scale(_ x: Double, by e: Int) -> Double {
    e == 0 ? x : Double(sign: .plus, exponent: e, significand: x)
  }

  func scaledKnots(_ knots: [Double]) -> [Double] {
    knotExponent == 0 ? knots : knots.map { Self.scale($0, by: -knotExponent) }
  }

  func scaledWeights(_ weights: [Double]?) -> [Double]? {
    guard let weights, weightExponent != 0 else { return weights }
    return weights.map { Self.scale($0, by: -weightExponent) }
  }

  /// λ_s = λ/(a³·ω); +∞ when it overflows.
  func scaledLambda(_ lambda: Double) -> Double {
    Self.scale(Self.scale(lambda, by: -3 * knotExponent), by: -weightExponent)
  }

  /// λ = λ_s·a³·ω; +∞ when it overflows.
  func originalLambda(_ scaledLambda: Double) -> Double {
    Self.scale(Self.scale(scaledLambda, by: 3 * knotExponent), by: weightExponent)
  }
}

/// The power-of-two exponent that brings the largest |value| of `data` to [1, 2), or 0 when it is
/// already within 2^±256 (or all values are zero): scaling then changes nothing, and products
/// with the knots' 1/h² cannot overflow. Every caller has checked that the values are finite
/// (a NaN or an infinity gives 0).
func _dataExponent(_ data: [Double]) -> Int {
  _dataExponent(
    largestBits: data.withUnsafeBufferPointer {
      cc_max_magnitude_bits($0.baseAddress, $0.count)
    })
}

/// ``_dataExponent(_:)`` from `cc_max_magnitude_bits` of the data: 0 for a NaN or ±∞.
private func _dataExponent(largestBits bits: UInt64) -> Int {
  guard bits < Double.infinity.bitPattern else { return 0 }
  let largest = Double(bitPattern: bits)
  guard largest > 0 else { return 0 }
  let e = Int(largest.exponent)
  return abs(e) <= 256 ? 0 : e
}

/// Checks that every value is finite and returns ``_dataExponent(_:)``, in one pass over
/// `values` (`cc_max_magnitude_bits`); a NaN or infinity throws `.nonFinite` at its first index.
/// ``_validateFinite(_:what:)`` is this check.
func _validatedDataExponent(_ values: [Double], what: String) throws(ApproximationError) -> Int {
  // The largest |x| as a bit pattern (C, vectorised): +∞'s pattern or above means a NaN or ±∞.
  let bits = values.withUnsafeBufferPointer { cc_max_magnitude_bits($0.baseAddress, $0.count) }
  guard bits < Double.infinity.bitPattern else {
    let i = values.firstIndex { !$0.isFinite } ?? 0
    throw .nonFinite(what: what, index: i)
  }
  return _dataExponent(largestBits: bits)
}
