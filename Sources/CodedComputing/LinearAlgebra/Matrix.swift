/// A dense real matrix in column-major storage.
///
/// `Matrix` is a value type over one contiguous `[Double]`: element (i, j) lives at
/// `storage[i + j * rows]`, the layout LAPACK and BLAS expect, so a matrix is handed to
/// `dgemm` or `dgesv` without copying. Copy-on-write comes from the array.
///
/// In CodedComputing a matrix usually holds one data point per row: K inputs of dimension d are
/// a K × d matrix, and the N coded inputs are an N × d matrix. Column-major layout makes each
/// coordinate (column) contiguous, which is what the smoothing-spline solvers sweep over.
///
/// ```swift
/// var inputs = Matrix(rows: 3, columns: 2)
/// inputs[1, 0] = 4
/// let x = Matrix(rows: [[1, 2], [3, 4]])   // 2 × 2 from row arrays
/// ```
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
  /// The number of rows.
  public let rows: Int
  /// The number of columns.
  public let columns: Int
  /// The elements in column-major order, `rows * columns` of them.
  public var storage: [Double]

  /// A `rows × columns` matrix filled with `value`.
  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: value, count: rows * columns)
  }

  /// A matrix over existing column-major storage.
  public init(rows: Int, columns: Int, columnMajor storage: [Double]) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
    precondition(
      storage.count == rows * columns,
      "Matrix storage has \(storage.count) elements, expected \(rows) × \(columns)")
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// A `rows × columns` matrix whose elements are not set: for outputs that a routine overwrites
  /// completely (GEMM with β = 0), saving the pass that zero-filling would cost.
  init(_uninitializedRows rows: Int, columns: Int) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    self.storage = Array(unsafeUninitializedCapacity: rows * columns) { _, count in
      count = rows * columns
    }
  }

  /// A matrix from an array of equally long rows.
  public init(rows rowArrays: [[Double]]) {
    let rowCount = rowArrays.count
    let columnCount = rowArrays.first?.count ?? 0
    var storage = [Double](repeating: 0, count: rowCount * columnCount)
    for (i, row) in rowArrays.enumerated() {
      precondition(row.count == columnCount, "Row \(i) has \(row.count) elements, expected \(columnCount)")
      for j in 0..<columnCount { storage[i + j * rowCount] = row[j] }
    }
    self.init(rows: rowCount, columns: columnCount, columnMajor: storage)
  }

  /// A column vector (n × 1).
  public init(column: [Double]) {
    self.init(rows: column.count, columns: 1, columnMajor: column)
  }

  /// The n × n identity.
  public static func identity(_ n: Int) -> Matrix {
    var m = Matrix(rows: n, columns: n)
    for i in 0..<n { m[i, i] = 1 }
    return m
  }

  /// Element (row, column).
  @inlinable
  public subscript(row: Int, column: Int) -> Double {
    get { storage[row + column * rows] }
    set { storage[row + column * rows] = newValue }
  }

  /// Row `i` as an array.
  public func row(_ i: Int) -> [Double] {
    precondition(i >= 0 && i < rows, "Row \(i) out of range 0..<\(rows)")
    return (0..<columns).map { storage[i + $0 * rows] }
  }

  /// Column `j` as an array.
  public func column(_ j: Int) -> [Double] {
    precondition(j >= 0 && j < columns, "Column \(j) out of range 0..<\(columns)")
    return Array(storage[(j * rows)..<((j + 1) * rows)])
  }

  /// The rows as arrays.
  public var rowArrays: [[Double]] { (0..<rows).map { row($0) } }

  /// The matrix made of the given rows, in the given order.
  public func selectingRows(_ indices: [Int]) -> Matrix {
    var result = Matrix(rows: indices.count, columns: columns)
    result.storage.withUnsafeMutableBufferPointer { out in
      storage.withUnsafeBufferPointer { src in
        for j in 0..<columns {
          let srcBase = j * rows
          let outBase = j * indices.count
          for (r, i) in indices.enumerated() { out[outBase + r] = src[srcBase + i] }
        }
      }
    }
    return result
  }

  /// The transpose.
  public var transposed: Matrix {
    var t = Matrix(rows: columns, columns: rows)
    for j in 0..<columns {
      for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] }
    }
    return t
  }

  /// Whether every element is finite.
  public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }

  public var description: String {
    rowArrays.map { $0.map { "\($0)" }.joined(separator: "\t") }.joined(separator: "\n")
  }
}
