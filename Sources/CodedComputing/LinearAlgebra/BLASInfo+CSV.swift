extension BLASInfo {
  /// The columns every speed CSV of the project carries, so a figure names its machine:
  /// `blas_vendor,blas_core,blas_threads,blas_fallback,cpu_model,cpu_kernels,gemm_gflops`.
  public static let csvHeader =
    "blas_vendor,blas_core,blas_threads,blas_fallback,cpu_model,cpu_kernels,gemm_gflops"

  /// This report's values for ``csvHeader``, with `gemmRate` in GFLOP/s (commas in names become
  /// spaces).
  public func csvFields(gemmRate: Double) -> String {
    let rate = gemmRate.isFinite ? String(Double((gemmRate * 10).rounded()) / 10) : "nan"
    return [
      vendor, coreName ?? "", String(threadCount), isFallback ? "1" : "0", cpuModel, cpuKernels,
      rate,
    ].map { $0.split(separator: ",").joined(separator: " ") }.joined(separator: ",")
  }

  /// The n of the product ``measureGEMMRate(size:)`` times by default: 384, whose three
  /// matrices (3.5 MB) stay in cache, so the figure is the kernels' rate rather than how much
  /// memory bandwidth other processes left (on the project's shared 2-core machine a 1000³
  /// product ran 5–8× slower than a 384³ one under load, at the same kernels).
  public static let defaultGEMMSize = 384

  /// GFLOP/s of an n × n × n DGEMM on the BLAS's current threads: the fastest of at least five
  /// timed calls (and of as many as fit in about 20 ms) after one warm-up. Measured once per
  /// process for each n and thread count; later calls return the same figure at no cost.
  /// - Complexity: 2·n³ flops per call, about 6 + (20 ms of) calls the first time.
  public static func measureGEMMRate(size n: Int = defaultGEMMSize) -> Double {
    precondition(n >= 1, "GEMM size must be positive")
    let key = _GEMMRateKey(size: n, threads: current.threadCount)
    if let known = _measuredGEMMRates.withLock({ $0[key] }) { return known }
    let a = Matrix(rows: n, columns: n, repeating: 0.5)
    let b = Matrix(rows: n, columns: n, repeating: 0.25)
    var c = Matrix(rows: n, columns: n)
    let clock = ContinuousClock()
    try? Matrix.multiply(a, b, into: &c)  // warm-up: threads, packing buffers, page faults
    var best = Double.infinity
    var total = 0.0
    var calls = 0
    while calls < 5 || (total < 0.02 && calls < 1000) {
      let start = clock.now
      try? Matrix.multiply(a, b, into: &c)
      let (seconds, attoseconds) = (clock.now - start).components
      let elapsed = Double(seconds) + Double(attoseconds) * 1e-18
      best = min(best, elapsed)
      total += elapsed
      calls += 1
    }
    let rate = 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    _measuredGEMMRates.withLock { $0[key] = rate }
    return rate
  }
}

/// What a measured GEMM rate depends on.
struct _GEMMRateKey: Hashable, Sendable {
  var size: Int
  var threads: Int
}

/// ``BLASInfo/measureGEMMRate(size:)``'s figures, once per process.
let _measuredGEMMRates = _Locked<[_GEMMRateKey: Double]>([:])
