/// The cubic smoothing spline as a linear operator: data at fixed knots ↦ fitted values.
///
/// For knots t₀ < … < tₙ₋₁, weights w and λ ≥ 0, the smoothing spline of data y minimises
///
///     Σᵢ wᵢ (yᵢ − g(tᵢ))² + λ ∫ g″(t)² dt
///
/// over the Sobolev space W²₂; the minimiser is the natural cubic spline with knots tᵢ
/// (Reinsch 1967), and λ = 0 gives the natural interpolating cubic spline. This is scipy's
/// `make_smoothing_spline(x, y, w, lam)` convention. The map y ↦ g is linear, so a smoother
/// is built once per (knots, weights, λ) — one banded Cholesky factorisation (LAPACK `dpbtrf`,
/// kd = 2) of R + λQᵀW⁻¹Q — and then applied to any number of data columns at O(n) each. When
/// R + λQᵀW⁻¹Q is too ill-conditioned to form (about 9λ/h³ > 10⁸, h the narrowest knot spacing,
/// which large n reaches at ordinary λ), fits go through a Givens factorisation of the equivalent
/// banded least-squares problem instead (Eldén 1984; `SplinePenalty+QR.swift`): same spline,
/// errors of order ε·√κ instead of ε·κ.
///
/// ```swift
/// let smoother = try SplineSmoother(knots: [0, 1, 2, 3], lambda: 0.1)
/// let spline = try smoother.fit(Matrix(column: [0, 1, 0, 1]))
/// let atMidpoints = spline.evaluate(at: [0.5, 1.5, 2.5])
/// ```
///
/// - Complexity: init O(n); ``fit(_:)-(Matrix)`` O(n·c) for c columns; ``apply(_:at:)`` O((n + p)·c)
///   for p evaluation points; ``matrix(at:)`` O(n·(n + p)) and is meant for small n.
public struct SplineSmoother: Sendable {
  /// The knots, strictly increasing.
  public var knots: [Double] { _penalty.knots }
  /// The weights (all ones unless given).
  public var weights: [Double] { _penalty.weights }
  /// The smoothing parameter λ.
  public let lambda: Double

  @usableFromInline let _penalty: _SplinePenalty
  @usableFromInline let _factor: BandCholesky?

  /// Builds the smoother.
  /// - Parameters:
  ///   - knots: at least two finite, strictly increasing abscissae.
  ///   - weights: one positive finite weight per knot; nil for unit weights.
  ///   - lambda: the smoothing parameter, finite and ≥ 0.
  /// - Throws: ``ApproximationError`` naming the bad knot, weight or λ.
  public init(knots: [Double], weights: [Double]? = nil, lambda: Double)
    throws(ApproximationError)
  {
    guard lambda.isFinite, lambda >= 0 else { throw .invalidLambda(lambda) }
    let penalty = try _SplinePenalty(knots: knots, weights: weights)
    try self.init(_penalty: penalty, lambda: lambda)
  }

  /// True when R + λM is too ill-conditioned for the normal equations (see
  /// ``_SplinePenalty/conditionLimit``) and fits go through the Givens factorisation instead.
  @usableFromInline let _usesQR: Bool

  init(_penalty penalty: _SplinePenalty, lambda: Double) throws(ApproximationError) {
    self._penalty = penalty
    self.lambda = lambda
    _usesQR =
      penalty.interiorCount > 0 && lambda > 0
      && penalty.conditionEstimate(lambda: lambda) > _SplinePenalty.conditionLimit
    _factor =
      penalty.interiorCount > 0 && !_usesQR ? try penalty.factorized(lambda: lambda) : nil
  }

  /// Fits one spline per column of `data` (n × c, one row per knot).
  /// - Throws: ``ApproximationError`` when `data` has the wrong number of rows or a NaN/infinity.
  public func fit(_ data: Matrix) throws(ApproximationError) -> SmoothingSpline {
    guard data.rows == knots.count else {
      throw .lengthMismatch(what: "data rows", expected: knots.count, actual: data.rows)
    }
    try _validateFinite(data.storage, what: "data")
    return _fitUnchecked(data)
  }

  /// Fits one spline to one column of data.
  public func fit(_ data: [Double]) throws(ApproximationError) -> SmoothingSpline {
    try fit(Matrix(column: data))
  }

  @usableFromInline
  func _fitUnchecked(_ data: Matrix) -> SmoothingSpline {
    if _usesQR {
      let (values, second, _) = _penalty.fitByQR(data: data, lambda: lambda)
      return SmoothingSpline(
        knots: knots, values: values, secondDerivatives: second, lambda: lambda)
    }
    guard let factor = _factor else {
      // Two knots: the fit is the line through both points, whatever λ.
      let zero = Matrix(rows: data.rows, columns: data.columns)
      return SmoothingSpline(knots: knots, values: data, secondDerivatives: zero, lambda: lambda)
    }
    let (values, second) = _penalty.fit(data: data, factor: factor, lambda: lambda)
    return SmoothingSpline(knots: knots, values: values, secondDerivatives: second, lambda: lambda)
  }

  /// The fitted splines of every column of `data`, evaluated at `plan`'s points: p × c.
  ///
  /// This is the operator form used by coded computing: one call smooths and resamples all
  /// columns without forming a dense matrix, eight columns at a time in cache (and on several
  /// threads for large calls, see ``setCodingThreadCount(_:)``).
  public func apply(_ data: Matrix, at plan: SplineEvaluationPlan) throws(ApproximationError)
    -> Matrix
  {
    guard plan.knotCount == knots.count else {
      throw .lengthMismatch(
        what: "evaluation plan knots", expected: knots.count, actual: plan.knotCount)
    }
    guard data.rows == knots.count else {
      throw .lengthMismatch(what: "data rows", expected: knots.count, actual: data.rows)
    }
    try _validateFinite(data.storage, what: "data")
    return _applyFused(data, at: plan)
  }

  /// The explicit smoother matrix S (p × n) with S·y = fitted values at `points`.
  ///
  /// Built by applying the operator to the n unit vectors; use it for analysis and small n.
  public func matrix(at points: [Double]) throws(ApproximationError) -> Matrix {
    try _validateFinite(points, what: "evaluation points")
    let plan = SplineEvaluationPlan(knots: knots, points: points)
    let spline = _fitUnchecked(Matrix.identity(knots.count))
    return plan.apply(values: spline.values, secondDerivatives: spline.secondDerivatives)
  }
}
