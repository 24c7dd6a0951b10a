extension Duration {
  /// The duration in seconds, as a `Double` (attosecond resolution folded in).
  public var inSeconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) * 1e-18
  }
}
