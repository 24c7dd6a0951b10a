import Foundation

/// A fast route to the smoothing spline where R + λM is ill-conditioned but still positive
/// definite in floating point: a square-root-free LDLᵀ factorisation of R + λM, run from both
/// ends at once, and iterative refinement with residuals computed from the unformed operator.
///
/// **Factorisation.** R + λQᵀW⁻¹Q is assembled row by row from the reciprocal spacings and
/// factorised as it is formed, never stored. A pentadiagonal LDLᵀ sweep is one long chain of
/// dependent operations (each pivot needs the previous one, through a division), so the matrix
/// is split at its middle rows k, k + 1: the top rows are eliminated downwards and the bottom
/// rows upwards — the bottom sweep is the top sweep of the mirrored knots, since the spline
/// problem is symmetric under t ↦ −t — in the two lanes of one `SIMD2<Double>`, which halves the
/// chain; a 2 × 2 system joins the halves and the back substitution runs outwards from the
/// middle, again in two lanes. Qᵀy is forward-substituted in the same pass.
///
/// **Refinement.** Formed in floating point, R + λM has condition number κ ≈ 9λ/h³ and its
/// solution errors of order ε·κ (the reason for the Givens route in `SplinePenalty+QR.swift`).
/// While ε·κ < 1 the factorisation is still a good preconditioner, so iterative refinement
/// recovers the accuracy, provided the residual is computed accurately. It is computed from the
/// unformed operator as r = Qᵀg − Rγ with g = y − λW⁻¹Qγ (the two Reinsch equations), g kept as
/// an unevaluated sum of two doubles (λ·(W⁻¹Qγ) by an FMA TwoProduct, y − … by TwoSum), so the
/// second differences Qᵀg, which cancel by a factor of about h², lose nothing to the rounding of
/// g. The fitted values then carry errors of order ε·(|y| + λ|γ|/h), the rounding of g itself,
/// instead of ε·√κ (Givens) or ε·κ (Cholesky).
///
/// **A-posteriori check.** Every refinement step reports how much it moved g. The fit is
/// accepted when a step moves g by at most 2⁻⁴⁴ of its size, which bounds the remaining error
/// by the same amount times the contraction factor; when the pivots are not all positive or the
/// steps do not shrink below that within ``ldlMaximumRefinements`` steps (ε·κ near or above 1),
/// the caller falls back to the Givens route.
///
/// - Complexity: O(n·c); for one column four to six streaming passes over O(n) memory.
extension _SplinePenalty {
  /// Refinement steps tried before giving up on the fast route.
  static let ldlMaximumRefinements = 4
  /// Above this ``conditionEstimate(lambda:)`` the fast route is not tried (ε·κ ≳ 1: the pivots
  /// lose R entirely and refinement cannot converge).
  static let ldlConditionLimit = 1e15
  /// The acceptance threshold on a refinement step's change of g, relative to max |g|.
  static let ldlTolerance = 0x1p-44

  /// The fits of every column of `y` by the refined two-sided LDLᵀ route; λ > 0. Nil when the
  /// route cannot vouch for its result (see the extension's documentation): the caller then
  /// uses ``fitByQR(data:lambda:)``.
  /// - Returns: the knot values and the second derivatives, both n × c.
  func fitByLDL(data y: Matrix, lambda: Double) -> (values: Matrix, second: Matrix)? {
    let n = count
    let m = interiorCount
    guard m >= 6, lambda > 0, lambda.isFinite, y.rows == n else { return nil }
    let columns = y.columns
    var solver = _TwistedLDL(order: m)
    // Every element of these is written before it is read: s (γ's high part; its low part lives
    // in the solver's scratch) by the first solve, g by the first residual sweep.
    func uninitialised(_ count: Int) -> [Double] {
      [Double](unsafeUninitializedCapacity: count) { _, initialised in initialised = count }
    }
    var values = uninitialised(n * columns)
    var second = uninitialised(n * columns)
    let accepted = knots.withUnsafeBufferPointer { t in
      inverseSpacing.withUnsafeBufferPointer { ih in
        weights.withUnsafeBufferPointer { w in
          y.storage.withUnsafeBufferPointer { yv in
            values.withUnsafeMutableBufferPointer { gv in
              second.withUnsafeMutableBufferPointer { sv in
                let problem = _LDLProblem(
                  t: t.baseAddress!, ih: ih.baseAddress!, w: w.baseAddress!, n: n,
                  lambda: lambda, unit: unitWeights)
                for c in 0..<columns {
                  let column = yv.baseAddress! + c * n
                  let g = gv.baseAddress! + c * n
                  let s = sv.baseAddress! + c * n
                  let lo = solver.low
                  let ok =
                    unitWeights
                    ? solver.fit(
                      problem, y: column, g: g, s: s, lo: lo, factor: c == 0, unit: true)
                    : solver.fit(
                      problem, y: column, g: g, s: s, lo: lo, factor: c == 0, unit: false)
                  if !ok { return false }
                }
                return true
              }
            }
          }
        }
      }
    }
    guard accepted else { return nil }
    return (
      Matrix(rows: n, columns: columns, columnMajor: values),
      Matrix(rows: n, columns: columns, columnMajor: second)
    )
  }
}

/// The read-only inputs of one fit: knots, 1/h, weights, λ.
struct _LDLProblem {
  let t: UnsafePointer<Double>
  let ih: UnsafePointer<Double>
  let w: UnsafePointer<Double>
  let n: Int
  let lambda: Double
  let unit: Bool
}

/// The two-sided LDLᵀ factor of R + λM and its solves (see `_SplinePenalty+LDL.swift`).
///
/// Lane 0 of every record belongs to the top half (row p at position p), lane 1 to the bottom
/// half in mirrored coordinates (row m − 1 − p at position p). Record p holds L(p, p − 1),
/// L(p, p − 2), 1/D(p) and the forward-substituted right-hand side z_p; the records at the
/// boundary positions P (= k in lane 0) and P + 1 hold the coupling of the middle rows to the
/// last eliminated rows of each half.
struct _TwistedLDL {
  let m: Int
  /// Rows eliminated from the top (k) and from the bottom (kk = k or k + 1); rows k, k + 1 are
  /// the middle.
  let k: Int
  let kk: Int
  /// Four arrays of kk + 2 records and the low parts of γ (n doubles), in one scratch region.
  private let memory: _ScratchMemory
  private let l1: UnsafeMutablePointer<SIMD2<Double>>
  private let l2: UnsafeMutablePointer<SIMD2<Double>>
  private let inv: UnsafeMutablePointer<SIMD2<Double>>
  private let z: UnsafeMutablePointer<SIMD2<Double>>
  /// The low parts of γ, by knot (n doubles).
  let low: UnsafeMutablePointer<Double>
  /// The 2 × 2 middle system's LDLᵀ factor: D0, L10, D1.
  private var middle = (d0: 0.0, l: 0.0, d1: 0.0)

  init(order m: Int) {
    self.m = m
    k = (m - 2) / 2
    kk = m - 2 - k
    let size = kk + 2
    let recordBytes = size * MemoryLayout<SIMD2<Double>>.stride
    memory = _ScratchMemory(bytes: 4 * recordBytes + (m + 2) * MemoryLayout<Double>.stride)
    let records = memory.base.bindMemory(to: SIMD2<Double>.self, capacity: 4 * size)
    l1 = records
    l2 = records + size
    inv = records + 2 * size
    z = records + 3 * size
    low = (memory.base + 4 * recordBytes).bindMemory(to: Double.self, capacity: m + 2)
    // A fresh mapping is already zero; heap memory is cleared (every slot that is read is
    // written first, but the lanes discarded at the middle would otherwise hold stale bits).
    if !memory.isZeroed {
      records.initialize(repeating: .zero, count: 4 * size)
      low.initialize(repeating: 0, count: m + 2)
    }
  }

  /// Fits one column: factorises first when `factor` (the first column), solves, refines and
  /// checks. Writes g into `g` and the second derivatives (γ inside, 0 at the ends) into `s`.
  /// False when the route cannot vouch for the result.
  @inline(__always)
  mutating func fit(
    _ pr: _LDLProblem, y: UnsafePointer<Double>, g: UnsafeMutablePointer<Double>,
    s: UnsafeMutablePointer<Double>, lo: UnsafeMutablePointer<Double>, factor: Bool, unit: Bool
  ) -> Bool {
    let n = pr.n
    var rhsMiddle: (Double, Double)
    if factor {
      guard let middle = factorize(pr, y: y, unit: unit) else { return false }
      rhsMiddle = middle
    } else {
      rhsMiddle = loadRHS(pr, y: y)
      forward()
    }
    s[0] = 0
    s[n - 1] = 0
    lo[0] = 0
    lo[n - 1] = 0
    solveMiddleAndBack(rhsMiddle, s: s, lo: lo, accumulate: false)
    var previous = Double.nan
    for step in 0...(_SplinePenalty.ldlMaximumRefinements) {
      // The first sweep corrects an error of about ε·κ, for which a residual in plain double
      // precision is accurate enough (and γ has no low part yet); later ones need it exact.
      let (change, size, middle) =
        step == 0
        ? residualForward(pr, y: y, g: g, s: s, lo: lo, unit: unit, measure: false, exact: false)
        : residualForward(pr, y: y, g: g, s: s, lo: lo, unit: unit, measure: true, exact: true)
      guard size.isFinite else { return false }
      if step > 0 {
        guard change.isFinite else { return false }
        let tolerance = _SplinePenalty.ldlTolerance * size
        if change <= tolerance { return true }
        if step > 1 {
          // Linear convergence with the observed ratio ρ leaves an error of about ρ·change.
          let ratio = change / previous
          if ratio <= 0.01 && change * ratio <= tolerance { return true }
          // A step that does not shrink the change is not converging; one that shrinks it too
          // slowly to reach the tolerance within the remaining steps is given up at once.
          if !(ratio < 0.5) { return false }
          let remaining = _SplinePenalty.ldlMaximumRefinements - step
          if change * pow(ratio, Double(remaining + 1)) > tolerance { return false }
        }
        previous = change
      }
      if step == _SplinePenalty.ldlMaximumRefinements { break }
      solveMiddleAndBack(middle, s: s, lo: lo, accumulate: true)
    }
    return false
  }

  // MARK: Lane loads

  /// Position p in each lane: (p0 in the top lane, p1 in the mirrored lane).
  @inline(__always) static func ihv(_ pr: _LDLProblem, _ p0: Int, _ p1: Int) -> SIMD2<Double> {
    SIMD2(pr.ih[p0], pr.ih[pr.n - 2 - p1])
  }
  @inline(__always) static func hv(_ pr: _LDLProblem, _ p0: Int, _ p1: Int) -> SIMD2<Double> {
    SIMD2(pr.t[p0 + 1] - pr.t[p0], pr.t[pr.n - 1 - p1] - pr.t[pr.n - 2 - p1])
  }
  @inline(__always) static func iwv(_ pr: _LDLProblem, _ p0: Int, _ p1: Int) -> SIMD2<Double> {
    1 / SIMD2(pr.w[p0], pr.w[pr.n - 1 - p1])
  }
  @inline(__always) static func yv(
    _ pr: _LDLProblem, _ y: UnsafePointer<Double>, _ p0: Int, _ p1: Int
  ) -> SIMD2<Double> {
    SIMD2(y[p0], y[pr.n - 1 - p1])
  }

  /// (Qᵀy) at lane positions (p0, p1).
  @inline(__always) static func rhs(
    _ pr: _LDLProblem, _ y: UnsafePointer<Double>, _ p0: Int, _ p1: Int
  ) -> SIMD2<Double> {
    let i0 = ihv(pr, p0, p1)
    let i1 = ihv(pr, p0 + 1, p1 + 1)
    let d0 = yv(pr, y, p0, p1) - yv(pr, y, p0 + 1, p1 + 1)
    let d1 = yv(pr, y, p0 + 2, p1 + 2) - yv(pr, y, p0 + 1, p1 + 1)
    return i0 * d0 + i1 * d1
  }

  /// The entries of R + λM at lane positions (p0, p1): A(p, p), A(p − 1, p), A(p − 2, p)
  /// (the last two meaningless at p = 0, 1, where the zero state of the sweep ignores them).
  @inline(__always) static func entries(
    _ pr: _LDLProblem, _ p0: Int, _ p1: Int, first: Bool, unit: Bool
  ) -> (a: SIMD2<Double>, bUp: SIMD2<Double>, eUp: SIMD2<Double>) {
    let iPrev = first ? SIMD2<Double>.zero : ihv(pr, p0 - 1, p1 - 1)
    let i0 = ihv(pr, p0, p1)
    let i1 = ihv(pr, p0 + 1, p1 + 1)
    let h0 = hv(pr, p0, p1)
    let h1 = hv(pr, p0 + 1, p1 + 1)
    let sum = i0 + i1
    let lambda = SIMD2<Double>(repeating: pr.lambda)
    let r0 = (h0 + h1) * (1.0 / 3)
    let r1 = h0 * (1.0 / 6)
    if unit {
      let a = r0 + lambda * (i0 * i0 + sum * sum + i1 * i1)
      let bUp = r1 - lambda * ((iPrev + i0) * i0 + i0 * sum)
      let eUp = lambda * (iPrev * i0)
      return (a, bUp, eUp)
    }
    let w0 = iwv(pr, p0, p1)
    let w1 = iwv(pr, p0 + 1, p1 + 1)
    let w2 = iwv(pr, p0 + 2, p1 + 2)
    let a = r0 + lambda * (i0 * i0 * w0 + sum * sum * w1 + i1 * i1 * w2)
    let bUp = r1 - lambda * ((iPrev + i0) * i0 * w0 + i0 * sum * w1)
    let eUp = lambda * (iPrev * i0 * w0)
    return (a, bUp, eUp)
  }

  // MARK: Factorisation

  /// Factorises R + λM and forward-substitutes Qᵀy; returns the middle rows' right-hand sides
  /// (Qᵀy)_k and (Qᵀy)_{k+1}, or nil when a pivot is not positive and finite.
  @inline(__always)
  private mutating func factorize(_ pr: _LDLProblem, y: UnsafePointer<Double>, unit: Bool)
    -> (Double, Double)?
  {
    let k = self.k
    let kk = self.kk
    var smallest = SIMD2<Double>(repeating: .infinity)
    let ok: Bool = _withRecords(l1) { l1p in
      _withRecords(l2) { l2p in
        _withRecords(inv) { ip in
          _withRecords(z) { zp in
            var l1m1 = SIMD2<Double>.zero
            var invm1 = SIMD2<Double>.zero
            var invm2 = SIMD2<Double>.zero
            var zm1 = SIMD2<Double>.zero
            var zm2 = SIMD2<Double>.zero
            @inline(__always) func step(_ p: Int, first: Bool) {
              let (a, bUp, eUp) = _TwistedLDL.entries(pr, p, p, first: first, unit: unit)
              let b = _TwistedLDL.rhs(pr, y, p, p)
              let f = bUp - eUp * l1m1
              let l1 = f * invm1
              let l2 = eUp * invm2
              let d = a - f * l1 - eUp * l2
              let inverse = 1 / d
              let zp0 = b - l2 * zm2 - l1 * zm1  // the order of forward()
              l1p[p] = l1
              l2p[p] = l2
              ip[p] = inverse
              zp[p] = zp0
              smallest = pointwiseMin(smallest, d)
              l1m1 = l1
              invm2 = invm1
              invm1 = inverse
              zm2 = zm1
              zm1 = zp0
            }
            step(0, first: true)
            for p in 1..<k { step(p, first: false) }
            if kk > k {
              // The mirrored lane has one more row; the top lane's value there is discarded
              // (overwritten below) and kept out of the pivot check.
              let kept = smallest
              step(k, first: false)
              smallest = SIMD2(kept[0], smallest[1])
            }
            guard smallest[0] > 0, smallest[1] > 0, smallest[0].isFinite,
              smallest[1].isFinite
            else { return false }
            // The coupling of the middle rows (positions P and P + 1 of each lane) to the
            // last two eliminated rows, and the 2 × 2 middle system.
            let p0 = k
            let p1 = kk
            let (a, bUp, eUp) = _TwistedLDL.entries(pr, p0, p1, first: false, unit: unit)
            let next = _TwistedLDL.entries(pr, p0 + 1, p1 + 1, first: false, unit: unit)
            let l1prev = SIMD2(l1p[p0 - 1][0], l1p[p1 - 1][1])
            let inv1 = SIMD2(ip[p0 - 1][0], ip[p1 - 1][1])
            let inv2 = SIMD2(ip[p0 - 2][0], ip[p1 - 2][1])
            let f = bUp - eUp * l1prev
            let cl1 = f * inv1
            let cl2 = eUp * inv2
            let cl2next = next.eUp * inv1
            let diagonal = a - f * cl1 - eUp * cl2
            let spill = next.eUp * cl2next
            let cross = cl1 * next.eUp
            l1p[p0][0] = cl1[0]
            l1p[p1][1] = cl1[1]
            l2p[p0][0] = cl2[0]
            l2p[p1][1] = cl2[1]
            l2p[p0 + 1][0] = cl2next[0]
            l2p[p1 + 1][1] = cl2next[1]
            let m00 = diagonal[0] - spill[1]
            let m11 = diagonal[1] - spill[0]
            let m01 = next.bUp[0] - cross[0] - cross[1]
            let l = m01 / m00
            let d1 = m11 - l * m01
            guard m00 > 0, d1 > 0, m00.isFinite, d1.isFinite else { return false }
            middle = (m00, l, d1)
            return true
          }
        }
      }
    }
    guard ok else { return nil }
    let b = _TwistedLDL.rhs(pr, y, k, kk)
    return (b[0], b[1])
  }

  /// Writes Qᵀy into the records' z slots (for columns after the first); returns the middle
  /// rows' values.
  @inline(__always)
  private mutating func loadRHS(_ pr: _LDLProblem, y: UnsafePointer<Double>) -> (Double, Double) {
    let kk = self.kk
    _withRecords(z) { zp in
      for p in 0..<kk { zp[p] = _TwistedLDL.rhs(pr, y, p, p) }
    }
    let b = _TwistedLDL.rhs(pr, y, k, kk)
    return (b[0], b[1])
  }

  /// Forward substitution in place on the z slots, with the stored factor.
  @inline(__always)
  private mutating func forward() {
    let kk = self.kk
    _withRecords(l1) { l1p in
      _withRecords(l2) { l2p in
        _withRecords(z) { zp in
          var zm1 = SIMD2<Double>.zero
          var zm2 = SIMD2<Double>.zero
          // The top lane's slot at position k (kk > k) is scratch: the loop runs over it.
          for p in 0..<kk {
            let value = zp[p] - l2p[p] * zm2 - l1p[p] * zm1
            zp[p] = value
            zm2 = zm1
            zm1 = value
          }
        }
      }
    }
  }

  /// Eliminates the halves from the middle rows' right-hand sides `rhs`, solves the 2 × 2
  /// system and back-substitutes outwards, writing (or adding, when `accumulate`) the solution
  /// into rows 1…m of `s` — added as a double-double, the rounding error going to `lo`.
  @inline(__always)
  private mutating func solveMiddleAndBack(
    _ rhs: (Double, Double), s: UnsafeMutablePointer<Double>, lo: UnsafeMutablePointer<Double>,
    accumulate: Bool
  ) {
    let k = self.k
    let kk = self.kk
    let m = self.m
    let middle = self.middle
    _withRecords(l1) { l1p in
      _withRecords(l2) { l2p in
        _withRecords(inv) { ip in
          _withRecords(z) { zp in
            let z1 = SIMD2(zp[k - 1][0], zp[kk - 1][1])
            let z2 = SIMD2(zp[k - 2][0], zp[kk - 2][1])
            let cl1 = SIMD2(l1p[k][0], l1p[kk][1])
            let cl2 = SIMD2(l2p[k][0], l2p[kk][1])
            let cl2next = SIMD2(l2p[k + 1][0], l2p[kk + 1][1])
            let own = cl1 * z1 + cl2 * z2
            let spill = cl2next * z1
            let c0 = rhs.0 - own[0] - spill[1]
            let c1 = rhs.1 - own[1] - spill[0]
            let u1 = c1 - middle.l * c0
            let xk1 = u1 / middle.d1
            let xk = c0 / middle.d0 - middle.l * xk1
            // x at positions P, P + 1: top lane (x_k, x_{k+1}), mirrored lane (x_{k+1}, x_k).
            var x1 = SIMD2(xk, xk1)
            var x2 = SIMD2(xk1, xk)
            @inline(__always) func store(_ row: Int, _ value: Double) {
              if accumulate {
                let old = s[1 + row]
                let sum = old + value
                let bp = sum - old
                lo[1 + row] += (old - (sum - bp)) + (value - bp)
                s[1 + row] = sum
              } else {
                s[1 + row] = value
                lo[1 + row] = 0
              }
            }
            store(k, xk)
            store(k + 1, xk1)
            var p = kk - 1
            if kk > k {
              // The mirrored lane's extra row (position k); the top lane's value is discarded.
              let value = zp[p] * ip[p] - l1p[p + 1] * x1 - l2p[p + 2] * x2
              store(m - 1 - p, value[1])
              x2 = SIMD2(x2[0], x1[1])
              x1 = SIMD2(x1[0], value[1])
              p -= 1
            }
            while p >= 0 {
              let value = zp[p] * ip[p] - l2p[p + 2] * x2 - l1p[p + 1] * x1
              store(p, value[0])
              store(m - 1 - p, value[1])
              x2 = x1
              x1 = value
              p -= 1
            }
          }
        }
      }
    }
  }

  // MARK: Residual

  /// One refinement sweep from both ends towards the middle: g = y − λW⁻¹Qγ (a double-double,
  /// its leading part written to `g`), the residual r = Qᵀg − Rγ and at once its forward
  /// substitution into the z slots; γ is the double-double s + lo (rows 1…m). Returns
  /// max |Δg| against the previous contents of `g` (when `measure`), max |g| (NaN when some g is
  /// not finite) and the middle rows' residuals, not yet eliminated.
  @inline(__always)
  private mutating func residualForward(
    _ pr: _LDLProblem, y: UnsafePointer<Double>, g: UnsafeMutablePointer<Double>,
    s: UnsafePointer<Double>, lo: UnsafePointer<Double>, unit: Bool, measure: Bool, exact: Bool
  ) -> (change: Double, size: Double, middle: (Double, Double)) {
    typealias V = SIMD2<Double>
    let n = pr.n
    let k = self.k
    let kk = self.kk
    let t = pr.t
    let ih = pr.ih
    let w = pr.w
    let lambda = V(repeating: pr.lambda)
    // λ split into two 26-bit halves (Veltkamp), for Dekker's exact product below: the
    // baseline x86-64 target has no FMA instruction (addingProduct would call libm's fma).
    let splitter = V(repeating: 134_217_729)  // 2^27 + 1
    let lambdaHigh = splitter * lambda - (splitter * lambda - lambda)
    let lambdaLow = lambda - lambdaHigh
    // Knot i of each lane: i in the top lane, n − 1 − i in the mirrored one.
    @inline(__always) func knot(_ a: UnsafePointer<Double>, _ i: Int) -> V {
      V(a[i], a[n - 1 - i])
    }
    @inline(__always) func inverseSpacing(_ i: Int) -> V { V(ih[i], ih[n - 2 - i]) }
    @inline(__always) func spacing(_ i: Int) -> V {
      V(t[i + 1] - t[i], t[n - 1 - i] - t[n - 2 - i])
    }
    // (Qγ) at knot i ≥ 1 of each lane, from differences of s and of lo.
    @inline(__always) func qGamma(_ i: Int) -> V {
      let sm = knot(s, i - 1)
      let s0 = knot(s, i)
      let sp = knot(s, i + 1)
      let right = inverseSpacing(i)
      let left = inverseSpacing(i - 1)
      guard exact else { return right * (sp - s0) + left * (sm - s0) }
      let lm = knot(lo, i - 1)
      let l0 = knot(lo, i)
      let lp = knot(lo, i + 1)
      return (right * (sp - s0) + left * (sm - s0)) + (right * (lp - l0) + left * (lm - l0))
    }
    // g at knot i of each lane as (high, low): λ·(Qγ)/w by Dekker's TwoProduct, y − … by TwoSum.
    @inline(__always) func fitted(_ i: Int, _ qg: V) -> (V, V) {
      let u = unit ? qg : qg / knot(w, i)
      let product = lambda * u
      guard exact else { return (knot(y, i) - product, .zero) }
      let uHigh = splitter * u - (splitter * u - u)
      let uLow = u - uHigh
      let productError =
        ((lambdaHigh * uHigh - product) + lambdaHigh * uLow + lambdaLow * uHigh)
        + lambdaLow * uLow
      let yi = knot(y, i)
      let sum = yi - product
      let bp = sum - yi
      let sumError = (yi - (sum - bp)) - (product + bp)
      return (sum, sumError - productError)
    }
    var change = V.zero
    var size = V.zero
    var poison = V.zero
    @inline(__always) func record(_ i: Int, _ high: V) {
      if measure {
        let d = high - knot(g, i)
        let magnitude = d.replacing(with: -d, where: d .< 0)
        change = change.replacing(with: magnitude, where: magnitude .> change)
      }
      let magnitude = high.replacing(with: -high, where: high .< 0)
      size = size.replacing(with: magnitude, where: magnitude .> size)
      poison += high * 0
      g[i] = high[0]
      g[n - 1 - i] = high[1]
    }
    // Rγ at row p of each lane (knots p, p + 1, p + 2).
    @inline(__always) func rGamma(_ p: Int) -> V {
      let h0 = spacing(p)
      let h1 = spacing(p + 1)
      return (h0 + h1) * (1.0 / 3) * knot(s, p + 1)
        + (h0 * knot(s, p) + h1 * knot(s, p + 2)) * (1.0 / 6)
    }
    var middleResidual = (0.0, 0.0)
    _withRecords(l1) { l1p in
      _withRecords(l2) { l2p in
        _withRecords(z) { zp in
          // Knot 0 of each lane has no left neighbour.
          let first =
            exact
            ? inverseSpacing(0) * (knot(s, 1) - knot(s, 0))
              + inverseSpacing(0) * (knot(lo, 1) - knot(lo, 0))
            : inverseSpacing(0) * (knot(s, 1) - knot(s, 0))
          var g0 = fitted(0, first)
          var g1 = fitted(1, qGamma(1))
          record(0, g0.0)
          record(1, g1.0)
          var zm1 = V.zero
          var zm2 = V.zero
          @inline(__always) func step(_ p: Int) {
            let g2 = fitted(p + 2, qGamma(p + 2))
            record(p + 2, g2.0)
            let d0 = (g0.0 - g1.0) + (g0.1 - g1.1)
            let d1 = (g2.0 - g1.0) + (g2.1 - g1.1)
            let r = inverseSpacing(p) * d0 + inverseSpacing(p + 1) * d1 - rGamma(p)
            let value = r - l2p[p] * zm2 - l1p[p] * zm1
            zp[p] = value
            zm2 = zm1
            zm1 = value
            g0 = g1
            g1 = g2
          }
          for p in 0..<k { step(p) }
          var top = (g0, g1)
          if kk > k {
            // The mirrored lane's extra row; the top lane's window stays at knots k, k + 1.
            step(k)
          } else {
            top = (g0, g1)
          }
          // Middle rows k and k + 1: knots k, k + 1 from the top lane's window and k + 2,
          // k + 3 from the mirrored lane's (its lane 1, in the order k + 3, k + 2).
          let gh = [top.0.0[0], top.1.0[0], g1.0[1], g0.0[1]]
          let gl = [top.0.1[0], top.1.1[0], g1.1[1], g0.1[1]]
          for row in 0..<2 {
            let c = k + row
            let d0 = (gh[row] - gh[row + 1]) + (gl[row] - gl[row + 1])
            let d1 = (gh[row + 2] - gh[row + 1]) + (gl[row + 2] - gl[row + 1])
            let h0 = t[c + 1] - t[c]
            let h1 = t[c + 2] - t[c + 1]
            let rg = (h0 + h1) * (1.0 / 3) * s[c + 1] + (h0 * s[c] + h1 * s[c + 2]) * (1.0 / 6)
            let r = ih[c] * d0 + ih[c + 1] * d1 - rg
            if row == 0 { middleResidual.0 = r } else { middleResidual.1 = r }
          }
        }
      }
    }
    let totalPoison = poison[0] + poison[1]
    return (
      max(change[0], change[1]) + totalPoison, max(size[0], size[1]) + totalPoison,
      middleResidual
    )
  }
}

/// Calls `body` with `pointer` (the records keep the closure structure of the array version).
@inline(__always)
func _withRecords<R>(
  _ pointer: UnsafeMutablePointer<SIMD2<Double>>, _ body: (UnsafeMutablePointer<SIMD2<Double>>) -> R
) -> R {
  body(pointer)
}

/// Scratch memory for one fit. Large regions are mapped directly with transparent huge pages
/// requested (Linux): the fit touches them once, so with 4 KiB pages the kernel's page faults
/// would cost about as much as the arithmetic (measured ≈ 12 000 faults per fit at n = 10⁶).
/// Anonymous mappings start zeroed; the region is unmapped when the fit is done.
final class _ScratchMemory {
  let base: UnsafeMutableRawPointer
  private let mapping: (address: UnsafeMutableRawPointer, length: Int)?
  /// True for a fresh anonymous mapping (the kernel hands out zeroed pages).
  var isZeroed: Bool { mapping != nil }

  init(bytes: Int) {
    #if os(Linux)
      let huge = 1 << 21
      if bytes >= 2 * huge {
        let length = bytes + huge
        let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if let address, address != MAP_FAILED {
          let aligned = (Int(bitPattern: address) + huge - 1) & ~(huge - 1)
          let start = UnsafeMutableRawPointer(bitPattern: aligned)!
          _ = madvise(start, bytes, MADV_HUGEPAGE)
          base = start
          mapping = (address, length)
          return
        }
      }
    #endif
    base = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
    mapping = nil
  }

  deinit {
    if let mapping {
      #if os(Linux)
        _ = munmap(mapping.address, mapping.length)
      #endif
    } else {
      base.deallocate()
    }
  }
}
