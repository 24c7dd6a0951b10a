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

  /// GFLOP/s of an n × n × n DGEMM on the BLAS's current threads: the median of three timed
  /// calls after one warm-up.
  /// - Complexity: 8·n³ flops.
  public static func measureGEMMRate(size n: Int = 1000) -> Double {
    precondition(n >= 1, "GEMM size must be positive")
    let a = Matrix(rows: n, columns: n, repeating: 0.5)
    let b = Matrix(rows: n, columns: n, repeating: 0.25)
    var c = Matrix(rows: n, columns: n)
    let clock = ContinuousClock()
    var times: [Double] = []
    for round in 0..<4 {
      let start = clock.now
      try? Matrix.multiply(a, b, into: &c)
      let elapsed = clock.now - start
      if round > 0 {
        let (seconds, attoseconds) = elapsed.components
        times.append(Double(seconds) + Double(attoseconds) * 1e-18)
      }
    }
    times.sort()
    return 2 * Double(n) * Double(n) * Double(n) / times[1] / 1e9
  }
}
