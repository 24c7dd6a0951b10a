internal import CKernels

/// Walker's alias table (Walker 1977; Vose 1991) for O(1) sampling from a finite distribution.
///
/// Column i is chosen uniformly; it returns i with probability `acceptance[i]`, otherwise
/// `alias[i]`. Built in O(n) by Vose's stable two-worklist method.
struct _AliasTable: Sendable, Hashable {
  /// Per column, the probability of keeping its own outcome rounded down to a `Float`, and the
  /// outcome returned when it is rejected: 8 bytes side by side, so a draw touches one random
  /// cache line of a table half the size of one with `Double`s.
  struct Column: Sendable, Hashable {
    var acceptanceBelow: Float
    var alias: Int32
  }
  var columns: [Column]
  /// The exact acceptance probabilities, read only when the uniform falls between
  /// `acceptanceBelow` and the next `Float` (probability < 2⁻²³ per draw), so that draws are
  /// exactly those of a table of `Double`s.
  var acceptance: [Double]

  /// - Parameter weights: n ≥ 1 non-negative, finite weights with a positive sum (normalised here).
  init(weights: [Double]) {
    let n = weights.count
    precondition(n >= 1 && n <= Int(Int32.max), "an alias table needs 1…Int32.max outcomes")
    let total = weights.reduce(0, +)
    precondition(total > 0 && total.isFinite, "alias table weights must have a positive sum")
    var scaled = weights.map { $0 / total * Double(n) }
    var acceptance = [Double](repeating: 1, count: n)
    var alias = (0..<n).map { Int32($0) }
    var small: [Int] = []
    var large: [Int] = []
    for i in 0..<n {
      if scaled[i] < 1 { small.append(i) } else { large.append(i) }
    }
    while let s = small.last, let l = large.last {
      small.removeLast()
      acceptance[s] = scaled[s]
      alias[s] = Int32(l)
      scaled[l] = (scaled[l] + scaled[s]) - 1
      if scaled[l] < 1 {
        large.removeLast()
        small.append(l)
      }
    }
    // Leftovers are 1 up to rounding.
    for i in large { acceptance[i] = 1 }
    for i in small { acceptance[i] = 1 }
    self.acceptance = acceptance
    columns = zip(acceptance, alias).map { a, alias in
      var below = Float(a)
      if Double(below) > a { below = below.nextDown }
      return Column(acceptanceBelow: below, alias: alias)
    }
  }

  /// One outcome: two uniforms (column, then coin), see ``uniformUnit(using:)``.
  @inline(__always)
  func sample(using generator: inout some RandomNumberGenerator) -> Int {
    let n = columns.count
    let column = Swift.min(Int(uniformUnit(using: &generator) * Double(n)), n - 1)
    let entry = columns[column]
    let u = uniformUnit(using: &generator)
    if u < Double(entry.acceptanceBelow) { return column }
    if u >= Double(entry.acceptanceBelow.nextUp) { return Int(entry.alias) }
    return u < acceptance[column] ? column : Int(entry.alias)
  }

  /// Prefetches the column a draw whose first uniform is `u` will read.
  @inline(__always)
  func prefetch(column u: Double) {
    let n = columns.count
    let column = Swift.min(Int(u * Double(n)), n - 1)
    columns.withUnsafeBufferPointer { cc_prefetch($0.baseAddress! + column) }
  }

  /// The probability of each outcome implied by the table (for tests): O(n).
  var probabilities: [Double] {
    let n = columns.count
    var p = [Double](repeating: 0, count: n)
    for (i, entry) in columns.enumerated() {
      p[i] += acceptance[i] / Double(n)
      p[Int(entry.alias)] += (1 - acceptance[i]) / Double(n)
    }
    return p
  }
}
