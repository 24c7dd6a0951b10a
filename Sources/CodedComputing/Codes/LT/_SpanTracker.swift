/// Exact incremental test of whether the all-ones vector lies in the span of integer rows.
///
/// Keeps an echelon basis b₁, b₂, … (each bₖ zero at the pivots of the earlier rows) built by
/// fraction-free row operations r ← bₖ[p]·r − r[p]·bₖ, every row divided by the gcd of its
/// entries, and the target t = D·1 − Σ cᵢ·bᵢ reduced the same way. t = 0 certifies
/// D·1 = Σ cᵢ·bᵢ exactly, and then the sum of the unknowns is V/D with V = Σ cᵢ·value(bᵢ).
/// Values are carried in double-double (the integer coefficients can be large, and V/D is a
/// difference of large multiples of the symbol values).
/// All integer arithmetic is 128-bit and overflow-checked: an overflow sets ``overflowed`` and the tracker
/// stops (it never claims what it could not compute exactly).
///
/// Cost: adding a row is O(rank · columns) integer operations plus O(rank · width) for values.
struct _SpanTracker: Sendable {
  let columns: Int
  let width: Int
  var rows: [[Int128]] = []
  var pivots: [Int] = []
  var rowValues: [[(hi: Double, lo: Double)]] = []
  var target: [Int128]
  var targetScale: Int128 = 1
  var targetValue: [(hi: Double, lo: Double)]
  var targetNonzero: Int
  var overflowed = false

  init(columns: Int, width: Int) {
    self.columns = columns
    self.width = width
    target = [Int128](repeating: 1, count: columns)
    targetValue = [(hi: Double, lo: Double)](repeating: (0, 0), count: width)
    targetNonzero = columns
  }

  /// True when 1 = Σ cᵢ·bᵢ / D has been certified.
  var isTargetReached: Bool { !overflowed && targetNonzero == 0 }

  /// V/D: the certified sum of the unknowns, or nil.
  var certifiedSum: [(hi: Double, lo: Double)]? {
    guard isTargetReached else { return nil }
    let d = _ddFromInteger(targetScale)
    return targetValue.map { _ddDivide($0.hi, $0.lo, d.hi, d.lo) }
  }

  /// b·x − a·y in double-double.
  static func combine(
    _ b: Int128, _ x: (hi: Double, lo: Double), _ a: Int128, _ y: (hi: Double, lo: Double)
  ) -> (hi: Double, lo: Double) {
    let bb = _ddFromInteger(b)
    let aa = _ddFromInteger(a)
    var (hi, lo) = _ddMultiply(bb.hi, bb.lo, x.hi, x.lo)
    let right = _ddMultiply(aa.hi, aa.lo, y.hi, y.lo)
    _ddAdd(&hi, &lo, -right.hi, -right.lo)
    return (hi, lo)
  }

  /// x / g in double-double.
  static func divide(_ x: (hi: Double, lo: Double), by g: Int128) -> (hi: Double, lo: Double) {
    let gg = _ddFromInteger(g)
    return _ddDivide(x.hi, x.lo, gg.hi, gg.lo)
  }

  /// r ← b·r − a·s, entry-wise; false on overflow.
  static func combine(_ r: inout [Int128], _ b: Int128, _ a: Int128, _ s: [Int128]) -> Bool {
    for i in r.indices {
      let (left, o1) = b.multipliedReportingOverflow(by: r[i])
      let (right, o2) = a.multipliedReportingOverflow(by: s[i])
      let (difference, o3) = left.subtractingReportingOverflow(right)
      if o1 || o2 || o3 { return false }
      r[i] = difference
    }
    return true
  }

  static func gcd(_ a: Int128, _ b: Int128) -> Int128 {
    var (x, y) = (a.magnitude, b.magnitude)
    while y != 0 { (x, y) = (y, x % y) }
    return Int128(truncatingIfNeeded: x)
  }

  /// Adds a row (its entries on the columns, and its values) to the basis and reduces the target.
  mutating func add(row: [Int], values: ArraySlice<Double>, lows: ArraySlice<Double>) {
    precondition(row.count == columns && values.count == width, "span tracker shape")
    guard !overflowed, targetNonzero > 0 else { return }
    var r = row.map { Int128($0) }
    var v = zip(values, lows).map { (hi: $0, lo: $1) }
    for k in rows.indices {
      let p = pivots[k]
      let a = r[p]
      if a == 0 { continue }
      let b = rows[k][p]
      guard Self.combine(&r, b, a, rows[k]) else {
        overflowed = true
        return
      }
      for i in 0..<width { v[i] = Self.combine(b, v[i], a, rowValues[k][i]) }
      var g: Int128 = 0
      for x in r where x != 0 { g = Self.gcd(g, x) }
      if g > 1 {
        for i in r.indices { r[i] /= g }
        for i in v.indices { v[i] = Self.divide(v[i], by: g) }
      }
    }
    guard let pivot = r.firstIndex(where: { $0 != 0 }) else { return }
    rows.append(r)
    pivots.append(pivot)
    rowValues.append(v)
    let a = target[pivot]
    guard a != 0 else { return }
    let b = r[pivot]
    // t' = b·t − a·r = (b·D)·1 − (b·Σcᵢbᵢ + a·r):  D' = b·D, V' = b·V + a·v.
    guard Self.combine(&target, b, a, r) else {
      overflowed = true
      return
    }
    let (scale, overflow) = b.multipliedReportingOverflow(by: targetScale)
    guard !overflow else {
      overflowed = true
      return
    }
    targetScale = scale
    for i in 0..<width { targetValue[i] = Self.combine(b, targetValue[i], -a, v[i]) }
    var g = targetScale
    for x in target where x != 0 { g = Self.gcd(g, x) }
    if g > 1 {
      for i in target.indices { target[i] /= g }
      targetScale /= g
      for i in targetValue.indices { targetValue[i] = Self.divide(targetValue[i], by: g) }
    }
    targetNonzero = target.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
  }
}
