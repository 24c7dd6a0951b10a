extension BandCholesky {
  /// Solves UᵀU·X = B for many columns at once, in place, interleaving a block of columns.
  ///
  /// LAPACK `dpbtrs` solves one right-hand side at a time (two `dtbsv` calls per column): a
  /// chain of dependent multiply-adds per column, plus per-call overhead. Coded computing solves
  /// hundreds of columns (one per coordinate) with the same factor, so this sweep advances a
  /// block of columns together: the block's chains are independent, so they pipeline, and each
  /// column is still read and written sequentially. The arithmetic is that of `dpbtrs`
  /// (forward substitution with Uᵀ, back substitution with U), in the same order per column.
  ///
  /// - Complexity: O(n·kd) per column, two passes over the right-hand sides.
  func _solveColumnBlocked(_ rhs: inout [Double], columns: Int) {
    let n = order
    let kd = bandwidth
    let ld = kd + 1
    let block = 8
    if kd == 2 && n >= 3 {
      _solvePentadiagonal(&rhs, columns: columns, block: block)
      return
    }
    factor.withUnsafeBufferPointer { u in
      rhs.withUnsafeMutableBufferPointer { b in
        var first = 0
        while first < columns {
          let width = min(block, columns - first)
          // Forward: Uᵀz = b, z_i = (b_i − Σ_{k=i−kd}^{i−1} U(k, i)·z_k) / U(i, i).
          for i in 0..<n {
            let diagonal = u[kd + i * ld]
            let low = max(0, i - kd)
            for c in 0..<width {
              let base = (first + c) * n
              var sum = b[base + i]
              var k = low
              while k < i {
                sum -= u[(kd + k - i) + i * ld] * b[base + k]
                k += 1
              }
              b[base + i] = sum / diagonal
            }
          }
          // Backward: Ux = z, x_i = (z_i − Σ_{k=i+1}^{i+kd} U(i, k)·x_k) / U(i, i).
          var i = n - 1
          while i >= 0 {
            let diagonal = u[kd + i * ld]
            let high = min(n - 1, i + kd)
            for c in 0..<width {
              let base = (first + c) * n
              var sum = b[base + i]
              var k = i + 1
              while k <= high {
                sum -= u[(kd + i - k) + k * ld] * b[base + k]
                k += 1
              }
              b[base + i] = sum / diagonal
            }
            i -= 1
          }
          first += width
        }
      }
    }
  }

  /// ``_solveColumnBlocked(_:columns:)`` for kd = 2, unrolled, with reciprocal pivots.
  private func _solvePentadiagonal(_ rhs: inout [Double], columns: Int, block: Int) {
    let n = order
    // U(i, i), U(i−1, i), U(i−2, i) for each i, and 1/U(i, i).
    var inverse = [Double](repeating: 0, count: n)
    var upper1 = [Double](repeating: 0, count: n)
    var upper2 = [Double](repeating: 0, count: n)
    for i in 0..<n {
      inverse[i] = 1 / factor[2 + i * 3]
      upper1[i] = i >= 1 ? factor[1 + i * 3] : 0
      upper2[i] = i >= 2 ? factor[i * 3] : 0
    }
    inverse.withUnsafeBufferPointer { d in
      upper1.withUnsafeBufferPointer { u1 in
        upper2.withUnsafeBufferPointer { u2 in
          rhs.withUnsafeMutableBufferPointer { b in
            var first = 0
            // Full blocks of eight columns: the two previous values of every column ride in
            // registers (SIMD8), so each row costs one load, two FMAs, a multiply and a store per
            // column, with no store-to-load dependency between rows.
            while first + 8 <= columns {
              let base = b.baseAddress! + first * n
              var previous1 = SIMD8<Double>()
              var previous2 = SIMD8<Double>()
              for i in 0..<n {
                var v = SIMD8<Double>()
                for c in 0..<8 { v[c] = base[c * n + i] }
                v = (v - u1[i] * previous1 - u2[i] * previous2) * d[i]
                for c in 0..<8 { base[c * n + i] = v[c] }
                previous2 = previous1
                previous1 = v
              }
              previous1 = SIMD8<Double>()
              previous2 = SIMD8<Double>()
              var i = n - 1
              while i >= 0 {
                var v = SIMD8<Double>()
                for c in 0..<8 { v[c] = base[c * n + i] }
                let a1 = i + 1 < n ? u1[i + 1] : 0
                let a2 = i + 2 < n ? u2[i + 2] : 0
                v = (v - a1 * previous1 - a2 * previous2) * d[i]
                for c in 0..<8 { base[c * n + i] = v[c] }
                previous2 = previous1
                previous1 = v
                i -= 1
              }
              first += 8
            }
            while first < columns {
              let width = min(block, columns - first)
              for c in 0..<width {
                let x = b.baseAddress! + (first + c) * n
                x[0] = x[0] * d[0]
                x[1] = (x[1] - u1[1] * x[0]) * d[1]
              }
              for i in 2..<n {
                let (di, a1, a2) = (d[i], u1[i], u2[i])
                for c in 0..<width {
                  let x = b.baseAddress! + (first + c) * n
                  x[i] = (x[i] - a1 * x[i - 1] - a2 * x[i - 2]) * di
                }
              }
              for c in 0..<width {
                let x = b.baseAddress! + (first + c) * n
                x[n - 1] = x[n - 1] * d[n - 1]
                x[n - 2] = (x[n - 2] - u1[n - 1] * x[n - 1]) * d[n - 2]
              }
              var i = n - 3
              while i >= 0 {
                let (di, a1, a2) = (d[i], u1[i + 1], u2[i + 2])
                for c in 0..<width {
                  let x = b.baseAddress! + (first + c) * n
                  x[i] = (x[i] - a1 * x[i + 1] - a2 * x[i + 2]) * di
                }
                i -= 1
              }
              first += width
            }
          }
        }
      }
    }
  }
}
