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
    let kernel = _FusedSplineKernel(
      penalty: _penalty, factor: factor, lambda: lambda, plan: plan)
    let out = [Double](unsafeUninitializedCapacity: p * columns) { buffer, count in
      data.storage.withUnsafeBufferPointer { y in
        kernel.run(
          data: y.baseAddress!, output: buffer.baseAddress!, columns: columns,
          threads: _codingThreadCount(work: (n + p) * columns))
      }
      count = p * columns
    }
    return Matrix(rows: p, columns: columns, columnMajor: out)
  }
}
