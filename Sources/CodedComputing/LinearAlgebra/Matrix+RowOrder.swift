extension Matrix {
  /// The column index of each row's largest entry (the first one on ties).
  func _rowArgmax() -> [Int] {
    var best = [Int](repeating: 0, count: rows)
    guard columns > 0 else { return best }
    for i in 0..<rows {
      for j in 1..<columns where self[i, j] > self[i, best[i]] { best[i] = j }
    }
    return best
  }
}

extension Matrix {
  /// The elements in row-major (C) order.
  var _rowMajor: [Double] {
    var values = [Double](repeating: 0, count: storage.count)
    for i in 0..<rows {
      for j in 0..<columns { values[i * columns + j] = storage[i + j * rows] }
    }
    return values
  }

  /// A matrix from row-major (C-order) values.
  init(rowMajor values: [Double], rows: Int, columns: Int) {
    precondition(values.count == rows * columns)
    var storage = [Double](repeating: 0, count: values.count)
    for i in 0..<rows {
      for j in 0..<columns { storage[i + j * rows] = values[i * columns + j] }
    }
    self.init(rows: rows, columns: columns, columnMajor: storage)
  }
}
