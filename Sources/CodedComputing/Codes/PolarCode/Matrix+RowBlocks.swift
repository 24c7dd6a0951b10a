extension Matrix {
  /// Copies row r of this column-major matrix to row `targets[r]` of the row-major buffer
  /// `rows` (m = `columns` values a row).
  ///
  /// Eight source rows at a time, column by column: reads are contiguous and the eight target
  /// rows stay in cache. (A row-at-a-time copy strides by the column length, which at N = 1024
  /// made every store a cache and TLB miss: 68 % of the polar encode time.)
  /// - Complexity: O(rows·columns).
  func _scatterRows(to targets: [Int], into rows: UnsafeMutablePointer<Double>) {
    precondition(targets.count == self.rows, "\(targets.count) targets for \(self.rows) rows")
    let (count, m) = (self.rows, columns)
    storage.withUnsafeBufferPointer { source in
      for first in stride(from: 0, to: count, by: 8) {
        let last = Swift.min(first + 8, count)
        for j in 0..<m {
          for r in first..<last { rows[targets[r] * m + j] = source[r + j * count] }
        }
      }
    }
  }

  /// The column-major matrix whose row r is row `sources[r]` of the row-major buffer `rows`
  /// (`columns` values a row); blocked like ``_scatterRows(to:into:)``.
  /// - Complexity: O(sources.count·columns).
  static func _gatheringRows(
    _ sources: [Int], of rows: UnsafePointer<Double>, columns m: Int
  ) -> Matrix {
    let count = sources.count
    var result = Matrix(rows: count, columns: m)
    result.storage.withUnsafeMutableBufferPointer { out in
      for first in stride(from: 0, to: count, by: 8) {
        let last = Swift.min(first + 8, count)
        for j in 0..<m {
          for r in first..<last { out[r + j * count] = rows[sources[r] * m + j] }
        }
      }
    }
    return result
  }
}
