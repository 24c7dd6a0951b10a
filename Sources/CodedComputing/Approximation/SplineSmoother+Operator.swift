extension SplineSmoother {
  /// The smoother applied to every column of `data` and evaluated at `plan`'s points, fused.
  ///
  /// The operator path of coded computing: for each block of eight columns it forms Qᵀy, solves
  /// (R + λQᵀW⁻¹Q)γ = Qᵀy and evaluates the spline at the plan's points straight from y and γ —
  /// gᵢ = yᵢ − λ(Qγ)ᵢ/wᵢ enters only through the two knots around each point — all inside two
  /// small per-block tiles (``_FusedSplineKernel``), so the data is read once and the output
  /// written once. Large calls share the blocks among ``codingThreadCount`` threads; the numbers
  /// do not depend on the thread count. The caller has validated `data` (finite, `knots.count`
  /// rows) and built `plan` for these knots.
  ///
  /// - Complexity: O((n + p)·c) for n knots, p points and c columns.
  func _applyFused(_ data: Matrix, at plan: SplineEvaluationPlan) -> Matrix {
    var out = Matrix(rows: 0, columns: 0)
    _applyFused(data, at: plan, into: &out)
    return out
  }

  /// ``_applyFused(_:at:)`` writing into `out`: its storage is reused when it already has the
  /// result's shape (p × c), so rounds in a loop allocate nothing for the output; otherwise `out`
  /// is replaced. Every element is overwritten.
  func _applyFused(_ data: Matrix, at plan: SplineEvaluationPlan, into out: inout Matrix) {
    let n = knots.count
    let columns = data.columns
    let p = plan.points.count
    precondition(data.rows == n && plan.knotCount == n, "Data, plan and knots disagree")
    guard n > 2, !_usesQR, !_isLine, _scaling.knotExponent == 0, let factor = _factor else {
      // Two knots (the line through both points), R + λM too ill-conditioned for the normal
      // equations (the Givens route), λ at the least-squares-line limit, or knots far outside
      // the moderate range: the general fit, evaluated in its scaled units.
      out = _fitUnchecked(data).evaluate(at: plan.points)
      return
    }
    if out.rows != p || out.columns != columns {
      // Every element is written by the kernel below, so the new storage is not zero-filled.
      out = Matrix(
        rows: p, columns: columns,
        columnMajor: [Double](unsafeUninitializedCapacity: p * columns) { _, count in
          count = p * columns
        })
    }
    guard p > 0, columns > 0 else { return }
    let kernel = _FusedSplineKernel(
      penalty: _penalty, factor: factor, lambda: _scaledLambda, plan: plan)
    out.storage.withUnsafeMutableBufferPointer { buffer in
      data.storage.withUnsafeBufferPointer { y in
        guard let source = y.baseAddress, let target = buffer.baseAddress else { return }
        kernel.run(
          data: source, output: target, columns: columns,
          threads: _codingThreadCount(work: (n + p) * columns))
      }
    }
  }
}
