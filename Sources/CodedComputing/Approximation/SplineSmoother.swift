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
/// which large n reaches at ordinary λ), a single column is fitted by a two-sided LDLᵀ
/// factorisation with iterative refinement on residuals computed in double-double from the
/// unformed operator (`_SplinePenalty+LDL.swift`), which checks its own convergence; where it
/// cannot vouch for its result, and for several columns, fits go through a Givens factorisation
/// of the equivalent banded least-squares problem (Eldén 1984; `SplinePenalty+QR.swift`): same
/// spline, errors of order ε·√κ instead of ε·κ (and of order ε on the refined route).
///
/// ```swift
/// let smoother = try SplineSmoother(knots: [0, 1, 2, 3], lambda: 0.1)
/// let spline = try smoother.fit(Matrix(column: [0, 1, 0, 1]))
/// let atMidpoints = spline.evaluate(at: [0.5, 1.5, 2.5])
/// ```
///
/// - Complexity: init O(n); ``fit(_:)-(Matrix)`` O(n·c) for c columns; ``apply(_:at:)``
///   O((n + p)·c) for p evaluation points; ``matrix(at:)`` O(n·(n + p)) and is meant for small n.
public struct SplineSmoother: Sendable {
  /// The knots, strictly increasing.
  public let knots: [Double]
  /// The weights (all ones unless given).
  public var weights: [Double] {
    _scaling.weightExponent == 0
      ? _penalty.weights
      : _penalty.weights.map { _SplineScaling.scale($0, by: _scaling.weightExponent) }
  }
  /// The smoothing parameter λ.
  public let lambda: Double

  /// Reinsch's system on the scaled knots and weights (``_SplineScaling``), and λ in those units.
  @usableFromInline let _penalty: _SplinePenalty
  @usableFromInline let _scaledLambda: Double
  let _scaling: _SplineScaling
  /// The Cholesky factor of R + λM on that route (nil on the others and for two knots).
  @usableFromInline var _factor: BandCholesky? { _factorState.value }
  /// Formed in init, except where the state-space route will fit (from
  /// ``_SplinePenalty/stateSpaceMinimumCount`` knots, λ > 0): there only a fallback and the
  /// operator path (``apply(_:at:)``) use it, and it is formed on their first use.
  let _factorState: _Lazy<BandCholesky?>

  /// True when λ is so large that the spline is the weighted least-squares line to rounding
  /// (see ``lineLambda``); the fit is then computed as that line, in closed form.
  let _isLine: Bool

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
    try _validateNodes(knots, minimum: 2, what: "knots")
    let scaling = _SplineScaling(knots: knots, weights: weights)
    let penalty = try _scaledPenalty(validatedKnots: knots, weights: weights, scaling)
    try self.init(
      knots: knots, scaling: scaling, penalty: penalty, scaledLambda: scaling.scaledLambda(lambda),
      lambda: lambda)
  }

  /// True when R + λM is too ill-conditioned for the normal equations (see
  /// ``_SplinePenalty/conditionLimit``) and fits go through the Givens factorisation instead.
  @usableFromInline let _usesQR: Bool

  /// A smoother on unscaled knots and weights (tests and analysis).
  init(_penalty penalty: _SplinePenalty, lambda: Double) throws(ApproximationError) {
    try self.init(
      knots: penalty.knots, scaling: .identity, penalty: penalty, scaledLambda: lambda,
      lambda: lambda)
  }

  /// A smoother for `knots` whose system `penalty` is built on the scaled knots and weights,
  /// with λ_s = `scaledLambda` (+∞ allowed: the least-squares line).
  init(
    knots: [Double], scaling: _SplineScaling, penalty: _SplinePenalty, scaledLambda: Double,
    lambda: Double
  ) throws(ApproximationError) {
    self.knots = knots
    self._scaling = scaling
    self._penalty = penalty
    self.lambda = lambda
    _scaledLambda = scaledLambda
    _isLine = penalty.interiorCount > 0 && scaledLambda >= penalty.lineLambda
    _usesQR =
      !_isLine && penalty.interiorCount > 0 && scaledLambda > 0
      && penalty.conditionEstimate(lambda: scaledLambda) > _SplinePenalty.conditionLimit
    let needsFactor = penalty.interiorCount > 0 && !_usesQR && !_isLine
    if needsFactor && Self._takesStateSpaceRoute(knots: penalty.count, scaledLambda: scaledLambda) {
      // A failure (R + λM not positive definite in floating point) leaves nil: the fit then
      // takes the Givens route instead (see _fitScaled).
      _factorState = _Lazy { try? penalty.factorized(lambda: scaledLambda) }
    } else {
      let factor = needsFactor ? try penalty.factorized(lambda: scaledLambda) : nil
      _factorState = _Lazy(computed: factor)
    }
  }

  /// True when the fit takes the state-space route (``_fitScaled(_:)``), so the Cholesky factor
  /// (if the condition estimate calls for one) is formed only when something asks for it.
  static func _takesStateSpaceRoute(knots n: Int, scaledLambda: Double) -> Bool {
    n >= _SplinePenalty.stateSpaceMinimumCount && scaledLambda > 0
  }

  /// Fits one spline per column of `data` (n × c, one row per knot).
  /// - Throws: ``ApproximationError`` when `data` has the wrong number of rows or a NaN/infinity.
  public func fit(_ data: Matrix) throws(ApproximationError) -> SmoothingSpline {
    guard data.rows == knots.count else {
      throw .lengthMismatch(what: "data rows", expected: knots.count, actual: data.rows)
    }
    // One pass: the finiteness check and the data's scale (_dataExponent) together.
    let exponent = try _validatedDataExponent(data.storage, what: "data")
    return _fitUnchecked(data, exponent: exponent)
  }

  /// Fits one spline to one column of data.
  public func fit(_ data: [Double]) throws(ApproximationError) -> SmoothingSpline {
    try fit(Matrix(column: data))
  }

  /// The fit, in the scaled units of ``_SplineScaling``: data of magnitude beyond 2^±256 are
  /// brought to [1, 2) first (exactly, by a power of two) and the spline remembers the factor.
  @usableFromInline
  func _fitUnchecked(_ data: Matrix) -> SmoothingSpline {
    _fitUnchecked(data, exponent: _dataExponent(data.storage))
  }

  /// ``_fitUnchecked(_:)`` with `exponent` = `_dataExponent(data.storage)` known.
  func _fitUnchecked(_ data: Matrix, exponent: Int) -> SmoothingSpline {
    let scaled = _scaledBack(data, by: -exponent)
    let (values, second) = _fitScaled(scaled)
    return SmoothingSpline(
      knots: knots, scaledKnots: _penalty.knots, knotExponent: _scaling.knotExponent,
      scaledValues: values, scaledSecond: second, dataExponent: exponent, lambda: lambda)
  }

  /// Knot values and second derivatives (scaled knot units) of the fit to `data`.
  func _fitScaled(_ data: Matrix) -> (Matrix, Matrix) {
    let zero = { Matrix(rows: data.rows, columns: data.columns) }
    if _isLine { return (_penalty.leastSquaresLine(data), zero()) }
    // Large problems: the state-space route (accurate at any condition, two passes, chains on
    // two threads); nil only when a value is not finite, then the routes below decide.
    if Self._takesStateSpaceRoute(knots: _penalty.count, scaledLambda: _scaledLambda),
      let fit = _penalty.fitByStateSpace(data: data, lambda: _scaledLambda)
    {
      return fit
    }
    if _usesQR {
      // One column: the refined LDLᵀ route when it can vouch for its result (faster and more
      // accurate). The Givens sweep shares its rotations among columns, so it stays the route
      // for several.
      if data.columns == 1,
        _penalty.conditionEstimate(lambda: _scaledLambda) <= _SplinePenalty.ldlConditionLimit,
        let fit = _penalty.fitByLDL(data: data, lambda: _scaledLambda)
      {
        return fit
      }
      let (values, second) = _penalty.fitByQR(data: data, lambda: _scaledLambda)
      return (values, second)
    }
    guard let factor = _factor else {
      // Two knots: the fit is the line through both points, whatever λ.
      if _penalty.interiorCount == 0 { return (data, zero()) }
      // A factorisation deferred from init (_takesStateSpaceRoute) that failed, after the
      // state-space route declined: the Givens route, accurate at any condition.
      return _penalty.fitByQR(data: data, lambda: _scaledLambda)
    }
    return _penalty.fit(data: data, factor: factor, lambda: _scaledLambda)
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
    return _fitUnchecked(Matrix.identity(knots.count)).evaluate(at: points)
  }
}

/// Reinsch's system on `knots` (already checked by `_validateNodes`) and `weights`, both brought
/// to `scaling`'s units. The knots are checked again only when scaled: a power of two keeps them
/// increasing, unless some underflow together.
func _scaledPenalty(
  validatedKnots knots: [Double], weights: [Double]?, _ scaling: _SplineScaling
) throws(ApproximationError) -> _SplinePenalty {
  let scaledKnots = scaling.scaledKnots(knots)
  let scaledWeights = try _scaledWeights(weights, scaling)
  return scaling.knotExponent == 0
    ? try _SplinePenalty(validatedKnots: scaledKnots, weights: scaledWeights)
    : try _SplinePenalty(knots: scaledKnots, weights: scaledWeights)
}

/// `weights` scaled by `scaling`, refusing weights whose ratio to the largest one underflows.
func _scaledWeights(_ weights: [Double]?, _ scaling: _SplineScaling) throws(ApproximationError)
  -> [Double]?
{
  if let weights {
    for (i, w) in weights.enumerated() where !(w > 0 && w.isFinite) {
      throw .nonPositiveWeight(index: i, value: w)
    }
  }
  let scaled = scaling.scaledWeights(weights)
  if let scaled, let weights, let i = scaled.firstIndex(where: { !$0.isNormal }) {
    throw .outOfRange(
      "weight \(i) (\(weights[i])) is too small beside the largest weight "
        + "\(weights.max() ?? 0): their ratio underflows a Double; weights must span less than "
        + "about 10^300")
  }
  return scaled
}
