import ArgumentParser
import CodedComputing
import Foundation

/// `coded blas`: which BLAS/LAPACK the library loaded, its kernels and its GEMM rate (one CSV
/// row); `--check` prints instead the exact results of a fixed set of BLAS/LAPACK cases, so two
/// runs under different kernels can be compared value by value.
struct BLASCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "blas",
    abstract: "Report the BLAS in use (library, core, threads, fallback, GEMM rate); prints CSV.",
    discussion: """
      The library is chosen as the CodedComputing library chooses it (CODEDCOMPUTING_BLAS, then \
      libopenblas.so.0, then libblas.so.3 + liblapack.so.3). With OPENBLAS_CORETYPE unset, an \
      OpenBLAS running fallback kernels on a newer CPU is switched to the matching ones. \
      --check prints `case,index,value` for GEMM, dgesv, dpbtrf/dpbtrs, BACC and spline cases \
      (shortest round-trip decimals, so equal text means equal bits).
      """)

  @Option(name: .customLong("blas-threads"), help: "BLAS threads for the GEMM timing.")
  var blasThreads: Int = 1

  @Option(name: .customLong("gemm-size"), help: "n of the n × n × n DGEMM timed (0: skip).")
  var gemmSize: Int = BLASInfo.defaultGEMMSize

  @Flag(help: "Print the results of the fixed BLAS/LAPACK cases instead of the report.")
  var check = false

  func run() async throws {
    try await reportingErrors {
      guard blasThreads >= 1 else {
        throw CLIFailure("--blas-threads must be at least 1, got \(blasThreads)")
      }
      guard gemmSize >= 0 else {
        throw CLIFailure("--gemm-size must be at least 0, got \(gemmSize)")
      }
      setBLASThreadCount(blasThreads)
      if check {
        print("case,index,value")
        for (name, values) in try blasCheckCases() {
          for (index, value) in values.enumerated() { print("\(name),\(index),\(value)") }
        }
        return
      }
      let rate = gemmSize > 0 ? BLASInfo.measureGEMMRate(size: gemmSize) : .nan
      let info = BLASInfo.current
      print(BLASInfo.csvHeader + ",gemm_size,library,lapack,user_coretype,corrected_from,version")
      let fields = [
        String(gemmSize), info.libraryPath, info.lapackPath, info.userCoreType ?? "",
        info.correctedFrom ?? "", info.version,
      ].map(csvField)
      print(info.csvFields(gemmRate: rate) + "," + fields.joined(separator: ","))
    }
  }
}

/// Fixed inputs (SplitMix64, seed 12) through every BLAS/LAPACK routine the library calls.
func blasCheckCases() throws -> [(String, [Double])] {
  var generator = SplitMix64(seed: 12)
  func random(_ rows: Int, _ columns: Int) -> Matrix {
    var m = Matrix(rows: rows, columns: columns)
    for i in m.storage.indices { m.storage[i] = 2 * uniformUnit(using: &generator) - 1 }
    return m
  }
  var cases: [(String, [Double])] = []
  let a = random(301, 257)
  let b = random(257, 173)
  cases.append(("dgemm-nn-301x257x173", try Matrix.multiply(a, b).storage))
  cases.append(("dgemm-tn-257x301x257", try Matrix.multiply(a, a, transposeA: true).storage))
  let c = random(40, 90)
  cases.append(
    ("dgemm-nt-301x257x40", try Matrix.multiply(a, random(40, 257), transposeB: true).storage))
  var square = random(60, 60)
  for i in 0..<60 { square[i, i] += 8 }
  cases.append(("dgesv-60x3", try Matrix.solve(square, random(60, 3)).storage))
  cases.append(("dgesv-40x90", try Matrix.solve(random(40, 40), c).storage))
  var band = SymmetricBandMatrix(order: 500, bandwidth: 2)
  for j in 0..<500 {
    band.storage[3 * j + 2] = 6 + uniformUnit(using: &generator)
    if j >= 1 { band.storage[3 * j + 1] = -2 + uniformUnit(using: &generator) }
    if j >= 2 { band.storage[3 * j] = 0.5 * uniformUnit(using: &generator) }
  }
  let factor = try band.choleskyFactorized()
  cases.append(("dpbtrf-500-kd2", factor.factor))
  var rhs = random(500, 2)
  try factor.solve(&rhs)
  cases.append(("dpbtrs-500x2", rhs.storage))
  let bacc = try BerrutCode(inputCount: 20, workerCount: 60)
  let inputs = random(20, 30)
  let survivors = Array(5..<60)
  cases.append(
    (
      "bacc-20-60-5",
      try bacc.decode(bacc.encode(inputs).selectingRows(survivors), survivors: survivors).storage
    ))
  let knots = (0..<200).map { Double($0) / 199 + 0.001 * Double($0 % 3) }
  let spline = try SmoothingSpline(knots: knots, data: random(200, 3), lambda: 1e-4)
  cases.append(("spline-200x3", spline.evaluate(at: knots).storage))
  return cases
}
