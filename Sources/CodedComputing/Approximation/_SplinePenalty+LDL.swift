import Foundation
import Synchronization

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
  /// From this many knots on, the streaming parts of the refinement run on two threads (when
  /// ``setCodingThreadCount(_:)`` allows); below it the hand-off costs more than it saves.
  static let ldlParallelThreshold = 1 << 15

  /// The threads of a fit with `knots` knots: 2 from ``ldlParallelThreshold`` on (within the
  /// coding thread limit), else 1. The results are the same bits either way.
  static func ldlThreadCount(knots: Int) -> Int {
    knots >= ldlParallelThreshold ? min(2, codingThreadCount) : 1
  }

  /// The fits of every column of `y` by the refined two-sided LDLᵀ route; λ > 0. Nil when the
  /// route cannot vouch for its result (see the extension's documentation): the caller then
  /// uses ``fitByQR(data:lambda:)``.
  /// - Returns: the knot values and the second derivatives, both n × c.
  /// `threads` (tests) overrides ``ldlThreadCount(knots:)``.
  func fitByLDL(data y: Matrix, lambda: Double, threads: Int? = nil)
    -> (values: Matrix, second: Matrix)?
  {
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
                let threads = min(2, max(1, threads ?? _SplinePenalty.ldlThreadCount(knots: n)))
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
                      problem, y: column, g: g, s: s, lo: lo, factor: c == 0, unit: true,
                      threads: threads)
                    : solver.fit(
                      problem, y: column, g: g, s: s, lo: lo, factor: c == 0, unit: false,
                      threads: threads)
                  if !ok { return false }
                }
                return true
              }
            }
          }
        }
      }
    }
    solver.release()
    guard accepted else { return nil }
    return (
      Matrix(rows: n, columns: columns, columnMajor: values),
      Matrix(rows: n, columns: columns, columnMajor: second)
    )
  }
}

/// The read-only inputs of one fit: knots, 1/h, weights, λ.
struct _LDLProblem: @unchecked Sendable {
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
  /// Set by a two-thread residual sweep whose helper thread did less than a quarter of the
  /// work (the other core busy with other jobs): the rest of the fit then runs on one thread,
  /// where it does not wait for a helper that may not get a processor.
  private(set) var helperStarved = false
  /// The largest |value| the last back substitution produced (with `accumulate`, the largest
  /// correction of γ).
  private(set) var largestCorrection = 0.0

  init(order m: Int) {
    self.m = m
    k = (m - 2) / 2
    kk = m - 2 - k
    let size = kk + 2
    let recordBytes = size * MemoryLayout<SIMD2<Double>>.stride
    memory = _ScratchMemory.obtain(bytes: 4 * recordBytes + (m + 2) * MemoryLayout<Double>.stride)
    let records = memory.base.bindMemory(to: SIMD2<Double>.self, capacity: 4 * size)
    l1 = records
    l2 = records + size
    inv = records + 2 * size
    z = records + 3 * size
    low = (memory.base + 4 * recordBytes).bindMemory(to: Double.self, capacity: m + 2)
    // A fresh mapping is already zero; heap memory is cleared (every slot that is read is
    // written first, but the lanes discarded at the middle would otherwise hold stale bits).
    // A recycled mapping only needs those: the positions from k on, in every record array.
    if memory.isRecycled {
      let first = max(0, k - 2)
      for array in 0..<4 {
        (records + array * size + first).update(repeating: .zero, count: size - first)
      }
    } else if !memory.isZeroed {
      records.initialize(repeating: .zero, count: 4 * size)
      low.initialize(repeating: 0, count: m + 2)
    }
  }

  /// Hands the scratch memory back for the next fit (``_ScratchMemory/recycle(_:)``); the
  /// solver must not be used afterwards.
  func release() { _ScratchMemory.recycle(memory) }

  /// Fits one column: factorises first when `factor` (the first column), solves, refines and
  /// checks. Writes g into `g` and the second derivatives (γ inside, 0 at the ends) into `s`.
  /// False when the route cannot vouch for the result.
  @inline(__always)
  mutating func fit(
    _ pr: _LDLProblem, y: UnsafePointer<Double>, g: UnsafeMutablePointer<Double>,
    s: UnsafeMutablePointer<Double>, lo: UnsafeMutablePointer<Double>, factor: Bool, unit: Bool,
    threads requested: Int
  ) -> Bool {
    let n = pr.n
    var threads = requested
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
    solveMiddleAndBack(rhsMiddle, s: s, lo: lo, accumulate: false, threads: threads)
    var previous = Double.nan
    var previousSize = Double.nan
    // The largest corrections of γ made by the last two refinement steps.
    var corrections = (Double.nan, Double.nan)
    for step in 0...(_SplinePenalty.ldlMaximumRefinements) {
      // The first sweep corrects an error of about ε·κ, for which a residual in plain double
      // precision is accurate enough (and γ has no low part yet); later ones need it exact.
      // From the third on, when the corrections of γ shrink fast enough that this step should
      // pass the check with a margin of 4, g is first only refreshed and measured (a light
      // pass): when that accepts, the residual is not needed; otherwise the full sweep follows,
      // computing the same g. Either way the check sees the same numbers, so the result does
      // not depend on the guess.
      var speculative = false
      if step >= 2 {
        let rate = corrections.1 / corrections.0
        let expected = rate * previous
        let margin = _SplinePenalty.ldlTolerance * previousSize / 4
        speculative = expected <= margin || (rate <= 0.01 && rate * expected <= margin)
      }
      var (change, size, middle) = (0.0, 0.0, (0.0, 0.0))
      if speculative {
        (change, size) = measureValues(
          pr, y: y, g: g, s: s, lo: lo, unit: unit, threads: threads)
      } else if step == 0 {
        (change, size, middle) = residualForward(
          pr, y: y, g: g, s: s, lo: lo, unit: unit, measure: false, exact: false,
          threads: threads)
      } else {
        (change, size, middle) = residualForward(
          pr, y: y, g: g, s: s, lo: lo, unit: unit, measure: true, exact: true, threads: threads)
      }
      if helperStarved { threads = 1 }
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
      previousSize = size
      if step == _SplinePenalty.ldlMaximumRefinements { break }
      if speculative {
        middle =
          residualForward(
            pr, y: y, g: g, s: s, lo: lo, unit: unit, measure: false, exact: true,
            threads: threads
          ).middle
      }
      solveMiddleAndBack(middle, s: s, lo: lo, accumulate: true, threads: threads)
      corrections = (corrections.1, largestCorrection)
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
              // f·l1 = f²·(1/D(p − 1)): f² and the rest of the pivot are ready before
              // 1/D(p − 1), so the chain from one division to the next is a multiply and a
              // subtraction.
              let d = (a - eUp * l2) - (f * f) * invm1
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
    accumulate: Bool, threads: Int
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
            var biggest = SIMD2(abs(xk), abs(xk1))
            @inline(__always) func note(_ value: SIMD2<Double>, _ most: inout SIMD2<Double>) {
              let magnitude = value.replacing(with: -value, where: value .< 0)
              most = most.replacing(with: magnitude, where: magnitude .> most)
            }
            defer { largestCorrection = max(biggest[0], biggest[1]) }
            var p = kk - 1
            if kk > k {
              // The mirrored lane's extra row (position k); the top lane's value is discarded.
              let value = zp[p] * ip[p] - l1p[p + 1] * x1 - l2p[p + 2] * x2
              note(SIMD2(0, value[1]), &biggest)
              store(m - 1 - p, value[1])
              x2 = SIMD2(x2[0], x1[1])
              x1 = SIMD2(x1[0], value[1])
              p -= 1
            }
            // Rows p and p − 1 at once: x_p from x_{p+1}, x_{p+2} as usual, and x_{p−1} from
            // the same two (x_p substituted), so the dependency chain advances two rows per
            // multiply-add instead of one.
            @inline(__always) func pair(_ p: Int, _ x1: SIMD2<Double>, _ x2: SIMD2<Double>)
              -> (SIMD2<Double>, SIMD2<Double>)
            {
              let a = l1p[p + 1]
              let b = l2p[p + 2]
              let a1 = l1p[p]
              let b1 = l2p[p + 1]
              let c = zp[p] * ip[p]
              let c1 = zp[p - 1] * ip[p - 1]
              let value = c - b * x2 - a * x1
              let next = (c1 - a1 * c + (a1 * b) * x2) + (a1 * a - b1) * x1
              return (value, next)
            }
            if threads > 1 {
              // One lane per thread: the same operations as the two-lane loop below, each
              // thread streaming its lane's half of the records and storing its own rows.
              let records = _SendableValue((l1p, l2p, ip, zp, s, lo))
              let most = _SendablePointer(UnsafeMutablePointer<Double>.allocate(capacity: 2))
              let runner = _SendablePointer(UnsafeMutablePointer<pthread_t>.allocate(capacity: 2))
              defer {
                most.pointer.deallocate()
                runner.pointer.deallocate()
              }
              let start = p
              let first = (x1, x2)
              DispatchQueue.concurrentPerform(iterations: 2) { lane in
                runner.pointer[lane] = pthread_self()
                let (l1p, l2p, ip, zp, s, lo) = records.value
                var x1 = first.0[lane]
                var x2 = first.1[lane]
                var p = start
                var big = 0.0
                @inline(__always) func put(_ p: Int, _ value: Double) {
                  let index = lane == 0 ? 1 + p : m - p
                  if accumulate {
                    let old = s[index]
                    let sum = old + value
                    let bp = sum - old
                    lo[index] += (old - (sum - bp)) + (value - bp)
                    s[index] = sum
                  } else {
                    s[index] = value
                    lo[index] = 0
                  }
                  if abs(value) > big { big = abs(value) }
                }
                while p >= 1 {
                  let a = l1p[p + 1][lane]
                  let b = l2p[p + 2][lane]
                  let a1 = l1p[p][lane]
                  let b1 = l2p[p + 1][lane]
                  let c = zp[p][lane] * ip[p][lane]
                  let c1 = zp[p - 1][lane] * ip[p - 1][lane]
                  let value = c - b * x2 - a * x1
                  let next = (c1 - a1 * c + (a1 * b) * x2) + (a1 * a - b1) * x1
                  put(p, value)
                  put(p - 1, next)
                  x2 = value
                  x1 = next
                  p -= 2
                }
                if p == 0 {
                  let value = zp[0][lane] * ip[0][lane] - l2p[2][lane] * x2 - l1p[1][lane] * x1
                  put(0, value)
                }
                most.pointer[lane] = big
              }
              biggest = SIMD2(
                max(biggest[0], most.pointer[0], most.pointer[1]), biggest[1])
              // Both lanes on the calling thread: the helper did not get a processor in time
              // (each lane alone is a slower chain than the two in one register), so the rest
              // of the fit runs on one thread.
              if pthread_equal(runner.pointer[0], runner.pointer[1]) != 0 { helperStarved = true }
              return
            }
            while p >= 1 {
              let (value, next) = pair(p, x1, x2)
              note(value, &biggest)
              note(next, &biggest)
              store(p, value[0])
              store(m - 1 - p, value[1])
              store(p - 1, next[0])
              store(m - p, next[1])
              x2 = value
              x1 = next
              p -= 2
            }
            if p == 0 {
              let value = zp[0] * ip[0] - l2p[2] * x2 - l1p[1] * x1
              note(value, &biggest)
              store(0, value[0])
              store(m - 1, value[1])
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
  ///
  /// With `threads` = 2 the residuals are computed by two threads, each over half of the
  /// positions, into the z slots, and the forward substitution then runs over them in a second,
  /// short pass: every number is computed by the same operations as in the fused one-thread
  /// sweep, so the results are the same bits.
  @inline(__always)
  private mutating func residualForward(
    _ pr: _LDLProblem, y: UnsafePointer<Double>, g: UnsafeMutablePointer<Double>,
    s: UnsafePointer<Double>, lo: UnsafePointer<Double>, unit: Bool, measure: Bool, exact: Bool,
    threads: Int
  ) -> (change: Double, size: Double, middle: (Double, Double)) {
    // Each combination of the flags gets its own compiled loop (the flags are types).
    let a = (pr, y, g, s, lo, threads)
    switch (unit, exact, measure) {
    case (true, true, true): return sweep(a, _Yes.self, _Yes.self, _Yes.self)
    case (true, true, false): return sweep(a, _Yes.self, _Yes.self, _No.self)
    case (true, false, _): return sweep(a, _Yes.self, _No.self, _No.self)
    case (false, true, true): return sweep(a, _No.self, _Yes.self, _Yes.self)
    case (false, true, false): return sweep(a, _No.self, _Yes.self, _No.self)
    case (false, false, _): return sweep(a, _No.self, _No.self, _No.self)
    }
  }

  /// ``residualForward`` for one combination of its flags.
  private mutating func sweep<Unit: _LDLFlag, Exact: _LDLFlag, Measured: _LDLFlag>(
    _ a: (
      _LDLProblem, UnsafePointer<Double>, UnsafeMutablePointer<Double>, UnsafePointer<Double>,
      UnsafePointer<Double>, Int
    ), _: Unit.Type, _: Exact.Type, _: Measured.Type
  ) -> (change: Double, size: Double, middle: (Double, Double)) {
    let (pr, y, g, s, lo, threads) = a
    let sweep = _ResidualSweep<Unit, Exact>(
      pr: pr, y: y, g: g, s: s, lo: lo, l1: l1, l2: l2, z: z)
    let k = self.k
    let kk = self.kk
    var result: _SweepMeasure
    typealias V = SIMD2<Double>
    if threads > 1 {
      // The positions in pieces: the calling thread takes them from the front and runs the
      // fused sweep (the chain continuing from piece to piece), its helper takes them from the
      // back and only computes their residuals into the z slots; where they meet, the chain
      // goes on over the helper's pieces. Alone (the other core busy), the calling thread
      // takes every piece and this is the one-thread sweep.
      let pieces = 16
      // Piece boundaries at even positions (the chain runs in pairs of positions).
      let bound = { @Sendable (piece: Int) -> Int in
        piece == pieces ? kk : (kk * piece / pieces) & ~1
      }
      let claims = _Claims(pieces: pieces)
      let shared = _SendableValue(sweep)
      let measures = _SendablePointer(UnsafeMutablePointer<_SweepMeasure>.allocate(capacity: 2))
      let meeting = _SendablePointer(UnsafeMutablePointer<(V, V, Int)>.allocate(capacity: 1))
      let helped = _SendablePointer(UnsafeMutablePointer<Int>.allocate(capacity: 1))
      helped.pointer.initialize(to: 0)
      defer {
        measures.pointer.deallocate()
        meeting.pointer.deallocate()
        helped.pointer.deallocate()
      }
      DispatchQueue.concurrentPerform(iterations: 2) { role in
        var m = _SweepMeasure()
        var state = (V.zero, V.zero)
        if role == 0 {
          var end = 0
          while let piece = claims.front() {
            let range = bound(piece)..<bound(piece + 1)
            m.merge(shared.value.run(range, Measured.self, _Yes.self, state: &state))
            end = range.upperBound
          }
          meeting.pointer.initialize(to: (state.0, state.1, end))
        } else {
          while let piece = claims.back() {
            let range = bound(piece)..<bound(piece + 1)
            m.merge(shared.value.run(range, Measured.self, _No.self, state: &state))
            helped.pointer.pointee += 1
          }
        }
        (measures.pointer + role).initialize(to: m)
      }
      result = measures.pointer[0]
      result.merge(measures.pointer[1])
      if helped.pointer.pointee < pieces / 4 { helperStarved = true }
      let (zm1, zm2, end) = meeting.pointer.pointee
      var state = (zm1, zm2)
      sweep.forward(end..<kk, state: &state)
    } else {
      var state = (V.zero, V.zero)
      result = sweep.run(0..<kk, Measured.self, _Yes.self, state: &state)
    }
    let middle = sweep.middleResiduals(k: k, kk: kk)
    let poison = result.poison[0] + result.poison[1]
    let change = max(result.change[0], result.change[1]) + poison
    return (change, max(result.size[0], result.size[1]) + poison, middle)
  }

  /// The values g = y − λW⁻¹Qγ at every knot (their leading parts, as ``residualForward``
  /// computes them) written to `g`: returns max |Δg| against the previous contents of `g` and
  /// max |g| (NaN when some g is not finite). The cheap pass for the last refinement step, which
  /// only has to measure: when it accepts, the residual sweep is not needed.
  @inline(__always)
  private func measureValues(
    _ pr: _LDLProblem, y: UnsafePointer<Double>, g: UnsafeMutablePointer<Double>,
    s: UnsafePointer<Double>, lo: UnsafePointer<Double>, unit: Bool, threads: Int
  ) -> (change: Double, size: Double) {
    let a = (pr, y, g, s, lo, threads)
    return unit ? measureValues(a, _Yes.self) : measureValues(a, _No.self)
  }

  /// ``measureValues`` with unit weights or not.
  private func measureValues<Unit: _LDLFlag>(
    _ a: (
      _LDLProblem, UnsafePointer<Double>, UnsafeMutablePointer<Double>, UnsafePointer<Double>,
      UnsafePointer<Double>, Int
    ), _: Unit.Type
  ) -> (change: Double, size: Double) {
    let (pr, y, g, s, lo, threads) = a
    let n = pr.n
    let sweep = _ResidualSweep<Unit, _Yes>(
      pr: pr, y: y, g: g, s: s, lo: lo, l1: l1, l2: l2, z: z)
    var result: _SweepMeasure
    if threads > 1 {
      let shared = _SendableValue(sweep)
      result = _inChunks(n) { shared.value.values($0) }
    } else {
      result = sweep.values(0..<n)
    }
    let poison = result.poison[0] + result.poison[1]
    return (
      max(result.change[0], result.change[1]) + poison, max(result.size[0], result.size[1]) + poison
    )
  }
}

/// The pieces a parallel pass is cut into: more than the two threads, so that when the other
/// core is busy the calling thread takes over the pieces its helper has not started (Dispatch
/// hands out iterations one at a time) instead of waiting for it.
let _ldlChunks = 8

/// `body` over ``_ldlChunks`` consecutive ranges of 0..<count, on Dispatch's threads; the
/// measures merged (maxima and NaN poison, the same whatever the order).
func _inChunks(_ count: Int, _ body: @escaping @Sendable (Range<Int>) -> _SweepMeasure)
  -> _SweepMeasure
{
  let chunks = _ldlChunks
  let parts = _SendablePointer(UnsafeMutablePointer<_SweepMeasure>.allocate(capacity: chunks))
  defer { parts.pointer.deallocate() }
  DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
    (parts.pointer + chunk).initialize(
      to: body((count * chunk / chunks)..<(count * (chunk + 1) / chunks)))
  }
  var result = parts.pointer[0]
  for chunk in 1..<chunks { result.merge(parts.pointer[chunk]) }
  return result
}

/// Pieces 0..<pieces handed out from both ends: ``front()`` ascending to the calling thread,
/// ``back()`` descending to its helper, until they meet.
final class _Claims: Sendable {
  /// The next front piece in the low 32 bits, one past the next back piece in the high ones.
  private let state: Atomic<Int>
  init(pieces: Int) { state = Atomic(pieces << 32) }

  func front() -> Int? {
    var current = state.load(ordering: .relaxed)
    while true {
      let f = current & 0xFFFF_FFFF
      guard f < current >> 32 else { return nil }
      let (exchanged, original) = state.compareExchange(
        expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
      if exchanged { return f }
      current = original
    }
  }

  func back() -> Int? {
    var current = state.load(ordering: .relaxed)
    while true {
      let b = current >> 32
      guard current & 0xFFFF_FFFF < b else { return nil }
      let (exchanged, original) = state.compareExchange(
        expected: current, desired: current - (1 << 32), ordering: .acquiringAndReleasing)
      if exchanged { return b - 1 }
      current = original
    }
  }
}

/// A flag known at compile time, so that each combination of a sweep's options gets its own loop.
protocol _LDLFlag: Sendable { static var value: Bool { get } }
enum _Yes: _LDLFlag { static var value: Bool { true } }
enum _No: _LDLFlag { static var value: Bool { false } }

/// Running maxima of |Δg| and |g| per lane, and NaN poison when some g is not finite.
struct _SweepMeasure {
  var change = SIMD2<Double>.zero
  var size = SIMD2<Double>.zero
  var poison = SIMD2<Double>.zero
  /// Takes in new values `high` of g and, when measured, their changes `d`.
  @inline(__always) mutating func note(_ high: SIMD2<Double>, change d: SIMD2<Double>?) {
    if let d {
      let magnitude = d.replacing(with: -d, where: d .< 0)
      change = change.replacing(with: magnitude, where: magnitude .> change)
    }
    let magnitude = high.replacing(with: -high, where: high .< 0)
    size = size.replacing(with: magnitude, where: magnitude .> size)
    poison += high * 0
  }
  @inline(__always) mutating func merge(_ other: _SweepMeasure) {
    change = change.replacing(with: other.change, where: other.change .> change)
    size = size.replacing(with: other.size, where: other.size .> size)
    poison += other.poison
  }
}

/// A value handed to the threads of one parallel loop, which only read it (it holds pointers to
/// memory each thread reads, or writes in its own disjoint part).
struct _SendableValue<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// The arithmetic of one refinement sweep of ``_TwistedLDL`` (see `residualForward`), over any
/// range of lane positions.
///
/// Lane 0 runs over the knots from the top, lane 1 over the mirrored knots (knot i of lane 1 is
/// knot n − 1 − i). Position p is row p of each lane: it needs g at lane knots p, p + 1, p + 2,
/// which need γ at lane knots p − 1 … p + 3.
struct _ResidualSweep<Unit: _LDLFlag, Exact: _LDLFlag> {
  typealias V = SIMD2<Double>
  typealias Measure = _SweepMeasure
  let pr: _LDLProblem
  let y: UnsafePointer<Double>
  let g: UnsafeMutablePointer<Double>
  let s: UnsafePointer<Double>
  let lo: UnsafePointer<Double>
  let l1: UnsafeMutablePointer<V>
  let l2: UnsafeMutablePointer<V>
  let z: UnsafeMutablePointer<V>
  var unit: Bool { Unit.value }
  var exact: Bool { Exact.value }
  let lambda: V
  let lambdaHigh: V
  let lambdaLow: V
  /// 2²⁷ + 1, Veltkamp's splitter.
  static var splitter: V { V(repeating: 134_217_729) }

  @inline(__always)
  init(
    pr: _LDLProblem, y: UnsafePointer<Double>, g: UnsafeMutablePointer<Double>,
    s: UnsafePointer<Double>, lo: UnsafePointer<Double>, l1: UnsafeMutablePointer<V>,
    l2: UnsafeMutablePointer<V>, z: UnsafeMutablePointer<V>
  ) {
    self.pr = pr
    self.y = y
    self.g = g
    self.s = s
    self.lo = lo
    self.l1 = l1
    self.l2 = l2
    self.z = z
    let lambda = V(repeating: pr.lambda)
    // λ split into two 26-bit halves (Veltkamp), for Dekker's exact product below: the
    // baseline x86-64 target has no FMA instruction (addingProduct would call libm's fma).
    let splitter = Self.splitter
    let high = splitter * lambda - (splitter * lambda - lambda)
    self.lambda = lambda
    lambdaHigh = high
    lambdaLow = lambda - high
  }

  // Knot i of each lane: i in the top lane, n − 1 − i in the mirrored one.
  @inline(__always) func knot(_ a: UnsafePointer<Double>, _ i: Int) -> V {
    V(a[i], a[pr.n - 1 - i])
  }
  @inline(__always) func inverseSpacing(_ i: Int) -> V { V(pr.ih[i], pr.ih[pr.n - 2 - i]) }
  @inline(__always) func spacing(_ i: Int) -> V {
    let t = pr.t
    let n = pr.n
    return V(t[i + 1] - t[i], t[n - 1 - i] - t[n - 2 - i])
  }
  /// (Qγ) at lane knot 0 (no left neighbour).
  @inline(__always) func qGammaFirst() -> V {
    exact
      ? inverseSpacing(0) * (knot(s, 1) - knot(s, 0))
        + inverseSpacing(0) * (knot(lo, 1) - knot(lo, 0))
      : inverseSpacing(0) * (knot(s, 1) - knot(s, 0))
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
    let u = unit ? qg : qg / knot(pr.w, i)
    let product = lambda * u
    guard exact else { return (knot(y, i) - product, .zero) }
    let splitter = Self.splitter
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
  @inline(__always) func fitted(_ i: Int) -> (V, V) {
    fitted(i, i == 0 ? qGammaFirst() : qGamma(i))
  }
  @inline(__always) func record(_ i: Int, _ high: V, _ m: inout Measure, measure: Bool) {
    m.note(high, change: measure ? high - knot(g, i) : nil)
    g[i] = high[0]
    g[pr.n - 1 - i] = high[1]
  }
  // Rγ at row p of each lane (knots p, p + 1, p + 2).
  @inline(__always) func rGamma(_ p: Int) -> V {
    let h0 = spacing(p)
    let h1 = spacing(p + 1)
    return (h0 + h1) * (1.0 / 3) * knot(s, p + 1)
      + (h0 * knot(s, p) + h1 * knot(s, p + 2)) * (1.0 / 6)
  }

  /// The residuals at the positions of `range` (lane knots range.lowerBound + 2 … upperBound + 1
  /// recorded into g, and knots 0, 1 too when the range starts at 0): forward-substituted into
  /// the z slots when `Chain` (the range then starts at an even position), continuing from
  /// `state` (the last two z values before the range, zeros at 0), else written there as they
  /// are.
  @inline(__always)
  func run<Measured: _LDLFlag, Chain: _LDLFlag>(
    _ range: Range<Int>, _: Measured.Type, _: Chain.Type, state: inout (V, V)
  ) -> Measure {
    let measure = Measured.value
    let chain = Chain.value
    var m = Measure()
    guard !range.isEmpty else { return m }
    let a = range.lowerBound
    var g0 = fitted(a)
    var g1 = fitted(a + 1)
    if a == 0 {
      record(0, g0.0, &m, measure: measure)
      record(1, g1.0, &m, measure: measure)
    }
    var (zm1, zm2) = state
    defer { state = (zm1, zm2) }
    var pending = V.zero
    for p in range {
      let g2 = fitted(p + 2, qGamma(p + 2))
      record(p + 2, g2.0, &m, measure: measure)
      let d0 = (g0.0 - g1.0) + (g0.1 - g1.1)
      let d1 = (g2.0 - g1.0) + (g2.1 - g1.1)
      let r = inverseSpacing(p) * d0 + inverseSpacing(p + 1) * d1 - rGamma(p)
      if chain {
        // Two positions at a time (an even one and the next), see `pair`.
        if p & 1 == 0 {
          pending = r
        } else {
          let (v0, v1) = pair(p - 1, pending, r, zm1, zm2)
          z[p - 1] = v0
          z[p] = v1
          zm2 = v0
          zm1 = v1
        }
      } else {
        z[p] = r
      }
      g0 = g1
      g1 = g2
    }
    if chain && range.upperBound & 1 == 1 {
      let p = range.upperBound - 1
      let value = pending - l2[p] * zm2 - l1[p] * zm1
      z[p] = value
      zm2 = zm1
      zm1 = value
    }
    return m
  }

  /// The forward substitution at positions p (even) and p + 1 from their residuals r0, r1 and
  /// the two previous values: z_p as usual and z_{p+1} with z_p substituted, so the dependency
  /// chain advances two positions per multiply-add.
  @inline(__always)
  func pair(_ p: Int, _ r0: V, _ r1: V, _ zm1: V, _ zm2: V) -> (V, V) {
    let a = l1[p]
    let b = l2[p]
    let a1 = l1[p + 1]
    let b1 = l2[p + 1]
    let v0 = r0 - b * zm2 - a * zm1
    let v1 = ((r1 - a1 * r0) + (a1 * b) * zm2) + (a1 * a - b1) * zm1
    return (v0, v1)
  }

  /// Forward substitution in place over the residuals `run` left in the z slots without
  /// `Chain`, continuing from `state`, from an even position (the same operations in the same
  /// order as the fused sweep).
  @inline(__always)
  func forward(_ range: Range<Int>, state: inout (V, V)) {
    var (zm1, zm2) = state
    defer { state = (zm1, zm2) }
    var p = range.lowerBound
    while p + 1 < range.upperBound {
      let (v0, v1) = pair(p, z[p], z[p + 1], zm1, zm2)
      z[p] = v0
      z[p + 1] = v1
      zm2 = v0
      zm1 = v1
      p += 2
    }
    if p < range.upperBound {
      let value = z[p] - l2[p] * zm2 - l1[p] * zm1
      z[p] = value
      zm2 = zm1
      zm1 = value
    }
  }

  /// The residuals of the middle rows k and k + 1 (knots k … k + 3; `kk` rows in lane 1).
  @inline(__always)
  func middleResiduals(k: Int, kk: Int) -> (Double, Double) {
    let t = pr.t
    let ih = pr.ih
    // Knots k, k + 1 from the top lane and k + 2, k + 3 from the mirrored lane (its knots
    // kk + 1, kk); recomputed here, the same operations as in the sweep.
    let top0 = fitted(k)
    let top1 = fitted(k + 1)
    let bottom0 = fitted(kk)
    let bottom1 = fitted(kk + 1)
    let gh = [top0.0[0], top1.0[0], bottom1.0[1], bottom0.0[1]]
    let gl = [top0.1[0], top1.1[0], bottom1.1[1], bottom0.1[1]]
    var result = (0.0, 0.0)
    for row in 0..<2 {
      let c = k + row
      let d0 = (gh[row] - gh[row + 1]) + (gl[row] - gl[row + 1])
      let d1 = (gh[row + 2] - gh[row + 1]) + (gl[row + 2] - gl[row + 1])
      let h0 = t[c + 1] - t[c]
      let h1 = t[c + 2] - t[c + 1]
      let rg = (h0 + h1) * (1.0 / 3) * s[c + 1] + (h0 * s[c] + h1 * s[c + 2]) * (1.0 / 6)
      let r = ih[c] * d0 + ih[c + 1] * d1 - rg
      if row == 0 { result.0 = r } else { result.1 = r }
    }
    return result
  }

  /// g at the knots of `range` (in knot order), as ``fitted(_:_:)`` computes its leading part
  /// in either lane: fl(y − fl(λ·u)), u = (Qγ)/w with Qγ from the double-double γ; written to g
  /// and measured against its previous contents. Two knots at a time, (i, i + 1) in two lanes.
  @inline(__always)
  func values(_ range: Range<Int>) -> Measure {
    var m = Measure()
    let n = pr.n
    let ih = pr.ih
    let lambda = self.lambda
    @inline(__always) func load(_ a: UnsafePointer<Double>, _ i: Int) -> V {
      UnsafeRawPointer(a + i).loadUnaligned(as: V.self)
    }
    @inline(__always) func finish(_ i: Int, _ qg: V) {
      let u = unit ? qg : qg / load(pr.w, i)
      let high = load(y, i) - lambda * u
      m.note(high, change: high - load(g, i))
      UnsafeMutableRawPointer(g + i).storeBytes(of: high, as: V.self)
    }
    // (Qγ) at knots i, i + 1 (both inside): the top lane's order (right, then left); the
    // mirrored lane adds the same two terms the other way round, and addition commutes.
    @inline(__always) func interior(_ i: Int) -> V {
      let sm = load(s, i - 1)
      let s0 = load(s, i)
      let sp = load(s, i + 1)
      let right = load(ih, i)
      let left = load(ih, i - 1)
      let main = right * (sp - s0) + left * (sm - s0)
      guard exact else { return main }
      let lm = load(lo, i - 1)
      let l0 = load(lo, i)
      let lp = load(lo, i + 1)
      return main + (right * (lp - l0) + left * (lm - l0))
    }
    // One interior knot, as one lane of `interior`.
    @inline(__always) func single(_ i: Int) -> Double {
      let right = ih[i]
      let left = ih[i - 1]
      let main = right * (s[i + 1] - s[i]) + left * (s[i - 1] - s[i])
      guard exact else { return main }
      return main + (right * (lo[i + 1] - lo[i]) + left * (lo[i - 1] - lo[i]))
    }
    // The end knots: lane knot 0 of either lane, ih·(s₁ − s₀) + ih·(lo₁ − lo₀) with the
    // neighbour inside.
    @inline(__always) func end(_ i: Int) -> Double {
      let j = i == 0 ? 1 : n - 2
      let c = i == 0 ? ih[0] : ih[n - 2]
      return exact ? c * (s[j] - s[i]) + c * (lo[j] - lo[i]) : c * (s[j] - s[i])
    }
    // Pairs (i, i + 1) of interior knots; the end knots and a leftover one alone.
    var i = range.lowerBound
    let upper = range.upperBound
    while i < upper {
      if i == 0 || i == n - 1 || i + 1 == upper || i + 1 == n - 1 {
        let qg = i == 0 || i == n - 1 ? end(i) : single(i)
        let u = unit ? qg : qg / pr.w[i]
        let high = y[i] - pr.lambda * u
        let change = abs(high - g[i])
        if change > m.change[0] { m.change[0] = change }
        if abs(high) > m.size[0] { m.size[0] = abs(high) }
        m.poison[0] += high * 0
        g[i] = high
        i += 1
      } else {
        finish(i, interior(i))
        i += 2
      }
    }
    return m
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
/// Anonymous mappings start zeroed; the kernel's zeroing of a fresh one still costs about a
/// tenth of a fit at n = 10⁶, so the last mapping of at most ``cacheLimit`` bytes is kept for
/// the next fit of a similar size (``obtain(bytes:)``, ``recycle(_:)``): one region at a time,
/// taken out of the cache while in use, so concurrent fits never share it.
final class _ScratchMemory: @unchecked Sendable {
  let base: UnsafeMutableRawPointer
  let bytes: Int
  private let mapping: (address: UnsafeMutableRawPointer, length: Int)?
  /// True for a fresh anonymous mapping (the kernel hands out zeroed pages).
  var isZeroed: Bool { mapping != nil && !isRecycled }
  /// True when the region comes from the cache and holds an earlier fit's numbers.
  private(set) var isRecycled = false

  /// The largest region kept between fits (128 MiB: knots up to about 3·10⁶).
  static let cacheLimit = 1 << 27
  private static let cache = Mutex<_ScratchMemory?>(nil)

  /// A region of at least `bytes` bytes: the cached one when it fits without wasting more than
  /// half of itself, else a new one.
  static func obtain(bytes: Int) -> _ScratchMemory {
    let cached = cache.withLock { slot -> _ScratchMemory? in
      guard let region = slot, region.bytes >= bytes, region.bytes <= 2 * bytes else {
        return nil
      }
      slot = nil
      return region
    }
    if let cached {
      cached.isRecycled = true
      return cached
    }
    return _ScratchMemory(bytes: bytes)
  }

  /// Keeps `region` for the next fit when it is a mapping within ``cacheLimit`` (replacing the
  /// one kept before, which is then unmapped).
  static func recycle(_ region: _ScratchMemory) {
    guard region.mapping != nil, region.bytes <= cacheLimit else { return }
    let previous = cache.withLock { slot -> _ScratchMemory? in
      let old = slot
      slot = region
      return old
    }
    _ = previous
  }

  init(bytes: Int) {
    self.bytes = bytes
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
