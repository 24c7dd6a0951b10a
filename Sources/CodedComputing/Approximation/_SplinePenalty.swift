import Synchronization

/// The pieces of Reinsch's smoothing-spline system that do not depend on λ.
///
/// For knots t₀ < … < tₙ₋₁ with spacings hᵢ = tᵢ₊₁ − tᵢ (Green & Silverman 1994, §2.1):
/// Q is n × (n−2) with column r touching knots r, r+1, r+2 with coefficients
/// 1/hᵣ, −1/hᵣ − 1/hᵣ₊₁, 1/hᵣ₊₁; R is the (n−2) × (n−2) tridiagonal matrix with
/// Rᵣᵣ = (hᵣ + hᵣ₊₁)/3 and Rᵣ,ᵣ₊₁ = hᵣ₊₁/6; and M = QᵀW⁻¹Q is pentadiagonal. The smoothing
/// spline's second derivatives γ at the interior knots solve (R + λM)γ = Qᵀy, and its values are
/// g = y − λW⁻¹Qγ (Reinsch 1967).
///
/// Layout: only the reciprocal spacings 1/hᵢ (n − 1 of them) are stored; Q's coefficients are
/// read off them (q0[r] = 1/hᵣ, q1[r] = −1/hᵣ − 1/hᵣ₊₁, q2[r] = 1/hᵣ₊₁), and R + λM is assembled
/// straight into LAPACK upper band storage (kd = 2) in one pass, so a fit at one λ never
/// materialises R or M. ``bands()`` builds both for GCV, which reuses them across λ.
@usableFromInline
struct _SplinePenalty: Sendable {
  let knots: [Double]
  /// The weights as given (their scaled values), nil for unit weights.
  let givenWeights: [Double]?
  /// True when every weight is 1 (W⁻¹ is skipped; x / 1 == x, so the numbers are unchanged).
  let unitWeights: Bool
  /// The 90th percentile of 1/hᵢ and min wᵢ, for ``conditionEstimate(lambda:)``.
  let typicalInverseSpacing: Double
  let minWeight: Double
  /// 1/hᵢ and their maximum, computed on first use: the state-space route, which fits large
  /// problems, never reads them, so a smoother for 10⁶ knots does not write 8 MB it may not need.
  let _spacing: _Lazy<(inverse: [Double], largest: Double)>
  /// The ones that stand for absent weights, fetched on first use (``_unitWeights(count:)``).
  let _ones: _Lazy<[Double]>

  var count: Int { knots.count }
  var interiorCount: Int { max(0, knots.count - 2) }

  /// The weights (all ones when none were given, formed on first use: most routes skip W⁻¹ for
  /// unit weights). Read it once outside loops: each read takes a lock when the weights are ones.
  var weights: [Double] { givenWeights ?? _ones.value }
  /// 1/hᵢ for i in 0..<n−1 (computed on first use, then kept). Read it once outside loops.
  var inverseSpacing: [Double] { _spacing.value.inverse }
  /// max 1/hᵢ (for analysis).
  var maxInverseSpacing: Double { _spacing.value.largest }

  /// Validates and builds; `weights` nil means all ones.
  /// - Complexity: O(n), one pass over the knots (plus one over the weights if given).
  init(knots: [Double], weights: [Double]?) throws(ApproximationError) {
    try _validateNodes(knots, minimum: 2, what: "knots")
    try self.init(validatedKnots: knots, weights: weights)
  }

  /// Builds on knots the caller has checked with `_validateNodes` (at least two, finite,
  /// strictly increasing); validates `weights` (nil means all ones).
  /// - Complexity: O(1) beyond one pass over the weights if given (a sample of 4 096 spacings
  ///   for the condition estimate; 1/hᵢ are formed on first use).
  init(validatedKnots knots: [Double], weights: [Double]?) throws(ApproximationError) {
    let n = knots.count
    var unit = true
    if let weights {
      guard weights.count == n else {
        throw .lengthMismatch(what: "weights", expected: n, actual: weights.count)
      }
      for (i, value) in weights.enumerated() {
        guard value > 0 && value.isFinite else { throw .nonPositiveWeight(index: i, value: value) }
        if value != 1 { unit = false }
      }
    }
    self.knots = knots
    givenWeights = weights
    unitWeights = unit
    _spacing = _Lazy { _inverseSpacings(knots) }
    _ones = _Lazy { _unitWeights(count: n) }
    typicalInverseSpacing = _upperDecileOfInverseSpacings(knots)
    minWeight = unit ? 1 : (weights?.min() ?? 1)
  }

  /// The size of the condition number that limits the Cholesky route, in O(1):
  /// 1 + 9λ·(1/h₁₀)³ / min wᵢ, where h₁₀ is the 10th percentile of the knot spacings. For
  /// equispaced knots and unit weights this is about 9λ/h³, the true condition number of
  /// R + λM when λ ≫ h³ up to a small constant.
  ///
  /// Why a percentile and not the narrowest spacing: Cholesky's accuracy is invariant under
  /// symmetric diagonal scaling (van der Sluis 1969), so a few tight spacings — the ends of a
  /// Chebyshev grid, where h shrinks like 1/N² — scale their rows but do not make the solve
  /// inaccurate; what costs digits is λ against the spacing of the bulk of the knots. Measured:
  /// 900 Chebyshev (2nd kind) knots, λ = 1e-8, 1e-6, 1e-4, where max(1/h) gives estimates up to
  /// 7e12, fit by `dpbtrf` to within 1.3e-15, 3.5e-15 and 8.6e-14 of a 40-digit mpmath solution
  /// (the Givens route: 2.6e-15, 7.2e-15, 2.3e-14). A cluster holding more than 10 % of the knots
  /// sets the percentile, so clustered grids still take the Givens route.
  func conditionEstimate(lambda: Double) -> Double {
    1 + 9 * lambda * typicalInverseSpacing * typicalInverseSpacing * typicalInverseSpacing / minWeight
  }

  /// Q's coefficients (for tests and analysis; the hot paths read ``inverseSpacing``).
  var q0: [Double] {
    let ih = inverseSpacing
    return (0..<interiorCount).map { ih[$0] }
  }
  var q1: [Double] {
    let ih = inverseSpacing
    return (0..<interiorCount).map { -ih[$0] - ih[$0 + 1] }
  }
  var q2: [Double] {
    let ih = inverseSpacing
    return (0..<interiorCount).map { ih[$0 + 1] }
  }
  /// R in upper band storage with bandwidth 2.
  var r: SymmetricBandMatrix { bands().r }
  /// M = QᵀW⁻¹Q in upper band storage with bandwidth 2.
  var m: SymmetricBandMatrix { bands().m }

  /// R and M in upper band storage (kd = 2), for searches that try many λ.
  func bands() -> (r: SymmetricBandMatrix, m: SymmetricBandMatrix) {
    var r = SymmetricBandMatrix(order: interiorCount, bandwidth: 2)
    var m = SymmetricBandMatrix(order: interiorCount, bandwidth: 2)
    r.storage.withUnsafeMutableBufferPointer { rs in
      m.storage.withUnsafeMutableBufferPointer { ms in
        let interior = interiorCount
        _assemble { c, r0, r1, m0, m1, m2 in
          // A(i, j), i ≤ j, lives at (2 + i − j) + 3j: column j holds A(j−2, j), A(j−1, j), A(j, j).
          rs[3 * c + 2] = r0
          ms[3 * c + 2] = m0
          if c + 1 < interior {
            rs[3 * c + 4] = r1
            ms[3 * c + 4] = m1
          }
          if c + 2 < interior { ms[3 * c + 6] = m2 }
        }
      }
    }
    return (r, m)
  }

  /// Calls `body(c, Rcc, Rc,c+1, Mcc, Mc,c+1, Mc,c+2)` for every interior column c, with the
  /// entries beyond the matrix passed as 0. The arithmetic is exactly the textbook one:
  /// Mcc = q0²/w_c + q1²/w_{c+1} + q2²/w_{c+2}, and so on.
  @inline(__always)
  func _assemble(
    _ body: (Int, Double, Double, Double, Double, Double) -> Void
  ) {
    let interior = interiorCount
    knots.withUnsafeBufferPointer { t in
      inverseSpacing.withUnsafeBufferPointer { ih in
        weights.withUnsafeBufferPointer { w in
          for c in 0..<interior {
            let h0 = t[c + 1] - t[c]
            let h1 = t[c + 2] - t[c + 1]
            let a0 = ih[c]
            let a1 = -ih[c] - ih[c + 1]
            let a2 = ih[c + 1]
            let r0 = (h0 + h1) / 3
            let r1 = c + 1 < interior ? h1 / 6 : 0
            var m0: Double
            var m1 = 0.0
            var m2 = 0.0
            if unitWeights {
              m0 = a0 * a0 + a1 * a1 + a2 * a2
              if c + 1 < interior { m1 = a1 * ih[c + 1] + a2 * (-ih[c + 1] - ih[c + 2]) }
              if c + 2 < interior { m2 = a2 * ih[c + 2] }
            } else {
              m0 = a0 * a0 / w[c] + a1 * a1 / w[c + 1] + a2 * a2 / w[c + 2]
              if c + 1 < interior {
                m1 = a1 * ih[c + 1] / w[c + 1] + a2 * (-ih[c + 1] - ih[c + 2]) / w[c + 2]
              }
              if c + 2 < interior { m2 = a2 * ih[c + 2] / w[c + 2] }
            }
            body(c, r0, r1, m0, m1, m2)
          }
        }
      }
    }
  }

  /// R + λM in upper band storage (kd = 2), assembled in one pass without forming R or M.
  func system(lambda: Double) -> SymmetricBandMatrix {
    var system = SymmetricBandMatrix(order: interiorCount, bandwidth: 2)
    system.storage.withUnsafeMutableBufferPointer { s in
      let interior = interiorCount
      _assemble { c, r0, r1, m0, m1, m2 in
        // Same layout as in bands(); R has no second super-diagonal, so that entry is 0 + λM.
        s[3 * c + 2] = r0 + lambda * m0
        if c + 1 < interior { s[3 * c + 4] = r1 + lambda * m1 }
        if c + 2 < interior { s[3 * c + 6] = 0 + lambda * m2 }
      }
    }
    return system
  }

  /// R + λM, factorised.
  func factorized(lambda: Double) throws(ApproximationError) -> BandCholesky {
    do { return try BandCholesky(system(lambda: lambda)) } catch { throw .linearAlgebra(error) }
  }

  /// Qᵀy for every column of y (n × c): an (n−2) × c matrix.
  func qTransposeTimes(_ y: Matrix) -> Matrix {
    let n = count
    let interior = interiorCount
    let out = [Double](unsafeUninitializedCapacity: interior * y.columns) { o, initialised in
      y.storage.withUnsafeBufferPointer { v in
        inverseSpacing.withUnsafeBufferPointer { ih in
          for c in 0..<y.columns {
            let vb = c * n
            let ob = c * interior
            for r in 0..<interior {
              let a0 = ih[r]
              let a2 = ih[r + 1]
              let a1 = -a0 - a2
              o[ob + r] = a0 * v[vb + r] + a1 * v[vb + r + 1] + a2 * v[vb + r + 2]
            }
          }
        }
      }
      initialised = interior * y.columns
    }
    return Matrix(rows: interior, columns: y.columns, columnMajor: out)
  }

  /// (Qγ)ᵢ = q0[i]γᵢ + q1[i−1]γᵢ₋₁ + q2[i−2]γᵢ₋₂ over the columns that exist, for one column
  /// of γ (`gamma` points at its first element), passing i and (Qγ)ᵢ to `body` for i in 0..<n.
  @inline(__always)
  func _forEachQGamma(
    _ gamma: UnsafePointer<Double>, _ ih: UnsafeBufferPointer<Double>,
    _ body: (Int, Double) -> Void
  ) {
    let n = count
    let interior = interiorCount
    // The summation order (q0 term, then q1, then q2) is the reference one.
    @inline(__always) func general(_ i: Int) -> Double {
      var qg = 0.0
      if i < interior { qg += ih[i] * gamma[i] }
      if i >= 1 && i - 1 < interior { qg += (-ih[i - 1] - ih[i]) * gamma[i - 1] }
      if i >= 2 && i - 2 < interior { qg += ih[i - 1] * gamma[i - 2] }
      return qg
    }
    let edge = min(2, n)
    for i in 0..<edge { body(i, general(i)) }
    if interior > 2 {
      for i in 2..<interior {
        var qg = 0.0
        qg += ih[i] * gamma[i]
        qg += (-ih[i - 1] - ih[i]) * gamma[i - 1]
        qg += ih[i - 1] * gamma[i - 2]
        body(i, qg)
      }
    }
    for i in max(edge, interior)..<n { body(i, general(i)) }
  }

  /// Fits every column of `y` (n × c) with the factor of R + λM: returns the knot values
  /// g = y − λW⁻¹Qγ and the second derivatives (γ inside, zero at both ends), both n × c.
  ///
  /// Qᵀy is written straight into the interior rows of the second-derivative matrix and solved
  /// there in place (dpbtrs with leading dimension n), so the only allocations are the two results.
  func fit(data y: Matrix, factor: BandCholesky, lambda: Double) -> (Matrix, Matrix) {
    let n = count
    let interior = interiorCount
    let columns = y.columns
    precondition(factor.order == interior && y.rows == n, "Factor and data do not match the knots")
    var second = [Double](unsafeUninitializedCapacity: n * columns) { sv, sCount in
      y.storage.withUnsafeBufferPointer { v in
        inverseSpacing.withUnsafeBufferPointer { ih in
          for c in 0..<columns {
            let vb = c * n
            sv[vb] = 0
            for r in 0..<interior {
              let a0 = ih[r]
              let a2 = ih[r + 1]
              let a1 = -a0 - a2
              sv[vb + r + 1] = a0 * v[vb + r] + a1 * v[vb + r + 1] + a2 * v[vb + r + 2]
            }
            sv[vb + n - 1] = 0
          }
        }
      }
      sCount = n * columns
    }
    second.withUnsafeMutableBufferPointer { sv in
      do {
        try factor._solve(sv.baseAddress! + 1, leadingDimension: n, columns: columns)
      } catch {
        preconditionFailure("dpbtrs on a successful dpbtrf factor cannot fail: \(error)")
      }
    }
    let g = fittedValues(data: y, secondBuffer: second, scale: lambda)
    return (
      Matrix(rows: n, columns: columns, columnMajor: g),
      Matrix(rows: n, columns: columns, columnMajor: second)
    )
  }

  /// The fitted knot values g = y − scale·W⁻¹Q·v for every column, where `secondBuffer` holds
  /// v in rows 1…n−2 of each n-row column (γ with scale λ on the Cholesky route; z = √λ·γ with
  /// scale √λ on the Givens route).
  func fittedValues(data y: Matrix, secondBuffer second: [Double], scale: Double) -> [Double] {
    let n = count
    let columns = y.columns
    return [Double](unsafeUninitializedCapacity: n * columns) { gv, gCount in
      y.storage.withUnsafeBufferPointer { yv in
        second.withUnsafeBufferPointer { sv in
          inverseSpacing.withUnsafeBufferPointer { ih in
            weights.withUnsafeBufferPointer { w in
              for c in 0..<columns {
                let gb = c * n
                let column = sv.baseAddress! + gb + 1
                if unitWeights {
                  _forEachQGamma(column, ih) { i, qg in gv[gb + i] = yv[gb + i] - scale * qg }
                } else {
                  _forEachQGamma(column, ih) { i, qg in gv[gb + i] = yv[gb + i] - scale * qg / w[i] }
                }
              }
            }
          }
        }
      }
      gCount = n * columns
    }
  }
}

/// 1/hᵢ = 1/(tᵢ₊₁ − tᵢ) for i in 0..<n−1 and their maximum (n ≥ 2).
func _inverseSpacings(_ knots: [Double]) -> (inverse: [Double], largest: Double) {
  let n = knots.count
  var largest = 0.0
  let inverse = [Double](unsafeUninitializedCapacity: n - 1) { buffer, initialised in
    knots.withUnsafeBufferPointer { t in
      // Two spacings at a time (the divisions dominate), the maxima kept per lane.
      var lanes = SIMD2<Double>.zero
      var i = 0
      while i + 2 < n {
        let left = SIMD2(t[i], t[i + 1])
        let right = SIMD2(t[i + 1], t[i + 2])
        let value = 1 / (right - left)
        buffer[i] = value[0]
        buffer[i + 1] = value[1]
        lanes = lanes.replacing(with: value, where: value .> lanes)
        i += 2
      }
      largest = max(lanes[0], lanes[1])
      if i < n - 1 {
        let value = 1 / (t[i + 1] - t[i])
        buffer[i] = value
        largest = max(largest, value)
      }
    }
    initialised = n - 1
  }
  return (inverse, largest)
}

/// ``_upperDecile(count:_:)`` of 1/hᵢ (i in 0..<n−1) read straight off the knots, each
/// 1/(tᵢ₊₁ − tᵢ) rounded as ``_inverseSpacings(_:)`` rounds it: the number the formed
/// reciprocals would give, without forming the n − 1 of them.
func _upperDecileOfInverseSpacings(_ knots: [Double]) -> Double {
  knots.withUnsafeBufferPointer { t in
    _upperDecile(count: max(0, t.count - 1)) { 1 / (t[$0 + 1] - t[$0]) }
  }
}

/// The 90th percentile of `value(i)` for i in 0..<count (for 1/hᵢ: the 10th percentile of the
/// spacings), from a strided sample of at most 4 096 indices, so it costs O(1) beyond the
/// sample: the element of rank ⌊9m/10⌋ (0-based, capped at m − 1) among the m sampled values,
/// found by selection rather than a full sort (the same number: a rank's value does not depend
/// on how it is found). No value may be NaN.
@inline(__always)
func _upperDecile(count: Int, _ value: (Int) -> Double) -> Double {
  guard count > 0 else { return 0 }
  let stride = max(1, count / 4096)
  var sample = Swift.stride(from: 0, to: count, by: stride).map(value)
  return _select(&sample, rank: min(sample.count - 1, (sample.count * 9) / 10))
}

/// The value of rank `rank` (0-based) in ascending order of `values` (not empty, no NaN),
/// by Hoare's FIND: partition around the middle element, keep the side that holds the rank.
/// Reorders `values`. Expected O(m); runs of equal values split evenly (both scans stop on them).
func _select(_ values: inout [Double], rank k: Int) -> Double {
  values.withUnsafeMutableBufferPointer { b in
    var lo = 0
    var hi = b.count - 1
    while lo < hi {
      let pivot = b[lo + (hi - lo) / 2]
      var i = lo
      var j = hi
      while i <= j {
        while b[i] < pivot { i += 1 }
        while b[j] > pivot { j -= 1 }
        if i <= j {
          b.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      // Now b[lo...j] ≤ pivot ≤ b[i...hi], and anything strictly between j and i equals it.
      if k <= j {
        hi = j
      } else if k >= i {
        lo = i
      } else {
        return b[k]
      }
    }
    return b[k]
  }
}

/// `count` ones, shared: the array last asked for is kept (at most one, 8·count bytes) and
/// handed out again for the same count, so the unit weights of smoothers on the same knots —
/// one per λ, or one per round of a coded computation — are filled once.
func _unitWeights(count: Int) -> [Double] {
  _unitWeightsCache.withLock { cached in
    if cached.count != count { cached = [Double](repeating: 1, count: count) }
    return cached
  }
}

private let _unitWeightsCache = Mutex<[Double]>([])

/// A value computed on first use and then kept; safe to share between threads (the first
/// readers wait for one computation).
final class _Lazy<Value: Sendable>: Sendable {
  private let state: Mutex<Value?>
  private let make: @Sendable () -> Value

  init(_ make: @escaping @Sendable () -> Value) {
    state = Mutex(nil)
    self.make = make
  }

  /// A value known already.
  init(computed value: Value) {
    state = Mutex(value)
    make = { value }
  }

  var value: Value {
    state.withLock { slot in
      if let value = slot { return value }
      let value = make()
      slot = value
      return value
    }
  }

  /// True once ``value`` has been computed (tests).
  var isComputed: Bool { state.withLock { $0 != nil } }
}
