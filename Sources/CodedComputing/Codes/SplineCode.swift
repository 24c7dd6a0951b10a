import Foundation

/// LeTCC, the learning-theoretic coded computing scheme (Moradi, Tahmasebi & Maddah-Ali 2024).
///
/// The encoder is the cubic smoothing spline u through the data points (αₖ, xₖ) with λ_enc,
/// evaluated at the worker points βₙ: worker n computes f(u(βₙ)). The decoder is the smoothing
/// spline through the survivors' (βₙ, yₙ), n ∈ T, with λ_dec, evaluated at the αₖ. Both maps are
/// banded: one Cholesky factorisation (kd = 2) per knot set and local cubic evaluation, applied
/// to all d (or m) columns at once — never a dense N × K matrix.
///
/// ```swift
/// let code = try SplineCode(inputCount: 10, workerCount: 100, layout: .chebyshev)
/// let coded = try code.encode(inputs)                 // 100 × d
/// let estimates = try code.decode(results, survivors: survivors)
/// ```
///
/// - Complexity: init O(K + N); encode O((K + N)·d); decode O((|T| + K)·m) plus one O(|T|)
///   factorisation the first time a survivor set is seen (cached), or O(|T|·m) per λ tried with
///   `gcv`/`optimal`.
public struct SplineCode: CodingScheme {
  public var name: String { "letcc" }
  public let inputCount: Int
  public let workerCount: Int
  /// The data points α (K, ascending).
  public let alpha: [Double]
  /// The worker points β (N, ascending).
  public let beta: [Double]
  /// How λ_enc is chosen.
  public let encoderLambda: SmoothingChoice
  /// λ_enc when it does not depend on the inputs (a number, or the `optimal` schedule); nil for
  /// `gcv`, which chooses it per encode (see ``encodeReportingLambda(_:)``).
  public let encoderLambdaValue: Double?
  public let decoderLambda: SmoothingChoice
  /// σ, the workers' noise level the `optimal` schedule assumes.
  public let noiseLevel: Double
  /// S, the number of stragglers the `optimal` schedule plans for.
  public let plannedStragglers: Int

  /// The fixed encoder operator (nil for `gcv`, which fits per encode).
  let _encoder: SplineSmoother?
  let _encoderPlan: SplineEvaluationPlan
  let _decoders: _OperatorCache<SplineSmoother>

  public var minimumSurvivors: Int {
    switch decoderLambda {
    case .fixed: return 2
    case .gcv, .optimal: return 3
    }
  }

  /// - Parameters:
  ///   - inputCount: K ≥ 2.
  ///   - workerCount: N ≥ 2.
  ///   - layout: where α and β sit on [−1, 1].
  ///   - encoderLambda: λ_enc: a number ≥ 0 (0 interpolates the inputs), `gcv` (chosen on the
  ///     inputs at every encode; needs K ≥ 3), or `optimal` (K·h³/24, see
  ///     ``optimalEncoderLambda(alpha:beta:stragglers:)``).
  ///   - decoderLambda: λ_dec: a number, `gcv`, or `optimal`.
  ///   - noiseLevel: σ ≥ 0 for the `optimal` schedule.
  ///   - plannedStragglers: S for the `optimal` schedules.
  /// - Throws: ``CodingError/invalidParameter(_:)`` for bad sizes or λ.
  public init(
    inputCount: Int, workerCount: Int, layout: NodeLayout = .chebyshev,
    encoderLambda: SmoothingChoice = .fixed(0), decoderLambda: SmoothingChoice = .fixed(0),
    noiseLevel: Double = 0, plannedStragglers: Int = 0
  ) throws(CodingError) {
    try _checkSizes(
      inputCount: inputCount, workerCount: workerCount, minimumWorkers: 2, scheme: "letcc")
    if case .fixed(let value) = encoderLambda, !(value.isFinite && value >= 0) {
      throw .invalidParameter("encoder lambda must be a finite number >= 0, got \(value)")
    }
    if encoderLambda == .gcv && inputCount < 3 {
      throw .invalidParameter("encoder lambda 'gcv' needs K >= 3 inputs, got K = \(inputCount)")
    }
    if case .fixed(let value) = decoderLambda, !(value.isFinite && value >= 0) {
      throw .invalidParameter("decoder lambda must be a finite number >= 0, got \(value)")
    }
    guard noiseLevel.isFinite, noiseLevel >= 0 else {
      throw .invalidParameter("noise level must be >= 0, got \(noiseLevel)")
    }
    self.inputCount = inputCount
    self.workerCount = workerCount
    alpha = layout.alpha(inputCount)
    beta = layout.beta(workerCount)
    self.encoderLambda = encoderLambda
    self.decoderLambda = decoderLambda
    self.noiseLevel = noiseLevel
    self.plannedStragglers = plannedStragglers
    switch encoderLambda {
    case .fixed(let value): encoderLambdaValue = value
    case .optimal:
      encoderLambdaValue = Self.optimalEncoderLambda(
        alpha: alpha, beta: beta, stragglers: plannedStragglers)
    case .gcv: encoderLambdaValue = nil
    }
    if let value = encoderLambdaValue {
      do {
        _encoder = try SplineSmoother(knots: alpha, lambda: value)
      } catch {
        throw .approximation(error)
      }
    } else {
      _encoder = nil
    }
    _encoderPlan = SplineEvaluationPlan(knots: alpha, points: beta)
    _decoders = _OperatorCache()
  }

  public func encode(_ inputs: Matrix) throws(CodingError) -> Matrix {
    try encodeReportingLambda(inputs).coded
  }

  /// Encodes into `coded`, reusing its storage when it is already N × d (see
  /// ``CodingScheme/encode(_:into:)``).
  public func encode(_ inputs: Matrix, into coded: inout Matrix) throws(CodingError) {
    _ = try _encode(inputs, into: &coded)
  }

  /// Encodes and reports the λ_enc used (the chosen one for `gcv`).
  public func encodeReportingLambda(_ inputs: Matrix) throws(CodingError)
    -> (coded: Matrix, lambda: Double?)
  {
    var coded = Matrix(rows: 0, columns: 0)
    let lambda = try _encode(inputs, into: &coded)
    return (coded, lambda)
  }

  func _encode(_ inputs: Matrix, into coded: inout Matrix) throws(CodingError) -> Double {
    try _checkInputs(inputs, count: inputCount)
    // A fixed operator, or for `gcv` one chosen on these inputs.
    let encoder: SplineSmoother
    if let fixed = _encoder {
      encoder = fixed
    } else {
      encoder = try _approximating { () throws(ApproximationError) in
        try SplineSmoother.byGCV(knots: alpha, data: inputs).0
      }
    }
    encoder._applyFused(inputs, at: _encoderPlan, into: &coded)
    return encoder.lambda
  }

  /// The plug-in λ_enc of the `optimal` encoder schedule (scipy convention): K·h³/24.
  ///
  /// The LeTCC loss is bounded by the encoder's training error plus the decoder's error
  /// (Moradi et al. 2024). Without noise the decoder interpolates, and on a gap of width h
  /// between survivors a natural cubic spline interpolant of g misses it by at most
  /// √(h³/48)·‖g″‖₂ (the Green's function of g″ on the gap), so the decoder term is at most
  /// (h³/48)·∫(f∘u)″². With ∫(f∘u)″² ≤ 2·Lip(f)²·∫u″² + (a term in f″), the u-dependent part of
  /// the bound is Lip(f)²·[(1/K)·Σ‖u(αₖ) − xₖ‖² + (h³/24)·∫u″²]: a smoothing-spline objective
  /// with the paper's averaged-loss parameter λ_p = h³/24, i.e. λ = K·h³/24. The widest gap h
  /// is planned for the worst window of S stragglers: h = maxₙ (β_{n+S+1} − βₙ), with the
  /// window's end clamped to the last worker. See Guides/LeTCC.md.
  /// - Complexity: O(N).
  public static func optimalEncoderLambda(alpha: [Double], beta: [Double], stragglers: Int)
    -> Double
  {
    precondition(beta.count >= 2, "need at least two worker points")
    let span = min(max(stragglers, 0) + 1, beta.count - 1)
    var widest = 0.0
    for n in 0..<(beta.count - span) { widest = max(widest, beta[n + span] - beta[n]) }
    return Double(alpha.count) * widest * widest * widest / 24
  }

  public func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    try decodeReportingLambda(results, survivors: survivors).estimates
  }

  /// Decodes into `estimates`, reusing its storage when it is already K × m (see
  /// ``CodingScheme/decode(_:survivors:into:)``).
  public func decode(_ results: Matrix, survivors: [Int], into estimates: inout Matrix)
    throws(CodingError)
  {
    _ = try _decode(results, survivors: survivors, into: &estimates)
  }

  /// Decodes and reports the λ_dec used (the chosen one for `gcv` and `optimal`).
  public func decodeReportingLambda(_ results: Matrix, survivors: [Int]) throws(CodingError)
    -> (estimates: Matrix, lambda: Double?)
  {
    var estimates = Matrix(rows: 0, columns: 0)
    let lambda = try _decode(results, survivors: survivors, into: &estimates)
    return (estimates, lambda)
  }

  func _decode(_ results: Matrix, survivors: [Int], into estimates: inout Matrix)
    throws(CodingError)
    -> Double
  {
    try _checkSurvivors(
      survivors, results: results, workers: workerCount, minimum: minimumSurvivors, scheme: name)
    let knots = survivors.map { beta[$0] }
    let smoother: SplineSmoother
    switch decoderLambda {
    case .fixed(let value):
      smoother = try _decoders.value(for: survivors) { () throws(CodingError) in
        try _approximating { () throws(ApproximationError) in
          try SplineSmoother(knots: knots, lambda: value)
        }
      }
    case .gcv:
      smoother = try _approximating { () throws(ApproximationError) in
        try SplineSmoother.byGCV(knots: knots, data: results).0
      }
    case .optimal:
      smoother = try _approximating { () throws(ApproximationError) in
        try SplineSmoother(knots: knots, lambda: try optimalLambda(knots: knots, results: results))
      }
    }
    let plan = SplineEvaluationPlan(knots: knots, points: alpha)
    smoother._applyFused(results, at: plan, into: &estimates)
    try _checkDecoded(estimates, results: results, survivors: survivors)
    return smoother.lambda
  }

  /// The plug-in rate-optimal λ_dec for the survivors' results (scipy convention).
  ///
  /// Balances the two terms of the smoothing-spline risk bound in the LeTCC analysis,
  /// λ_p·J + σ²·(S + 1)/(n·λ_p^{1/4}), where λ_p = λ/n is the paper's averaged-loss parameter,
  /// n = |T|, S + 1 bounds the widest gap between survivors in units of the worker spacing, and
  /// J = ∫ (decoded function)″² is estimated from a pilot GCV fit. The minimiser is
  /// λ_p = (σ²·(S + 1)/(4·n·J))^{4/5}. Without noise the variance term vanishes and λ → 0
  /// (interpolation) is optimal. See Guides/LeTCC.md.
  public func optimalLambda(knots: [Double], results: Matrix) throws(ApproximationError) -> Double {
    guard noiseLevel > 0 else { return 0 }
    let n = Double(knots.count)
    let pilot = try SplineSmoother.byGCV(knots: knots, data: results).0.fit(results)
    // J = ∫ g″² summed over columns, then averaged: g″ is linear between knots.
    var roughness = 0.0
    for c in 0..<results.columns {
      for i in 0..<(knots.count - 1) {
        let h = knots[i + 1] - knots[i]
        let a = pilot.secondDerivatives[i, c]
        let b = pilot.secondDerivatives[i + 1, c]
        roughness += h * (a * a + a * b + b * b) / 3
      }
    }
    roughness /= Double(results.columns)
    guard roughness > 0 else { return 0 }
    let variance = noiseLevel * noiseLevel * Double(plannedStragglers + 1)
    let lambdaPaper = pow(variance / (4 * n * roughness), 0.8)
    return n * lambdaPaper
  }
}
