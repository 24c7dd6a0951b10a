/// Fast, correctly rounded decimal ↔ Double conversions for the CSV fast paths.
///
/// Reading: the number at a pointer is parsed into a decimal significand w (at most 19 digits)
/// and a power of ten q, then converted exactly as `strtod` would round it (to nearest, ties to
/// even): by Clinger's fast path when w ≤ 2⁵³ and |q| ≤ 22 (one exact product or quotient of
/// two exactly representable Doubles), otherwise by the Eisel–Lemire algorithm (Lemire 2021,
/// "Number parsing at a gigabyte per second"; the 128-bit product is always sufficient for
/// w < 10¹⁹, Mushtak & Lemire 2023). Anything else — more than 19 significant digits, hex
/// floats, "inf"/"nan", results that are subnormal or overflow — returns nil, and the caller
/// uses `strtod`; so the fast path only ever returns the value `strtod` returns.
///
/// Writing: the runtime's own shortest round-trip formatter (the one behind `Double.description`)
/// into a caller's buffer, without building a `String` per number.
enum _DecimalNumber {
  /// 10⁰ … 10²², exactly representable.
  @usableFromInline static let exactPowers: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// Parses a number starting at `start` and ending at the first byte that cannot continue it
  /// (at most `end`). Returns the value and the number of bytes consumed, or nil when the text is
  /// not of the plain form [+−]digits[.digits][(e|E)[+−]digits] or the conversion needs `strtod`.
  /// Digits are read eight at a time where the text allows (SWAR, as in fast_float).
  @inline(__always)
  static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> (
    value: Double, length: Int
  )? {
    var p = start
    var negative = false
    if p < end && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) {
      negative = p.pointee == UInt8(ascii: "-")
      p += 1
    }
    // w accumulates every digit (wrapping); it is exact when at most 19 are significant.
    var w: UInt64 = 0
    let integerStart = p
    readDigits(&p, end, &w)
    var digitCount = integerStart.distance(to: p)
    var exponent = 0
    if p < end && p.pointee == UInt8(ascii: ".") {
      p += 1
      let fractionStart = p
      readDigits(&p, end, &w)
      let fractionDigits = fractionStart.distance(to: p)
      exponent = -fractionDigits
      digitCount += fractionDigits
    }
    guard digitCount > 0 else { return nil }
    if digitCount > 19 {
      // Leading zeros are not significant.
      var s = integerStart
      while s < p && (s.pointee == UInt8(ascii: "0") || s.pointee == UInt8(ascii: ".")) {
        if s.pointee == UInt8(ascii: "0") { digitCount -= 1 }
        s += 1
      }
      if digitCount > 19 { return nil }
    }
    if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
      var e = p + 1
      var negativeExponent = false
      if e < end && (e.pointee == UInt8(ascii: "-") || e.pointee == UInt8(ascii: "+")) {
        negativeExponent = e.pointee == UInt8(ascii: "-")
        e += 1
      }
      var value = 0
      var any = false
      while e < end {
        let d = e.pointee &- UInt8(ascii: "0")
        if d > 9 { break }
        any = true
        if value < 100_000 { value = value * 10 + Int(d) }
        e += 1
      }
      // "1e" or "1e+" : strtod stops before the "e"; leave such text to it.
      guard any else { return nil }
      exponent += negativeExponent ? -value : value
      p = e
    }
    let length = start.distance(to: p)
    if w == 0 { return (negative ? -0.0 : 0.0, length) }
    guard let magnitude = convert(w, exponent) else { return nil }
    return (negative ? -magnitude : magnitude, length)
  }

  /// Appends the decimal digits at `p` to `w` (wrapping), eight at a time while eight digits
  /// follow, then one at a time; moves `p` past them.
  @inline(__always)
  static func readDigits(
    _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ w: inout UInt64
  ) {
    while p.distance(to: end) >= 8 {
      let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
      // All eight bytes in "0"…"9" (little-endian load).
      let high = (word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030)
      guard high & 0x8080_8080_8080_8080 == 0 else { break }
      w = w &* 100_000_000 &+ UInt64(eightDigits(word))
      p += 8
    }
    while p < end {
      let d = p.pointee &- UInt8(ascii: "0")
      if d > 9 { break }
      w = w &* 10 &+ UInt64(d)
      p += 1
    }
  }

  /// The value of eight ASCII digits loaded little-endian (first digit in the lowest byte).
  @inline(__always)
  static func eightDigits(_ word: UInt64) -> UInt32 {
    let mask: UInt64 = 0x0000_00FF_0000_00FF
    let mul1: UInt64 = 0x000F_4240_0000_0064  // 100 + (1000000 << 32)
    let mul2: UInt64 = 0x0000_2710_0000_0001  // 1 + (10000 << 32)
    var value = word &- 0x3030_3030_3030_3030
    value = value &* 10 &+ (value >> 8)
    value = ((value & mask) &* mul1 &+ ((value >> 16) & mask) &* mul2) >> 32
    return UInt32(truncatingIfNeeded: value)
  }

  /// w·10^q rounded to nearest (ties to even), or nil when the result is subnormal, overflows
  /// or q is out of the table's range. w > 0, w < 10¹⁹.
  @inline(__always)
  static func convert(_ w: UInt64, _ q: Int) -> Double? {
    if w <= 1 << 53 && q >= -22 && q <= 22 {
      let d = Double(w)
      return q < 0 ? d / exactPowers[-q] : d * exactPowers[q]
    }
    guard q >= -342 && q <= 308 else { return nil }
    let lz = w.leadingZeroBitCount
    let ws = w << UInt64(lz)
    let index = 2 * (q + 342)
    return _powersOfFive128.withUnsafeBufferPointer { table -> Double? in
      var (high, low) = ws.multipliedFullWidth(by: table[index])
      let precisionMask: UInt64 = 0xFFFF_FFFF_FFFF_FFFF >> 55
      if high & precisionMask == precisionMask {
        let second = ws.multipliedFullWidth(by: table[index + 1])
        let (sum, carry) = low.addingReportingOverflow(second.high)
        low = sum
        if carry { high &+= 1 }
      }
      let upperBit = Int(high >> 63)
      let shift = UInt64(upperBit + 64 - 52 - 3)
      var mantissa = high >> shift
      var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - lz + 1023
      if power2 <= 0 { return nil }
      // Exactly halfway between two Doubles (possible only for small |q|): round to even.
      if low <= 1 && q >= -4 && q <= 23 && mantissa & 3 == 1 && mantissa << shift == high {
        mantissa &= ~1
      }
      mantissa += mantissa & 1
      mantissa >>= 1
      if mantissa >= 2 << 52 {
        mantissa = 1 << 52
        power2 += 1
      }
      mantissa &= ~(1 << 52)
      if power2 >= 2047 { return nil }
      return Double(bitPattern: UInt64(power2) << 52 | mantissa)
    }
  }

  /// Writes `x` in its shortest round-trip form — exactly `x.description`'s bytes ("0.1",
  /// "1e-05", "3.0") — to `buffer` (at least 32 bytes) and returns the number of bytes.
  /// The runtime's formatter leaves some zero digits unwritten (the "0" of "0.5" and of "3.0"):
  /// it expects the buffer filled with "0" characters, as the standard library provides it.
  @inline(__always)
  static func format(_ x: Double, into buffer: UnsafeMutablePointer<UInt8>) -> Int {
    buffer.update(repeating: UInt8(ascii: "0"), count: 32)
    return Int(_swiftFloat64ToString(buffer, 32, x, false))
  }
}

/// The Swift runtime's shortest round-trip Double formatter (SwiftDtoa), the implementation of
/// `Double.description`; the standard library declares it the same way.
@_silgen_name("swift_float64ToString")
func _swiftFloat64ToString(
  _ buffer: UnsafeMutablePointer<UInt8>, _ bufferLength: UInt, _ value: Double, _ debug: Bool
) -> UInt64
