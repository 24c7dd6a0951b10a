import Foundation

/// The Givens route of `_SplinePenalty+QR.swift` run from both ends at once.
///
/// The column sweep is one long chain of dependent rotations (each needs a square root and a
/// division, and each column's rotations need the previous column's carried rows), so its time
/// is the latency of that chain, not memory or arithmetic. The chain is halved by sweeping the
/// top half of the columns downwards and the bottom half upwards in the two lanes of a
/// `SIMD2<Double>`, and joining the halves at the two middle columns k, k + 1 (a twisted
/// factorisation).
///
/// **Which least-squares matrix.** The sweep triangularises B = [√λ·W^(−1/2)·Q; F] for any
/// bidiagonal F with FᵀF = R. The one-ended route takes F = V, the Cholesky factor of R; here F
/// is R's twisted factor: rows 0 … k − 1 of V (they depend only on R's leading rows), rows
/// k + 1 … m − 1 of the Cholesky factor of R taken from the bottom (the mirrored knots' V), and
/// one row at column k alone, (R(k, k) − V(k − 1, k)² − W(k + 1, k)²)^(1/2), which R's
/// positive definiteness keeps real. The bottom sweep is then exactly the top sweep of the mirrored
/// problem (knots t ↦ −t reversed, weights and data reversed): every Q row and every F row is
/// consumed by one of the sweeps except the rows at the middle.
///
/// **The join.** What is left after both sweeps touches columns k and k + 1 only: the two rows
/// each sweep carries, the bottom factor's row k + 1 and the twist row — six rows, reduced by
/// Givens rotations to a 2 × 2 triangle C, which gives z_k, z_{k+1}. Back substitution then
/// runs outwards from the middle in both lanes. With the columns ordered top, bottom (mirrored),
/// middle, the rotated matrix is upper triangular, so the band of Σ = (R + λM)⁻¹ follows from
/// the Hutchinson–de Hoog recursion run outwards in both lanes, started from Σ's middle block
/// (CᵀC)⁻¹ (the Schur complement of the eliminated columns); that gives tr S for GCV in the
/// same pass as the back substitution.
///
/// Lane 0 does exactly the one-ended sweep's operations (no FMA contraction, same order), so the
/// top half of U is bit-identical to the one-ended route's; lane 1 is bit-identical to the
/// one-ended route on the mirrored knots. Only the join differs, by rounding.
extension _SplinePenalty {
  /// From this many knots on, the Givens route (fits and GCV evaluations) runs two-ended. Below
  /// it the one-ended sweep is kept, so small problems' results (and the λ GCV picks for them)
  /// are the same bits as before this route existed; a sweep there takes well under 1 ms.
  static let twistedQRMinimumCount = 10_000

  /// The Cholesky factor R = VᵀV of the tridiagonal R — V(j, j) and V(j, j+1), 0 in the last
  /// column — and the same for the mirrored knots (R's factor taken from the bottom, entry j
  /// belonging to column m − 1 − j), the two recurrences in the lanes of a `SIMD2`.
  /// λ-independent, so a GCV search computes them once for all its sweeps.
  func _rFactorsFromBothEnds() -> (
    top: (diagonal: [Double], offDiagonal: [Double]),
    mirrored: (diagonal: [Double], offDiagonal: [Double])
  ) {
    let interior = interiorCount
    let n = count
    var diagonal = [Double](repeating: 0, count: interior)
    var offDiagonal = diagonal
    var mirroredDiagonal = diagonal
    var mirroredOffDiagonal = diagonal
    typealias V = SIMD2<Double>
    knots.withUnsafeBufferPointer { t in
      // Lane 1: differences of the mirrored knots t′ᵢ = −t_{n−1−i}, bit for bit
      // t′_a − t′_b = t_{n−1−b} − t_{n−1−a}.
      @inline(__always) func difference(_ a: Int, _ b: Int) -> V {
        V(t[a] - t[b], t[n - 1 - b] - t[n - 1 - a])
      }
      var vDiagonal = (difference(2, 0) / 3).squareRoot()
      for j in 0..<interior {
        let h1 = j + 1 < interior ? difference(j + 2, j + 1) : .zero
        let vOff = j + 1 < interior ? (h1 / 6) / vDiagonal : .zero
        diagonal[j] = vDiagonal[0]
        mirroredDiagonal[j] = vDiagonal[1]
        offDiagonal[j] = vOff[0]
        mirroredOffDiagonal[j] = vOff[1]
        if j + 1 < interior {
          let h2 = difference(j + 3, j + 2)
          vDiagonal = ((h1 + h2) / 3 - vOff * vOff).squareRoot()
        }
      }
    }
    return ((diagonal, offDiagonal), (mirroredDiagonal, mirroredOffDiagonal))
  }

  /// Two-ended Givens solve for every column of `y` (n × columns, column-major): writes z with
  /// (UᵀU) z = (rotated) B ᵀb into rows 1 … n − 2 of each column of `z` (rows 0 and n − 1
  /// untouched) and returns tr((R + λM)⁻¹R) when `band` (R in upper band storage) is given,
  /// else 0. `rFactors` are ``_rFactorsFromBothEnds()``, or nil to form them on
  /// the fly. Needs at least 8 knots.
  func _twistedGivens(
    y: UnsafePointer<Double>, columns: Int, lambda: Double, z: UnsafeMutablePointer<Double>,
    scratch: inout _TwistedGivensScratch,
    rFactors: _RFactorPointers?, band: UnsafePointer<Double>?
  ) -> Double {
    let n = count
    let m = interiorCount
    precondition(m >= 6 && lambda > 0 && columns >= 1, "The twisted sweep needs 8 knots, λ > 0")
    let kk = (m - 2) / 2
    let k = m - 2 - kk
    scratch.prepare(steps: k, columns: columns)
    let root = lambda.squareRoot()
    let unit = unitWeights
    return knots.withUnsafeBufferPointer { tb in
      inverseSpacing.withUnsafeBufferPointer { ihb in
        weights.withUnsafeBufferPointer { wb in
          scratch.withPointers { u1, u2, inv, rhs in
            let sweep = _TwistedSweep(
              t: tb.baseAddress!, ih: ihb.baseAddress!, w: wb.baseAddress!, y: y, z: z, n: n,
              m: m, k: k, kk: kk, columns: columns, root: root, unit: unit, u01: u1, u02: u2,
              inverse: inv, rhs: rhs, rFactors: rFactors)
            let middle = sweep.run()
            return sweep.substituteOutwards(middle: middle, band: band)
          }
        }
      }
    }
  }
}

/// Precomputed R factors for the twisted sweep: V's diagonal and superdiagonal from the top, and
/// the mirrored knots' (see ``_SplinePenalty/_rFactorsFromBothEnds()``).
struct _RFactorPointers {
  let diagonal: UnsafePointer<Double>
  let offDiagonal: UnsafePointer<Double>
  let mirroredDiagonal: UnsafePointer<Double>
  let mirroredOffDiagonal: UnsafePointer<Double>
}

/// Work buffers of the twisted sweep, kept between the evaluations of a GCV search.
struct _TwistedGivensScratch {
  private var u01: [SIMD2<Double>] = []
  private var u02: [SIMD2<Double>] = []
  private var inverse: [SIMD2<Double>] = []
  private var rhs: [SIMD2<Double>] = []

  mutating func prepare(steps: Int, columns: Int) {
    if u01.count != steps {
      u01 = [SIMD2<Double>](repeating: .zero, count: steps)
      u02 = u01
      inverse = u01
    }
    if rhs.count != 2 * columns { rhs = [SIMD2<Double>](repeating: .zero, count: 2 * columns) }
  }

  mutating func withPointers<R>(
    _ body: (
      UnsafeMutablePointer<SIMD2<Double>>, UnsafeMutablePointer<SIMD2<Double>>,
      UnsafeMutablePointer<SIMD2<Double>>, UnsafeMutablePointer<SIMD2<Double>>
    ) -> R
  ) -> R {
    u01.withUnsafeMutableBufferPointer { a in
      u02.withUnsafeMutableBufferPointer { b in
        inverse.withUnsafeMutableBufferPointer { c in
          rhs.withUnsafeMutableBufferPointer { d in
            body(a.baseAddress!, b.baseAddress!, c.baseAddress!, d.baseAddress!)
          }
        }
      }
    }
  }
}

/// One twisted sweep: lane 0 is column s from the top, lane 1 column m − 1 − s (the mirrored
/// problem's column s). See `_SplinePenalty+TwistedQR.swift`.
struct _TwistedSweep {
  typealias V = SIMD2<Double>
  typealias Row = (V, V, V)

  let t: UnsafePointer<Double>
  let ih: UnsafePointer<Double>
  let w: UnsafePointer<Double>
  let y: UnsafePointer<Double>
  let z: UnsafeMutablePointer<Double>
  let n: Int
  let m: Int
  /// Columns swept from the top (0 ..< k) and from the bottom (m − 1 down to m − kk); k ≥ kk.
  let k: Int
  let kk: Int
  let columns: Int
  let root: Double
  let unit: Bool
  let u01: UnsafeMutablePointer<V>
  let u02: UnsafeMutablePointer<V>
  let inverse: UnsafeMutablePointer<V>
  /// Per data column: the carried rows' right-hand sides (a's, b's), lane-wise.
  let rhs: UnsafeMutablePointer<V>
  let rFactors: _RFactorPointers?

  /// The middle 2 × 2 triangle C (columns k, k + 1) after both sweeps.
  struct Middle {
    var c00: Double
    var c01: Double
    var c11: Double
  }

  // MARK: Lane loads (knot index i in lane 0, the mirrored knot index in lane 1)

  @inline(__always) func ihv(_ i: Int) -> V { V(ih[i], ih[n - 2 - i]) }
  @inline(__always) func scale(_ i: Int) -> V {
    unit ? V(repeating: root) : V(repeating: root) / V(w[i], w[n - 1 - i]).squareRoot()
  }
  @inline(__always) func rhsValue(_ i: Int, _ c: Int) -> V {
    let yi = V(y[c * n + i], y[c * n + n - 1 - i])
    return unit ? yi : V(w[i], w[n - 1 - i]).squareRoot() * yi
  }
  /// t_a − t_b in lane 0 and the mirrored knots' t′_a − t′_b in lane 1.
  @inline(__always) func difference(_ a: Int, _ b: Int) -> V {
    V(t[a] - t[b], t[n - 1 - b] - t[n - 1 - a])
  }

  // MARK: Rotations (the one-ended sweep's arithmetic, lane-wise)

  /// Rotates rows (p, x) so that x's entry `e` becomes zero; (cos, sin) = (1, 0) in a lane
  /// where that entry is already zero. Also returns 1/(new pivot entry).
  @inline(__always) static func rotate(_ p: inout Row, _ x: inout Row, _ e: Int)
    -> (c: V, s: V, inverse: V)
  {
    let pk = e == 0 ? p.0 : (e == 1 ? p.1 : p.2)
    let xk = e == 0 ? x.0 : (e == 1 ? x.1 : x.2)
    let zero = xk .== 0
    var inverse = 1 / (pk * pk + xk * xk).squareRoot()
    var c = pk * inverse
    var s = xk * inverse
    if any(zero) {
      c.replace(with: 1, where: zero)
      s.replace(with: 0, where: zero)
      inverse.replace(with: 1 / pk, where: zero)
    }
    let p0 = p
    p = (c * p.0 + s * x.0, c * p.1 + s * x.1, c * p.2 + s * x.2)
    x = (c * x.0 - s * p0.0, c * x.1 - s * p0.1, c * x.2 - s * p0.2)
    if e == 0 { x.0 = .zero } else if e == 1 { x.1 = .zero } else { x.2 = .zero }
    return (c, s, inverse)
  }

  @inline(__always) static func turn(_ a: inout V, _ b: inout V, _ r: (c: V, s: V, inverse: V)) {
    let a0 = a
    a = r.c * a0 + r.s * b
    b = r.c * b - r.s * a0
  }

  // MARK: Sweep

  /// Both sweeps, then the join; writes z_k, z_{k+1} of every column.
  func run() -> Middle {
    // Column 0 of each lane: rows 1 and 0 of Q make the first carried pair.
    let i0 = ihv(0)
    let i1 = ihv(1)
    var a: Row = (scale(1) * (-i0 - i1), scale(1) * i1, .zero)
    var b: Row = (scale(0) * i0, .zero, .zero)
    let first = Self.rotate(&a, &b, 0)
    for c in 0..<columns {
      var ra = rhsValue(1, c)
      var rb = rhsValue(0, c)
      Self.turn(&ra, &rb, first)
      rhs[2 * c] = ra
      rhs[2 * c + 1] = rb
    }
    // V's rows on the fly (when not precomputed): the one-ended sweep's recurrence, per lane.
    var state = State(
      a: a, b: b, ra: rhs[0], rb: rhs[1], vDiagonal: (difference(2, 0) / 3).squareRoot(),
      lastTopOff: 0)
    for s in 0..<kk { step(s, lanes: 2, &state) }
    if k > kk { step(kk, lanes: 1, &state) }
    if columns == 1 {
      rhs[0] = state.ra
      rhs[1] = state.rb
    }
    return join(
      a: state.a, b: state.b, vDiagonal: state.vDiagonal, lastTopOff: state.lastTopOff)
  }

  /// What the sweep carries from one column to the next.
  struct State {
    var a: Row
    var b: Row
    /// The carried rows' right-hand sides when there is one data column (else in `rhs`).
    var ra: V
    var rb: V
    var vDiagonal: V
    var lastTopOff: Double
  }

  /// Column s of each lane (only the top lane's when `lanes` is 1).
  @inline(__always)
  private func step(_ s: Int, lanes: Int, _ state: inout State) {
    let sq = scale(s + 2)
    let ia = ihv(s + 1)
    let ib = ihv(s + 2)
    var q: Row = (sq * ia, sq * (-ia - ib), sq * ib)
    var vOff: V
    var h1 = V.zero
    if let f = rFactors {
      state.vDiagonal = V(f.diagonal[s], f.mirroredDiagonal[s])
      vOff = V(f.offDiagonal[s], f.mirroredOffDiagonal[s])
    } else {
      h1 = difference(s + 2, s + 1)
      vOff = (h1 / 6) / state.vDiagonal
    }
    state.lastTopOff = vOff[0]
    var v: Row = (state.vDiagonal, vOff, .zero)
    var a = state.a
    var b = state.b
    let r1 = Self.rotate(&q, &a, 0)
    let r2 = Self.rotate(&q, &v, 0)
    let r3 = Self.rotate(&b, &a, 1)
    let r4 = Self.rotate(&b, &v, 1)
    let r5 = Self.rotate(&a, &v, 2)
    @inline(__always) func column(_ ra: inout V, _ rb: inout V, _ c: Int) -> V {
      var rq = rhsValue(s + 2, c)
      var rv = V.zero
      Self.turn(&rq, &ra, r1)
      Self.turn(&rq, &rv, r2)
      Self.turn(&rb, &ra, r3)
      Self.turn(&rb, &rv, r4)
      Self.turn(&ra, &rv, r5)
      swap(&ra, &rb)
      return rq
    }
    if lanes == 2 {
      u01[s] = q.1
      u02[s] = q.2
      inverse[s] = r2.inverse
      if columns == 1 {
        let rq = column(&state.ra, &state.rb, 0)
        z[1 + s] = rq[0]
        z[1 + (m - 1 - s)] = rq[1]
      } else {
        for c in 0..<columns {
          var ca = rhs[2 * c]
          var cb = rhs[2 * c + 1]
          let rq = column(&ca, &cb, c)
          z[c * n + 1 + s] = rq[0]
          z[c * n + 1 + (m - 1 - s)] = rq[1]
          rhs[2 * c] = ca
          rhs[2 * c + 1] = cb
        }
      }
      state.a = (b.1, b.2, .zero)
      state.b = (.zero, a.2, .zero)
    } else {
      // The top lane's extra column: lane 1 keeps its state.
      u01[s][0] = q.1[0]
      u02[s][0] = q.2[0]
      inverse[s][0] = r2.inverse[0]
      for c in 0..<columns {
        var ca = columns == 1 ? state.ra : rhs[2 * c]
        var cb = columns == 1 ? state.rb : rhs[2 * c + 1]
        let (oldA, oldB) = (ca, cb)
        let rq = column(&ca, &cb, c)
        z[c * n + 1 + s] = rq[0]
        ca[1] = oldA[1]
        cb[1] = oldB[1]
        if columns == 1 {
          (state.ra, state.rb) = (ca, cb)
        } else {
          rhs[2 * c] = ca
          rhs[2 * c + 1] = cb
        }
      }
      let (keptA, keptB) = (state.a, state.b)
      state.a = (V(b.1[0], keptA.0[1]), V(b.2[0], keptA.1[1]), V(0, keptA.2[1]))
      state.b = (V(0, keptB.0[1]), V(a.2[0], keptB.1[1]), V(0, keptB.2[1]))
    }
    if rFactors == nil {
      let h2 = difference(s + 3, s + 2)
      let next = ((h1 + h2) / 3 - vOff * vOff).squareRoot()
      if lanes == 2 { state.vDiagonal = next } else { state.vDiagonal[0] = next[0] }
    }
  }

  /// Joins the halves at columns k, k + 1: reduces the six rows left there to C, solves
  /// C·(z_k, z_{k+1}) = d for every column and returns C.
  private func join(a: Row, b: Row, vDiagonal: V, lastTopOff: Double) -> Middle {
    typealias Pair = (Double, Double)
    // The bottom factor's row k + 1 (mirrored row kk) and V(k − 1, k), from the top factor.
    let bottomDiagonal: Double
    let bottomOff: Double
    let topOff: Double
    if let f = rFactors {
      bottomDiagonal = f.mirroredDiagonal[kk]
      bottomOff = f.mirroredOffDiagonal[kk]
      topOff = f.offDiagonal[k - 1]
    } else {
      // After the sweep, lane 1 holds the mirrored V's diagonal at row kk, and the top lane's
      // last step used V(k − 1, k).
      bottomDiagonal = vDiagonal[1]
      bottomOff = (difference(kk + 2, kk + 1)[1] / 6) / bottomDiagonal
      topOff = lastTopOff
    }
    let rkk = (t[k + 2] - t[k]) / 3
    let twist = (rkk - topOff * topOff - bottomOff * bottomOff).squareRoot()
    // Rows over (column k, column k + 1). Top carried: a = (k, k+1), b = (·, k+1); bottom
    // carried in mirrored order: a = (k+1, k), b = (·, k).
    var rows: [Pair] = [
      (a.0[0], a.1[0]), (0, b.1[0]), (a.1[1], a.0[1]), (b.1[1], 0), (bottomOff, bottomDiagonal),
      (twist, 0),
    ]
    // Rotations as (pivot row, other row, column, cos, sin), applied to every right-hand side.
    var rotations: [(Int, Int, Double, Double)] = []
    func eliminate(pivot: Int, other: Int, column e: Int) {
      let pk = e == 0 ? rows[pivot].0 : rows[pivot].1
      let xk = e == 0 ? rows[other].0 : rows[other].1
      guard xk != 0 else { return }
      let r = 1 / (pk * pk + xk * xk).squareRoot()
      let c = pk * r
      let s = xk * r
      let p = rows[pivot]
      let x = rows[other]
      rows[pivot] = (c * p.0 + s * x.0, c * p.1 + s * x.1)
      rows[other] = (c * x.0 - s * p.0, c * x.1 - s * p.1)
      if e == 0 { rows[other].0 = 0 } else { rows[other].1 = 0 }
      rotations.append((pivot, other, c, s))
    }
    for other in 1..<6 { eliminate(pivot: 0, other: other, column: 0) }
    for other in 2..<6 { eliminate(pivot: 1, other: other, column: 1) }
    let middle = Middle(c00: rows[0].0, c01: rows[0].1, c11: rows[1].1)
    for c in 0..<columns {
      let ra = rhs[2 * c]
      let rb = rhs[2 * c + 1]
      var d = [ra[0], rb[0], ra[1], rb[1], 0, 0]
      for (p, o, cs, sn) in rotations {
        let d0 = d[p]
        d[p] = cs * d0 + sn * d[o]
        d[o] = cs * d[o] - sn * d0
      }
      let z1 = d[1] / middle.c11
      let z0 = (d[0] - middle.c01 * z1) / middle.c00
      z[c * n + 1 + k] = z0
      z[c * n + 1 + k + 1] = z1
    }
    return middle
  }

  /// Back substitution outwards from the middle in both lanes, for every column, and (when
  /// `band` is given) the Hutchinson–de Hoog recursion for tr(Σ·R) alongside. Returns the trace
  /// or 0.
  func substituteOutwards(middle: Middle, band: UnsafePointer<Double>?) -> Double {
    // Σ's middle block (CᵀC)⁻¹.
    let i0 = 1 / middle.c00
    let i1 = 1 / middle.c11
    let m11 = i1 * i1
    let m01 = -(middle.c01 * m11) * i0
    let m00 = (i0 - middle.c01 * m01) * i0
    var trace = 0.0
    // Per lane: Σ(j+1, j+1), Σ(j+1, j+2), Σ(j+2, j+2) in the lane's orientation.
    var s11 = V(m00, m11)
    var s12 = V(m01, m01)
    var s22 = V(m11, m00)
    var laneTrace = V.zero
    if let band {
      trace =
        m00 * band[3 * k + 2] + m11 * band[3 * (k + 1) + 2] + 2 * (m01 * band[3 * k + 4])
    }
    @inline(__always) func traceStep(_ s: Int, lanes: Int) {
      guard let band else { return }
      let v = inverse[s]
      let a1 = u01[s]
      let a2 = u02[s]
      let s02 = -(a1 * s12 + a2 * s22) * v
      let s01 = -(a1 * s11 + a2 * s12) * v
      let s00 = (v - (a1 * s01 + a2 * s02)) * v
      let c = m - 1 - s
      let rd = V(band[3 * s + 2], band[3 * c + 2])
      let ro = V(band[3 * s + 4], band[3 * c + 1])
      let add = s00 * rd + 2 * (s01 * ro)
      if lanes == 2 {
        laneTrace += add
        s22 = s11
        s12 = s01
        s11 = s00
      } else {
        laneTrace[0] += add[0]
        s22[0] = s11[0]
        s12[0] = s01[0]
        s11[0] = s00[0]
      }
    }
    if k > kk {
      for c in 0..<columns {
        let zc = z + c * n + 1
        let s = kk
        var value = zc[s]
        value -= u01[s][0] * zc[s + 1]
        value -= u02[s][0] * zc[s + 2]
        zc[s] = value * inverse[s][0]
      }
      traceStep(kk, lanes: 1)
    }
    if columns == 1 {
      let zc = z + 1
      // Lane state: z at the lane's next two positions (top: j+1, j+2; bottom: c−1, c−2).
      var z1 = V(zc[kk], zc[m - 1 - kk])
      var z2 = V(zc[kk + 1], zc[m - 2 - kk])
      var s = kk - 1
      while s >= 0 {
        var value = V(zc[s], zc[m - 1 - s])
        value -= u01[s] * z1
        value -= u02[s] * z2
        value *= inverse[s]
        zc[s] = value[0]
        zc[m - 1 - s] = value[1]
        z2 = z1
        z1 = value
        traceStep(s, lanes: 2)
        s -= 1
      }
    } else {
      var s = kk - 1
      while s >= 0 {
        let c = m - 1 - s
        for col in 0..<columns {
          let zc = z + col * n + 1
          var value = V(zc[s], zc[c])
          value -= u01[s] * V(zc[s + 1], zc[c - 1])
          value -= u02[s] * V(zc[s + 2], zc[c - 2])
          value *= inverse[s]
          zc[s] = value[0]
          zc[c] = value[1]
        }
        traceStep(s, lanes: 2)
        s -= 1
      }
    }
    return trace + laneTrace[0] + laneTrace[1]
  }
}
