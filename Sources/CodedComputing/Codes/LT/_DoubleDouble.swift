/// Double-double arithmetic for the LT decoder's values (a value is hi + lo, |lo| ≤ ulp(hi)/2).
///
/// Peeling subtracts recovered sources from symbols along release chains whose integer
/// back-substitution coefficients grow exponentially with m, so any rounding of a residual is
/// amplified (Guides/LTCodes.md). Every residual is a sum of a subset of the source values; when
/// that sum spans ≤ ~105 bits (sources of comparable magnitude), hi + lo holds it exactly and the
/// operations below, built from error-free transformations, compute it without error.

/// Knuth's TwoSum: s + e = a + b exactly, s = fl(a + b).
@inline(__always)
func _twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
  let s = a + b
  let bb = s - a
  return (s, (a - (s - bb)) + (b - bb))
}

/// TwoProduct by FMA: p + e = a·b exactly, p = fl(a·b).
@inline(__always)
func _twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
  let p = a * b
  return (p, (-p).addingProduct(a, b))
}

/// (hi, lo) += (xHi, xLo): exact when the exact sum is a double-double; otherwise the error is
/// one rounding of the low part (≈ 2⁻¹⁰⁶ relative).
@inline(__always)
func _ddAdd(_ hi: inout Double, _ lo: inout Double, _ xHi: Double, _ xLo: Double) {
  let (s, e) = _twoSum(hi, xHi)
  let (t, f) = _twoSum(lo, xLo)
  let (u, g) = _twoSum(e, t)
  let (h, l) = _twoSum(s, u)
  let (h2, l2) = _twoSum(h, l + (g + f))
  hi = h2
  lo = l2
}

/// A 128-bit integer as a double-double (exact for |n| < 2¹⁰⁶, else rounded in the low part).
@inline(__always)
func _ddFromInteger(_ n: Int128) -> (hi: Double, lo: Double) {
  let hi = Double(n)
  guard abs(hi) < 0x1p126 else { return (hi, 0) }
  // |n − hi| ≤ ulp(hi)/2, so the difference is an Int128 and its conversion adds one rounding.
  return _twoSum(hi, Double(n - Int128(hi)))
}

/// (aHi, aLo) · (bHi, bLo), relative error ≈ 2⁻¹⁰⁴.
@inline(__always)
func _ddMultiply(_ aHi: Double, _ aLo: Double, _ bHi: Double, _ bLo: Double) -> (
  hi: Double, lo: Double
) {
  let (p, e) = _twoProduct(aHi, bHi)
  return _twoSum(p, e + (aHi * bLo + aLo * bHi))
}

/// (aHi, aLo) / (bHi, bLo) for b ≠ 0, relative error ≈ 2⁻¹⁰⁴.
@inline(__always)
func _ddDivide(_ aHi: Double, _ aLo: Double, _ bHi: Double, _ bLo: Double) -> (
  hi: Double, lo: Double
) {
  let q1 = aHi / bHi
  var (rHi, rLo) = _ddMultiply(q1, 0, bHi, bLo)
  rHi = -rHi
  rLo = -rLo
  _ddAdd(&rHi, &rLo, aHi, aLo)
  let q2 = (rHi + rLo) / bHi
  return _twoSum(q1, q2)
}
