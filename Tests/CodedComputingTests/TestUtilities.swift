import CodedComputing
import Foundation

/// The largest |a − b| divided by the largest |b|: a norm-wise relative gap that stays meaningful
/// when individual entries (a second derivative crossing zero, say) are near zero.
func relativeGap(_ a: [Double], _ b: [Double]) -> Double {
  precondition(a.count == b.count, "relativeGap: \(a.count) vs \(b.count) values")
  var gap = 0.0
  var scale = 0.0
  for (x, y) in zip(a, b) {
    gap = max(gap, abs(x - y))
    scale = max(scale, abs(y))
  }
  return scale == 0 ? gap : gap / scale
}

/// ``relativeGap(_:_:)`` between a matrix and row arrays of the same shape.
func relativeGap(_ a: Matrix, _ rows: [[Double]]) -> Double {
  precondition(a.rows == rows.count, "relativeGap: \(a.rows) vs \(rows.count) rows")
  return relativeGap(a.rowArrays.flatMap { $0 }, rows.flatMap { $0 })
}

/// ``relativeGap(_:_:)`` between two matrices of the same shape.
func relativeGap(_ a: Matrix, _ b: Matrix) -> Double {
  precondition(a.rows == b.rows && a.columns == b.columns, "relativeGap: shapes differ")
  return relativeGap(a.storage, b.storage)
}

/// A random matrix with entries uniform in [−1, 1).
func randomMatrix(rows: Int, columns: Int, using generator: inout SplitMix64) -> Matrix {
  Matrix(
    rows: rows, columns: columns,
    columnMajor: (0..<(rows * columns)).map { _ in Double.random(in: -1..<1, using: &generator) })
}

// MARK: - Scipy reference data (values in SplineReferenceData.swift)

/// Values and derivatives at the reference points: row arrays, one row per point.
struct SplineReferenceValues: Sendable {
  let values: [[Double]]
  let firstDerivatives: [[Double]]
  let secondDerivatives: [[Double]]
}

/// One λ of a reference case.
struct SplineReferenceFit: Sendable {
  let lambda: Double
  /// scipy `make_smoothing_spline(x, y[:, c], w, lam)`.
  let scipy: SplineReferenceValues
  /// Reinsch's system solved in rational arithmetic on the same inputs.
  let exact: SplineReferenceValues
  /// scipy `CubicSpline(x, y, bc_type="natural")`, for λ = 0 only.
  let naturalCubicSpline: SplineReferenceValues?
}

/// Knots, weights, data (row arrays) and inside-the-knots evaluation points with fits at several λ.
struct SplineReferenceCase: Sendable {
  let knots: [Double]
  let weights: [Double]?
  let data: [[Double]]
  let points: [Double]
  let fits: [SplineReferenceFit]

  var dataMatrix: Matrix { Matrix(rows: data) }
}

/// Runs `executable` with `arguments` (and `environment`, else the test process's own) and
/// returns its exit status, standard output and standard error.
func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil)
  throws -> (status: Int32, stdout: String, stderr: String)
{
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  if let environment { process.environment = environment }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (
    process.terminationStatus, String(decoding: outData, as: UTF8.self),
    String(decoding: errData, as: UTF8.self)
  )
}
