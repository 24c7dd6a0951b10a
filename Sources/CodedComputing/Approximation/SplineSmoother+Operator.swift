extension SplineSmoother {
  /// The smoother applied to every column of `data` and evaluated at `plan`'s points, fused.
  ///
  /// The operator path of coded computing: it forms Qᵀy, solves (R + λQᵀW⁻¹Q)γ = Qᵀy for all
  /// columns at once, and evaluates the spline at the plan's points straight from y and γ —
  /// gᵢ = yᵢ − λ(Qγ)ᵢ/wᵢ is computed only at the two knots around each point, never for all n
  /// knots. Two buffers are allocated (γ and the output) and the data is read twice.
  /// The caller has validated `data` (finite, `knots.count` rows) and built `plan` for these knots.
  ///
  /// - Complexity: O((n + p)·c) for n knots, p points and c columns.
  func _applyFused(_ data: Matrix, at plan: SplineEvaluationPlan) -> Matrix {
    let n = knots.count
    let columns = data.columns
    let p = plan.points.count
    precondition(data.rows == n && plan.knotCount == n, "Data, plan and knots disagree")
    guard n > 2 else {
      // Two knots: the fit is the line through both points.
      return plan.apply(values: data, secondDerivatives: Matrix(rows: n, columns: columns))
    }
    guard !_usesQR, let factor = _factor else {
      // R + λM too ill-conditioned for the normal equations: the Givens route of `fit`.
      let spline = _fitUnchecked(data)
      return plan.apply(values: spline.values, secondDerivatives: spline.secondDerivatives)
    }
    let interior = n - 2
    let penalty = _penalty
    // Q's coefficients, materialised once: `q0`/`q1`/`q2` are computed properties that build a
    // whole array on every access, which made this loop O(n²·columns).
    let (q0, q1, q2) = (penalty.q0, penalty.q1, penalty.q2)
    let lambda = self.lambda
    var gamma = [Double](unsafeUninitializedCapacity: interior * columns) { buffer, count in
      data.storage.withUnsafeBufferPointer { y in
        for c in 0..<columns {
          let yb = c * n
          let gb = c * interior
          for r in 0..<interior {
            buffer[gb + r] =
              q0[r] * y[yb + r] + q1[r] * y[yb + r + 1] + q2[r] * y[yb + r + 2]
          }
        }
      }
      count = interior * columns
    }
    do {
      try factor.solve(&gamma, columns: columns)
    } catch {
      preconditionFailure("a solve on a successful factorisation cannot fail: \(error)")
    }
    // Each output is a fixed combination of two data values (yᵢ, yᵢ₊₁) and four interior second
    // derivatives γ_{i−2…i+1} (indices clamped into range, their weights zero where they do not
    // exist): precompute the six weights per point once, then every column costs six FMAs.
    var yIndex = [Int](repeating: 0, count: p)
    var gIndex = [Int](repeating: 0, count: 4 * p)
    var weight = [Double](repeating: 0, count: 6 * p)
    for q in 0..<p {
      let i = plan._interval[q]
      let pw = (plan._weights[4 * q], plan._weights[4 * q + 1], plan._weights[4 * q + 2], plan._weights[4 * q + 3])
      yIndex[q] = i
      weight[6 * q] = pw.0
      weight[6 * q + 1] = pw.1
      // Interior index r ↔ knot r + 1. Collect the γ weights in a small table keyed by r − (i − 2).
      var gw = (0.0, 0.0, 0.0, 0.0)
      func add(_ r: Int, _ value: Double) {
        guard r >= 0 && r < interior else { return }
        switch r - (i - 2) {
        case 0: gw.0 += value
        case 1: gw.1 += value
        case 2: gw.2 += value
        default: gw.3 += value
        }
      }
      // g_j = y_j − (λ/w_j)·(q0[j]γ'_j + q1[j−1]γ'_{j−1} + q2[j−2]γ'_{j−2}) for j = i, i + 1.
      for (j, a) in [(i, pw.0), (i + 1, pw.1)] {
        let scale = -a * lambda / penalty.weights[j]
        if j < interior { add(j, scale * q0[j]) }
        if j >= 1 && j - 1 < interior { add(j - 1, scale * q1[j - 1]) }
        if j >= 2 && j - 2 < interior { add(j - 2, scale * q2[j - 2]) }
      }
      // Second derivatives at knots i and i + 1 are γ'_{i−1} and γ'_i (zero at the end knots).
      if i >= 1 { add(i - 1, pw.2) }
      if i + 1 <= n - 2 { add(i, pw.3) }
      for t in 0..<4 { gIndex[4 * q + t] = min(max(i - 2 + t, 0), interior - 1) }
      weight[6 * q + 2] = gw.0
      weight[6 * q + 3] = gw.1
      weight[6 * q + 4] = gw.2
      weight[6 * q + 5] = gw.3
    }
    let out = [Double](unsafeUninitializedCapacity: p * columns) { buffer, count in
      data.storage.withUnsafeBufferPointer { y in
        gamma.withUnsafeBufferPointer { g in
          yIndex.withUnsafeBufferPointer { yi in
            gIndex.withUnsafeBufferPointer { gi in
              weight.withUnsafeBufferPointer { w in
                for c in 0..<columns {
                  let yb = c * n
                  let gb = c * interior
                  let ob = c * p
                  for q in 0..<p {
                    let i = yb + yi[q]
                    let wq = 6 * q
                    let gq = 4 * q
                    buffer[ob + q] =
                      w[wq] * y[i] + w[wq + 1] * y[i + 1] + w[wq + 2] * g[gb + gi[gq]]
                      + w[wq + 3] * g[gb + gi[gq + 1]] + w[wq + 4] * g[gb + gi[gq + 2]]
                      + w[wq + 5] * g[gb + gi[gq + 3]]
                  }
                }
              }
            }
          }
        }
      }
      count = p * columns
    }
    return Matrix(rows: p, columns: columns, columnMajor: out)
  }
}
