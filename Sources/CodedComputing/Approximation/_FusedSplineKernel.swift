import Dispatch

/// The fused smoothing-spline operator y ↦ g(z) on blocks of eight columns, in cache.
///
/// For knots t₀ < … < tₙ₋₁ the operator forms Qᵀy, solves UᵀU·γ = Qᵀy with the banded Cholesky
/// factor U of R + λQᵀW⁻¹Q (kd = 2), and evaluates the natural cubic spline with knot values
/// g = y − λW⁻¹Qγ and second derivatives γ at p points. Every step is local in the knot index, so
/// the kernel runs them back to back on one block of eight columns at a time, transposed into
/// two small row-major tiles (one `SIMD8<Double>` per knot):
///
/// - `Y`: the block's data, knot by knot (n rows), filled while reading the eight columns once;
/// - `S`: the second derivatives, knot by knot, with a zero row before knot 0 and after knot n−1
///   (n + 2 rows). The forward substitution writes Uᵀ⁻¹Qᵀy into the interior rows as it reads the
///   data, the back substitution turns it into γ in place, and the evaluation reads both tiles.
///
/// The tiles of one block are 8·(2n + 2) doubles (115 KB at n = 900): they stay in L2, so the
/// source columns are read once and the output written once, and every arithmetic step is a
/// SIMD operation on eight independent columns with no strided access. The substitutions run
/// with reciprocal pivots folded into the coefficients, so each row's critical path is one
/// multiply and one subtraction. Blocks are independent and can be shared between threads.
///
/// - Complexity: O((n + p)·c) for c columns, with about 11 multiply-adds per knot and 4 (λ = 0)
///   or 6 per point and column.
struct _FusedSplineKernel: Sendable {
  /// Knots n and evaluation points p.
  let knotCount: Int
  let pointCount: Int
  /// Forward substitution, r in 0..<n−2 (Uᵀz = Qᵀy with 1/U(r, r) folded in):
  /// z_r = c0·y_r + c1·y_{r+1} + c2·y_{r+2} − fb·z_{r−2} − fa·z_{r−1}.
  let _forward: [SIMD8<Double>]  // (c0, c1, c2, fa, fb, –, –, –) per row
  /// Back substitution (Ux = z): x_r = bd·z_r − bb·x_{r+2} − ba·x_{r+1}.
  let _backward: [SIMD4<Double>]  // (bd, ba, bb, –) per row
  /// Per point: the interval i and six weights on Y_i, Y_{i+1}, S_{i−1}, S_i, S_{i+1}, S_{i+2}.
  let _interval: [Int]
  let _weights: [SIMD8<Double>]
  /// λ = 0: the spline interpolates (g = y), so the weights on S_{i−1} and S_{i+2} are zero.
  let _interpolates: Bool

  init(penalty: _SplinePenalty, factor: BandCholesky, lambda: Double, plan: SplineEvaluationPlan) {
    let n = penalty.count
    let m = n - 2
    precondition(
      m >= 1 && factor.order == m && factor.bandwidth == 2, "Factor does not match the knots")
    knotCount = n
    pointCount = plan.points.count
    let ih = penalty.inverseSpacing
    let knotWeights = penalty.weights
    // Upper band storage, ld = 3: U(i, i) at 2 + 3i, U(i − 1, i) at 1 + 3i, U(i − 2, i) at 3i.
    let u = factor.factor
    func diagonal(_ i: Int) -> Double { u[2 + 3 * i] }
    func upper1(_ i: Int) -> Double { i >= 1 && i < m ? u[1 + 3 * i] : 0 }  // U(i−1, i)
    func upper2(_ i: Int) -> Double { i >= 2 && i < m ? u[3 * i] : 0 }  // U(i−2, i)
    var forward = [SIMD8<Double>](repeating: .zero, count: m)
    var backward = [SIMD4<Double>](repeating: .zero, count: m)
    for r in 0..<m {
      let d = 1 / diagonal(r)
      let (q0, q1, q2) = (ih[r], -ih[r] - ih[r + 1], ih[r + 1])
      forward[r] = SIMD8(q0 * d, q1 * d, q2 * d, upper1(r) * d, upper2(r) * d, 0, 0, 0)
      backward[r] = SIMD4(d, upper1(r + 1) * d, upper2(r + 2) * d, 0)
    }
    _forward = forward
    _backward = backward
    _interpolates = lambda == 0
    // Each output is a fixed combination of y_i, y_{i+1} and the second derivatives at knots
    // i−1 … i+2 (S rows): the plan's four weights on (g_i, g_{i+1}, g″_i, g″_{i+1}), with
    // g_j = y_j − (λ/w_j)·(q0[j]γ_j + q1[j−1]γ_{j−1} + q2[j−2]γ_{j−2}) and γ_r = S row r + 1.
    let p = pointCount
    var interval = [Int](repeating: 0, count: p)
    var weights = [SIMD8<Double>](repeating: .zero, count: p)
    for q in 0..<p {
      let i = plan._interval[q]
      let pw = (
        plan._weights[4 * q], plan._weights[4 * q + 1], plan._weights[4 * q + 2],
        plan._weights[4 * q + 3]
      )
      // slots: 0 y_i, 1 y_{i+1}, 2 S_{i−1}, 3 S_i, 4 S_{i+1}, 5 S_{i+2}; S row k is slot k − i + 3.
      var w = SIMD8<Double>(pw.0, pw.1, 0, pw.2, pw.3, 0, 0, 0)
      if lambda != 0 {
        for (j, a) in [(i, pw.0), (i + 1, pw.1)] {
          let scale = -a * lambda / knotWeights[j]
          if j < m { w[j + 1 - i + 3] += scale * ih[j] }  // q0[j]γ_j, S row j + 1
          if j >= 1 && j - 1 < m { w[j - i + 3] += scale * (-ih[j - 1] - ih[j]) }  // q1[j−1]γ_{j−1}
          if j >= 2 && j - 2 < m { w[j - 1 - i + 3] += scale * ih[j - 1] }  // q2[j−2]γ_{j−2}
        }
      }
      interval[q] = i
      weights[q] = w
    }
    _interval = interval
    _weights = weights
  }

  /// Applies the operator to `columns` columns of `data` (n × c, column-major) into `output`
  /// (p × c, column-major), sharing the blocks of eight columns among `threads` threads.
  func run(
    data: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>, columns: Int, threads: Int
  ) {
    let blocks = (columns + 7) / 8
    let parts = max(1, min(threads, blocks))
    guard parts > 1 else {
      _runBlocks(0..<blocks, data: data, output: output, columns: columns)
      return
    }
    let source = _SendablePointer(data)
    let target = _SendablePointer(output)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let low = blocks * part / parts
      let high = blocks * (part + 1) / parts
      _runBlocks(low..<high, data: source.pointer, output: target.pointer, columns: columns)
    }
  }

  private func _runBlocks(
    _ blocks: Range<Int>, data: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>,
    columns: Int
  ) {
    let n = knotCount
    let yTile = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: n)
    let sTile = UnsafeMutablePointer<SIMD8<Double>>.allocate(capacity: n + 2)
    defer {
      yTile.deallocate()
      sTile.deallocate()
    }
    // S rows −1, 0, n−1 and n (storage 0, 1, n, n + 1) are the natural spline's zeros.
    for k in [0, 1, n, n + 1] { (sTile + k).initialize(to: .zero) }
    for block in blocks {
      let first = block * 8
      let width = min(8, columns - first)
      _block(
        data: data + first * n, output: output + first * pointCount, width: width, y: yTile,
        s: sTile)
    }
  }

  /// One block of `width` ≤ 8 columns starting at `data` (stride n) into `output` (stride p).
  @inline(__always)
  private func _block(
    data: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>, width: Int,
    y: UnsafeMutablePointer<SIMD8<Double>>, s: UnsafeMutablePointer<SIMD8<Double>>
  ) {
    let n = knotCount
    let m = n - 2
    @inline(__always) func load(_ i: Int) -> SIMD8<Double> {
      SIMD8(
        data[i], data[n + i], data[2 * n + i], data[3 * n + i], data[4 * n + i], data[5 * n + i],
        data[6 * n + i], data[7 * n + i])
    }
    // Transpose the block into Y (eight scalar loads per knot, one SIMD store).
    if width == 8 {
      for i in 0..<n { y[i] = load(i) }
    } else {
      for i in 0..<n {
        var v = SIMD8<Double>.zero
        for c in 0..<width { v[c] = data[c * n + i] }
        y[i] = v
      }
    }
    _forward.withUnsafeBufferPointer { f in
      _backward.withUnsafeBufferPointer { b in
        // Forward substitution on Qᵀy: interior row r lives at S storage r + 2, and storage 0
        // and 1 are zero, so z_{r−2} (storage r) needs no special case. Only z_{r−1} rides in
        // registers: it is the one term on the critical path.
        var z1 = SIMD8<Double>.zero
        for r in 0..<m {
          let c = f[r]
          var partial: SIMD8<Double> = c[0] * y[r]
          partial += c[1] * y[r + 1]
          partial += c[2] * y[r + 2]
          partial -= c[4] * s[r]
          let z: SIMD8<Double> = partial - c[3] * z1
          s[r + 2] = z
          z1 = z
        }
        // Back substitution in place; storage n and n + 1 are zero.
        var x1 = SIMD8<Double>.zero
        var r = m - 1
        while r >= 0 {
          let c = b[r]
          var partial: SIMD8<Double> = c[0] * s[r + 2]
          partial -= c[2] * s[r + 4]
          let x: SIMD8<Double> = partial - c[1] * x1
          s[r + 2] = x
          x1 = x
          r -= 1
        }
      }
    }
    // Evaluate at the points and scatter the block's eight outputs to their columns.
    let p = pointCount
    _interval.withUnsafeBufferPointer { iv in
      _weights.withUnsafeBufferPointer { wv in
        for q in 0..<p {
          let i = iv[q]
          let w = wv[q]
          // S row k is storage k + 1.
          var v: SIMD8<Double> = w[0] * y[i]
          v += w[1] * y[i + 1]
          v += w[3] * s[i + 1]
          v += w[4] * s[i + 2]
          if !_interpolates {
            v += w[2] * s[i]
            v += w[5] * s[i + 3]
          }
          if width == 8 {
            output[q] = v[0]
            output[p + q] = v[1]
            output[2 * p + q] = v[2]
            output[3 * p + q] = v[3]
            output[4 * p + q] = v[4]
            output[5 * p + q] = v[5]
            output[6 * p + q] = v[6]
            output[7 * p + q] = v[7]
          } else {
            for c in 0..<width { output[c * p + q] = v[c] }
          }
        }
      }
    }
  }
}
