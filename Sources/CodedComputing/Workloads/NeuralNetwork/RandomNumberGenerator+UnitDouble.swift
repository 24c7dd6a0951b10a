extension RandomNumberGenerator {
  /// A uniform double in [0, 1) from the top 53 bits (one draw per value, so a seed fixes every
  /// initial weight bit for bit).
  mutating func _nextUnitDouble() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }
}
