/// A well-conditioned route to the same smoothing spline when R + λM cannot be formed in floating
/// point.
///
/// R + λM has condition number about 9λ/h³ (h the knot spacing): its entries are λ·O(1/h²) + O(h),
/// so once λ/h³ passes about 10¹⁶ the R part is rounded away entirely and `dpbtrf` reports the
/// matrix indefinite (n = 10⁶ equispaced knots on [0, 1] reach that at λ ≈ 3·10⁻³, below the GCV
/// optimum of noisy data), and well before that the fitted values lose about log₁₀(λ/h³) digits.
///
/// The cure is the one for any normal equations: never form them. With R = VᵀV (V upper
/// bidiagonal; R has condition number at most 3) and z = √λ·γ, the Reinsch system is the normal
/// equations of the banded least-squares problem
///
///     minimise ‖ [√λ·W^(−1/2)·Q] z − [W^(1/2)·y] ‖²
///               [       V       ]     [    0    ]
///
/// whose matrix B has condition number √κ. We triangularise B by Givens rotations one column at a
/// time (Eldén 1984): at column j the rows that meet it — two left over from column j − 1, row
/// j + 2 of Q and row j of V — fill a 4 × 3 window, five rotations reduce it to the next row of U
/// (UᵀU = R + λM, bandwidth 2), two rows carried to column j + 1 and one zero row. The
/// right-hand side is rotated along, U z = c is solved by back substitution, γ = z/√λ and
/// g = y − √λ·W⁻¹Qz. Same minimiser, same U (up to rounding), but the fitted values now carry
/// errors of order ε·√κ instead of ε·κ.
///
/// - Complexity: O(n·c) time for c columns; U takes 3(n − 2) doubles.
extension _SplinePenalty {
  /// Above this ``conditionEstimate(lambda:)`` fits and GCV use the Givens route; below it the
  /// Cholesky factorisation of R + λM (LAPACK `dpbtrf`), whose fitted values then agree with the
  /// Givens ones to about 10⁻¹⁰ relative (measured; SplineOptimisationTests).
  static let conditionLimit = 1e8

  /// The fits of every column of `y` through the Givens factorisation; λ > 0.
  /// From ``twistedQRMinimumCount`` knots on (or when `twisted` says so) the sweep runs two-ended
  /// (`_SplinePenalty+TwistedQR.swift`).
  /// - Returns: the knot values and the second derivatives, both n × c.
  func fitByQR(data y: Matrix, lambda: Double, twisted: Bool? = nil) -> (
    values: Matrix, second: Matrix
  ) {
    precondition(lambda > 0 && interiorCount > 0, "The QR route needs λ > 0 and three knots")
    let n = count
    let interior = interiorCount
    let columns = y.columns
    let root = lambda.squareRoot()
    if twisted ?? (n >= Self.twistedQRMinimumCount), interior >= 6 {
      var second = [Double](repeating: 0, count: n * columns)
      var scratch = _TwistedGivensScratch()
      y.storage.withUnsafeBufferPointer { yv in
        second.withUnsafeMutableBufferPointer { zb in
          _ = _twistedGivens(
            y: yv.baseAddress!, columns: columns, lambda: lambda, z: zb.baseAddress!,
            scratch: &scratch, rFactors: nil, band: nil)
        }
      }
      return _valuesAndSecond(data: y, z: &second, root: root)
    }
    var u = [Double](repeating: 0, count: 3 * interior)
    var inverse = [Double](repeating: 0, count: interior)
    // z per column, stored at rows 1…n−2 of the second-derivative matrix (then scaled to γ).
    var second = [Double](repeating: 0, count: n * columns)
    // Right-hand sides of the four window rows, per data column.
    var rhs = [Double](repeating: 0, count: 4 * columns)
    knots.withUnsafeBufferPointer { t in
      inverseSpacing.withUnsafeBufferPointer { ih in
        weights.withUnsafeBufferPointer { w in
          y.storage.withUnsafeBufferPointer { yv in
            u.withUnsafeMutableBufferPointer { ub in
              inverse.withUnsafeMutableBufferPointer { ib in
                second.withUnsafeMutableBufferPointer { zb in
                  rhs.withUnsafeMutableBufferPointer { rb in
                    _givensSweep(
                      t: t, ih: ih, w: w, y: yv, root: root, u: ub, inverse: ib, z: zb, rhs: rb,
                      n: n, interior: interior, columns: columns)
                  }
                }
              }
            }
          }
        }
      }
    }
    // Back substitution U z = c, column by column (c is already in rows 1…n−2).
    second.withUnsafeMutableBufferPointer { zb in
      u.withUnsafeBufferPointer { ub in
        inverse.withUnsafeBufferPointer { inv in
          for c in 0..<columns {
            _backSubstitute(
              zb.baseAddress! + c * n + 1, u: ub.baseAddress!, inverse: inv.baseAddress!,
              order: interior)
          }
        }
      }
    }
    return _valuesAndSecond(data: y, z: &second, root: root)
  }

  /// g = y − √λ·W⁻¹Qz, then γ = z/√λ in place, from z in rows 1…n−2 of each column (0 at the
  /// ends).
  private func _valuesAndSecond(data y: Matrix, z second: inout [Double], root: Double) -> (
    values: Matrix, second: Matrix
  ) {
    let n = count
    let columns = y.columns
    let g = fittedValues(data: y, secondBuffer: second, scale: root)
    second.withUnsafeMutableBufferPointer { zb in
      for c in 0..<columns {
        for i in 1..<(n - 1) { zb[c * n + i] /= root }
      }
    }
    return (
      Matrix(rows: n, columns: columns, columnMajor: g),
      Matrix(rows: n, columns: columns, columnMajor: second)
    )
  }

  /// The Givens sweep alone for GCV: U into `u` (3(n − 2) doubles, upper band storage), 1/Uⱼⱼ
  /// into `inverse` (n − 2) and, for
  /// each data column c, z = U⁻¹(Qᵀ-rotated right-hand side) into rows 1…n−2 of column c of `z`
  /// (n × columns); returns the weighted residual sum of squares Σ wᵢ(yᵢ − gᵢ)² = λ·Σ (Qz)ᵢ²/wᵢ,
  /// averaged over the columns.
  func _sweepForGCV(
    data y: Matrix, lambda: Double, u: UnsafeMutableBufferPointer<Double>,
    inverse: UnsafeMutableBufferPointer<Double>, z: UnsafeMutableBufferPointer<Double>,
    rhs: UnsafeMutableBufferPointer<Double>,
    rFactor: (diagonal: UnsafePointer<Double>, offDiagonal: UnsafePointer<Double>)
  ) -> Double {
    let n = count
    let interior = interiorCount
    let columns = y.columns
    let root = lambda.squareRoot()
    knots.withUnsafeBufferPointer { t in
      inverseSpacing.withUnsafeBufferPointer { ih in
        weights.withUnsafeBufferPointer { w in
          y.storage.withUnsafeBufferPointer { yv in
            _givensSweep(
              t: t, ih: ih, w: w, y: yv, root: root, u: u, inverse: inverse, z: z, rhs: rhs,
              n: n, interior: interior, columns: columns, rFactor: rFactor)
          }
        }
      }
    }
    for c in 0..<columns {
      _backSubstitute(
        z.baseAddress! + c * n + 1, u: UnsafePointer(u.baseAddress!),
        inverse: UnsafePointer(inverse.baseAddress!), order: interior)
    }
    return _residualForGCV(z: UnsafePointer(z.baseAddress!), columns: columns, lambda: lambda)
  }

  /// Σ wᵢ(yᵢ − gᵢ)² = λ·Σ (Qz)ᵢ²/wᵢ for z = √λ·γ in rows 1…n−2 of each of `columns` columns of
  /// `z` (n × columns), averaged over the columns.
  func _residualForGCV(z: UnsafePointer<Double>, columns: Int, lambda: Double) -> Double {
    let n = count
    // The mean over columns as first + Σ (rss_c − first)/columns: exactly rss_0 when all columns
    // are equal, so the criterion (and the λ it picks) does not depend on repeating a column.
    var first = 0.0
    var deviation = 0.0
    inverseSpacing.withUnsafeBufferPointer { ih in
      weights.withUnsafeBufferPointer { w in
        for c in 0..<columns {
          var rss = 0.0
          let zc = z + c * n + 1
          if unitWeights {
            _forEachQGamma(zc, ih) { _, qz in rss += qz * qz }
          } else {
            _forEachQGamma(zc, ih) { i, qz in rss += qz * qz / w[i] }
          }
          if c == 0 { first = rss } else { deviation += rss - first }
        }
      }
    }
    return lambda * (first + deviation / Double(columns))
  }

  /// The column sweep of ``fitByQR(data:lambda:)``: writes U, 1/Uⱼⱼ (into `inverse`) and c
  /// (into z's rows 1…n−2).
  @inline(__always)
  private func _givensSweep(
    t: UnsafeBufferPointer<Double>, ih: UnsafeBufferPointer<Double>, w: UnsafeBufferPointer<Double>,
    y: UnsafeBufferPointer<Double>, root: Double, u: UnsafeMutableBufferPointer<Double>,
    inverse: UnsafeMutableBufferPointer<Double>, z: UnsafeMutableBufferPointer<Double>,
    rhs: UnsafeMutableBufferPointer<Double>, n: Int, interior: Int, columns: Int,
    rFactor: (diagonal: UnsafePointer<Double>, offDiagonal: UnsafePointer<Double>)? = nil
  ) {
    typealias Row = (Double, Double, Double)
    // Rotates rows (p, x) so that x's entry k becomes zero; returns (cos, sin), or (1, 0) when
    // x's entry is already zero.
    @inline(__always) func rotate(_ p: inout Row, _ x: inout Row, _ k: Int) -> (Double, Double) {
      rotateWithInverse(&p, &x, k).rotation
    }
    // The same, also returning 1/(new pivot entry).
    @inline(__always) func rotateWithInverse(_ p: inout Row, _ x: inout Row, _ k: Int)
      -> (rotation: (Double, Double), inverse: Double)
    {
      let pk = k == 0 ? p.0 : (k == 1 ? p.1 : p.2)
      let xk = k == 0 ? x.0 : (k == 1 ? x.1 : x.2)
      guard xk != 0 else { return ((1, 0), 1 / pk) }
      let inverse = 1 / (pk * pk + xk * xk).squareRoot()
      let c = pk * inverse
      let s = xk * inverse
      let p0 = p
      p = (c * p.0 + s * x.0, c * p.1 + s * x.1, c * p.2 + s * x.2)
      x = (c * x.0 - s * p0.0, c * x.1 - s * p0.1, c * x.2 - s * p0.2)
      if k == 0 { x.0 = 0 } else if k == 1 { x.1 = 0 } else { x.2 = 0 }
      return ((c, s), inverse)
    }
    @inline(__always) func turn(_ a: inout Double, _ b: inout Double, _ cs: (Double, Double)) {
      let a0 = a
      a = cs.0 * a0 + cs.1 * b
      b = cs.0 * b - cs.1 * a0
    }
    @inline(__always) func scale(_ i: Int) -> Double {
      unitWeights ? root : root / w[i].squareRoot()
    }
    @inline(__always) func rhsValue(_ i: Int, _ c: Int) -> Double {
      unitWeights ? y[c * n + i] : w[i].squareRoot() * y[c * n + i]
    }
    // Window rows: a = carried (columns j, j+1), b = carried (column j+1, at index 1),
    // q = row j + 2 of √λ·W^(−1/2)·Q, v = row j of V (R = VᵀV); right-hand sides 0, 1, 2, 3.
    // Column 0: rows 1 and 0 of Q make the first carried pair.
    var a: Row = (scale(1) * (-ih[0] - ih[1]), interior > 1 ? scale(1) * ih[1] : 0, 0)
    var b: Row = (scale(0) * ih[0], 0, 0)
    let first = rotate(&a, &b, 0)
    for col in 0..<columns {
      var ra = rhsValue(1, col)
      var rb = rhsValue(0, col)
      turn(&ra, &rb, first)
      rhs[4 * col] = ra
      rhs[4 * col + 1] = rb
    }
    var vDiagonal = ((t[2] - t[0]) / 3).squareRoot()
    var ra = rhs[0]
    var rb = rhs[1]
    for j in 0..<interior {
      let sq = scale(j + 2)
      var q: Row = (
        sq * ih[j + 1], j + 1 < interior ? sq * (-ih[j + 1] - ih[j + 2]) : 0,
        j + 2 < interior ? sq * ih[j + 2] : 0
      )
      var h1 = 0.0
      var vOff = 0.0
      if let rFactor {
        vDiagonal = rFactor.diagonal[j]
        vOff = rFactor.offDiagonal[j]
      } else {
        h1 = j + 1 < interior ? t[j + 2] - t[j + 1] : 0
        vOff = j + 1 < interior ? (h1 / 6) / vDiagonal : 0
      }
      var v: Row = (vDiagonal, vOff, 0)
      // Column j: pivot on q, zeroing a and v; column j + 1: pivot on b, zeroing a and v;
      // column j + 2: fold v into a (what is left of v is residual).
      let r1 = rotate(&q, &a, 0)
      let (r2, inverseDiagonal) = rotateWithInverse(&q, &v, 0)
      let r3 = rotate(&b, &a, 1)
      let r4 = rotate(&b, &v, 1)
      let r5 = rotate(&a, &v, 2)
      u[3 * j + 2] = q.0
      inverse[j] = inverseDiagonal
      if j + 1 < interior { u[3 * j + 4] = q.1 }
      if j + 2 < interior { u[3 * j + 6] = q.2 }
      if columns == 1 {
        var rq = rhsValue(j + 2, 0)
        var rv = 0.0
        turn(&rq, &ra, r1)
        turn(&rq, &rv, r2)
        turn(&rb, &ra, r3)
        turn(&rb, &rv, r4)
        turn(&ra, &rv, r5)
        z[1 + j] = rq
        (ra, rb) = (rb, ra)
      } else {
        for col in 0..<columns {
          var ra = rhs[4 * col]
          var rb = rhs[4 * col + 1]
          var rq = rhsValue(j + 2, col)
          var rv = 0.0
          turn(&rq, &ra, r1)
          turn(&rq, &rv, r2)
          turn(&rb, &ra, r3)
          turn(&rb, &rv, r4)
          turn(&ra, &rv, r5)
          z[col * n + 1 + j] = rq
          rhs[4 * col] = rb
          rhs[4 * col + 1] = ra
        }
      }
      // Carry: b covers (j+1, j+2), a covers (j+2); shift the window by one column.
      (a, b) = ((b.1, b.2, 0), (0, a.2, 0))
      // Next row of V: V(j+1, j+1) = √(R(j+1, j+1) − V(j, j+1)²).
      if rFactor == nil && j + 1 < interior {
        let h2 = t[j + 3] - t[j + 2]
        vDiagonal = ((h1 + h2) / 3 - vOff * vOff).squareRoot()
      }
    }
  }
}

/// Back substitution U·z = c in place for one column: U upper triangular with two
/// super-diagonals in band storage (three slots per column, U(i, i+1) at 3i + 4 and U(i, i+2) at
/// 3i + 6), `inverse` holding 1/U(i, i).
@inline(__always)
func _backSubstitute(
  _ z: UnsafeMutablePointer<Double>, u: UnsafePointer<Double>, inverse: UnsafePointer<Double>,
  order: Int
) {
  var i = order - 1
  while i >= 0 {
    var value = z[i]
    if i + 1 < order { value -= u[3 * i + 4] * z[i + 1] }
    if i + 2 < order { value -= u[3 * i + 6] * z[i + 2] }
    z[i] = value * inverse[i]
    i -= 1
  }
}
