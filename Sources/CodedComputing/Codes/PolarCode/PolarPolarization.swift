import Foundation

/// Run-time polarization of a polar code's virtual workers (Pilanci & Bartan 2019).
///
/// Worker n finishes at a random time Tₙ with CDF Fₙ. Virtual index i of the length-L code becomes
/// recoverable (by successive cancellation, given the indices before it) at a virtual time Tᵢ
/// built by the natural-order butterfly: a minus branch needs both halves, T⁻ = max(T_a, T_b),
/// CDF F_a·F_b; a plus branch needs either, T⁺ = min(T_a, T_b), CDF 1 − (1 − F_a)(1 − F_b).
/// Since max + min = T_a + T_b, the virtual means *conserve* the mean at every level:
/// Σᵢ E[Tᵢ] = Σₙ E[Tₙ], while they spread apart (polarize) as L grows. Shortened positions
/// (n ≥ N) are known zeros, arrived at time 0.
///
/// ```swift
/// let means = try PolarPolarization.exactMeans(workers: 16, latency: .exponential(rate: 1))
/// var generator = SplitMix64(seed: 1)
/// let estimate = try PolarPolarization.monteCarloMeans(
///   workers: 16, latency: .exponential(rate: 1), trials: 10_000, using: &generator)
/// ```
public enum PolarPolarization {
  /// The virtual run times of one draw: the max/min butterfly of L worker times.
  /// - Parameter times: L = 2ⁿ run times (shortened positions 0).
  /// - Complexity: L/2·log₂L comparisons.
  public static func virtualTimes(_ times: [Double]) -> [Double] {
    var v = times
    _PolarButterfly.transform(&v) { a, b in (Swift.max(a, b), Swift.min(a, b)) }
    return v
  }

  /// The virtual CDFs at one instant from the workers' CDF values there: F⁻ = F_a·F_b,
  /// F⁺ = 1 − (1 − F_a)(1 − F_b).
  /// - Parameter probabilities: L = 2ⁿ values Fₙ(t).
  /// - Complexity: L/2·log₂L multiplications.
  public static func virtualCDF(_ probabilities: [Double]) -> [Double] {
    var v = probabilities
    _PolarButterfly.transform(&v) { a, b in (a * b, a + b - a * b) }
    return v
  }

  /// The exact mean virtual run time of every virtual index, natural order.
  ///
  /// Deterministic laws (`constant`, `slow-set`): the butterfly of the run times. Continuous
  /// laws: E[Tᵢ] = ∫₀^∞ (1 − Fᵢ(t)) dt with Fᵢ from ``virtualCDF(_:)`` of the closed-form CDF at
  /// each node; the integral runs from the start of the support a over s = t − a on a
  /// logarithmic grid (step 0.02 in ln s, composite Simpson) from 10⁻⁹·σ until L·(1 − F)·t falls
  /// below 10⁻¹³ of the mean scale (σ = 1/rate, or the Pareto scale), at most s = 10²⁵⁰. The
  /// quadrature conserves the mean exactly node by node (the integrands of a pair sum to twice
  /// theirs), so Σᵢ E[Tᵢ]/L differs from the law's mean only by the quadrature error (≈ 10⁻⁸
  /// relative).
  ///
  /// - Parameters:
  ///   - workers: N ≥ 1 (shortened to L = 2^⌈log₂N⌉).
  ///   - latency: the law; validated against N.
  /// - Returns: L means.
  /// - Throws: ``CodingError/invalidParameter(_:)`` for an invalid law, N out of range, or a
  ///   Pareto law with shape ≤ 1 (infinite mean).
  /// - Complexity: O(G·L log L) with G the number of grid nodes (≈ 1 200 for an exponential
  ///   law, up to 30 000 for a heavy Pareto tail).
  public static func exactMeans(workers: Int, latency: LatencyModel) throws(CodingError) -> [Double]
  {
    let length = try _checked(workers: workers, latency: latency)
    if latency.isDeterministic {
      return virtualTimes(
        (0..<length).map { $0 < workers ? latency.law(ofWorker: $0).mean ?? 0 : 0 })
    }
    let (start, scale) = latency._supportStartAndScale
    let shortened = { (f: Double) in (0..<length).map { $0 < workers ? f : 1 } }
    // Below the support every real worker is still running: a constant integrand on [0, a).
    var means = virtualCDF(shortened(0)).map { start * (1 - $0) }
    func survival(_ s: Double) -> Double { 1 - latency.cumulativeProbability(start + s) }
    let low = 1e-9 * scale
    var high = scale
    while Double(length) * survival(high) * (start + high) > 1e-13 * (start + scale) && high < 1e250
    {
      high *= 2
    }
    let span = Foundation.log(high / low)
    var intervals = Swift.max(2, Int((span / 0.02).rounded(.up)))
    if intervals % 2 == 1 { intervals += 1 }
    let step = span / Double(intervals)
    for node in 0...intervals {
      let s = low * Foundation.exp(step * Double(node))
      let weight = (node == 0 || node == intervals ? 1.0 : (node % 2 == 1 ? 4.0 : 2.0)) * step / 3
      let cdf = virtualCDF(shortened(latency.cumulativeProbability(start + s)))
      for i in 0..<length { means[i] += weight * s * (1 - cdf[i]) }
      if node == 0 {
        for i in 0..<length { means[i] += low * (1 - cdf[i]) }
      }
    }
    return means
  }

  /// Monte-Carlo estimate of every virtual mean with a 95 % confidence half-width
  /// (1.96·standard deviation/√trials).
  ///
  /// - Parameters:
  ///   - workers: N ≥ 1.
  ///   - latency: the law; validated against N.
  ///   - trials: T ≥ 2 independent draws of the N run times.
  ///   - generator: the randomness (``LatencyModel/sample(count:using:)`` per trial).
  /// - Returns: L means and L half-widths, natural order.
  /// - Throws: as ``exactMeans(workers:latency:)``; also for T < 2.
  /// - Complexity: O(T·L log L).
  public static func monteCarloMeans(
    workers: Int, latency: LatencyModel, trials: Int,
    using generator: inout some RandomNumberGenerator
  ) throws(CodingError) -> (means: [Double], halfWidths: [Double]) {
    let length = try _checked(workers: workers, latency: latency)
    guard trials >= 2 else {
      throw .invalidParameter("Monte Carlo needs at least 2 trials, got \(trials)")
    }
    var sum = [Double](repeating: 0, count: length)
    var sumOfSquares = [Double](repeating: 0, count: length)
    for _ in 0..<trials {
      var times = latency.sample(count: workers, using: &generator)
      times.append(contentsOf: repeatElement(0, count: length - workers))
      let virtual = virtualTimes(times)
      for i in 0..<length {
        sum[i] += virtual[i]
        sumOfSquares[i] += virtual[i] * virtual[i]
      }
    }
    let t = Double(trials)
    let means = sum.map { $0 / t }
    let halfWidths = (0..<length).map { i in
      let variance = Swift.max(0, (sumOfSquares[i] - t * means[i] * means[i]) / (t - 1))
      return 1.96 * (variance / t).squareRoot()
    }
    return (means, halfWidths)
  }

  static func _checked(workers: Int, latency: LatencyModel) throws(CodingError) -> Int {
    guard workers >= 1 && workers <= PolarCode.maximumWorkers else {
      throw .invalidParameter(
        "polarization needs N in 1...\(PolarCode.maximumWorkers) workers, got N = \(workers)")
    }
    do { try latency.validate(workerCount: workers) } catch {
      throw .invalidParameter(error.description)
    }
    if case .pareto(_, let shape) = latency, shape <= 1 {
      throw .invalidParameter(
        "pareto with shape \(shape) <= 1 has an infinite mean run time; use shape > 1")
    }
    return PolarCode._codeLength(workers: workers)
  }
}
