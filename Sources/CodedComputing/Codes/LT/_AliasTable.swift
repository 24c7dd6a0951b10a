/// Walker's alias table (Walker 1977; Vose 1991) for O(1) sampling from a finite distribution.
///
/// Column i is chosen uniformly; it returns i with probability `acceptance[i]`, otherwise
/// `alias[i]`. Built in O(n) by Vose's stable two-worklist method.
struct _AliasTable: Sendable, Hashable {
  /// The probability of keeping the column's own outcome (0…1).
  var acceptance: [Double]
  /// The outcome returned when the column's own outcome is rejected.
  var alias: [Int32]

  /// - Parameter weights: n ≥ 1 non-negative, finite weights with a positive sum (normalised here).
  init(weights: [Double]) {
    let n = weights.count
    precondition(n >= 1 && n <= Int(Int32.max), "an alias table needs 1…Int32.max outcomes")
    let total = weights.reduce(0, +)
    precondition(total > 0 && total.isFinite, "alias table weights must have a positive sum")
    var scaled = weights.map { $0 / total * Double(n) }
    acceptance = [Double](repeating: 1, count: n)
    alias = (0..<n).map { Int32($0) }
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
  }

  /// One outcome: two uniforms (column, then coin), see ``uniformUnit(using:)``.
  @inline(__always)
  func sample(using generator: inout some RandomNumberGenerator) -> Int {
    let n = acceptance.count
    let column = Swift.min(Int(uniformUnit(using: &generator) * Double(n)), n - 1)
    return uniformUnit(using: &generator) < acceptance[column] ? column : Int(alias[column])
  }

  /// The probability of each outcome implied by the table (for tests): O(n).
  var probabilities: [Double] {
    let n = acceptance.count
    var p = [Double](repeating: 0, count: n)
    for i in 0..<n {
      p[i] += acceptance[i] / Double(n)
      p[Int(alias[i])] += (1 - acceptance[i]) / Double(n)
    }
    return p
  }
}
