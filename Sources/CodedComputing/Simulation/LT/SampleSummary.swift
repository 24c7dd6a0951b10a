/// Mean and percentiles of a sample, as the `coded lt` tables print them.
///
/// Percentiles interpolate linearly between order statistics — NumPy's default
/// (`numpy.percentile(x, q)`, method "linear"): with the sample sorted as x₀ ≤ … ≤ x_{n−1},
/// the q-th percentile is x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋), h = (n − 1)·q/100.
///
/// ```swift
/// let summary = SampleSummary([3, 1, 2, 10])
/// summary.mean            // 4
/// summary.percentile(50)  // 2.5
/// ```
public struct SampleSummary: Sendable, Hashable {
  /// The sample, ascending.
  public let sorted: [Double]

  /// - Parameter values: at least one number, none NaN.
  /// - Complexity: O(n log n).
  public init(_ values: [Double]) {
    precondition(!values.isEmpty, "a summary needs at least one value")
    precondition(!values.contains(where: \.isNaN), "a summary's values must not be NaN")
    sorted = values.sorted()
  }

  /// The arithmetic mean.
  public var mean: Double { sorted.reduce(0, +) / Double(sorted.count) }

  /// The median (the 50th percentile).
  public var median: Double { percentile(50) }

  /// The largest value.
  public var maximum: Double { sorted[sorted.count - 1] }

  /// The q-th percentile, q in 0…100 (linear interpolation, NumPy's default).
  public func percentile(_ q: Double) -> Double {
    precondition(q >= 0 && q <= 100, "a percentile is between 0 and 100")
    let h = Double(sorted.count - 1) * q / 100
    let low = Int(h.rounded(.down))
    let high = Swift.min(low + 1, sorted.count - 1)
    let fraction = h - Double(low)
    return fraction == 0 ? sorted[low] : sorted[low] + fraction * (sorted[high] - sorted[low])
  }

  /// The fraction of values ≤ `threshold`.
  public func fraction(atMost threshold: Double) -> Double {
    var low = 0
    var high = sorted.count
    while low < high {
      let mid = (low + high) / 2
      if sorted[mid] <= threshold { low = mid + 1 } else { high = mid }
    }
    return Double(low) / Double(sorted.count)
  }
}
