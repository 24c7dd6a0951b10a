/// The pieces of Reinsch's smoothing-spline system that do not depend on λ.
///
/// For knots t₀ < … < tₙ₋₁ with spacings hᵢ = tᵢ₊₁ − tᵢ (Green & Silverman 1994, §2.1):
/// Q is n × (n−2) with column r touching knots r, r+1, r+2 with coefficients
/// 1/hᵣ, −1/hᵣ − 1/hᵣ₊₁, 1/hᵣ₊₁; R is the (n−2) × (n−2) tridiagonal matrix with
/// Rᵣᵣ = (hᵣ + hᵣ₊₁)/3 and Rᵣ,ᵣ₊₁ = hᵣ₊₁/6; and M = QᵀW⁻¹Q is pentadiagonal. The smoothing
/// spline's second derivatives γ at the interior knots solve (R + λM)γ = Qᵀy, and its values are
/// g = y − λW⁻¹Qγ (Reinsch 1967).
@usableFromInline
struct _SplinePenalty: Sendable {
  let knots: [Double]
  let weights: [Double]
  /// Q's three coefficients per column r (knots r, r+1, r+2).
  let q0: [Double], q1: [Double], q2: [Double]
  /// R and M in upper band storage with bandwidth 2.
  let r: SymmetricBandMatrix
  let m: SymmetricBandMatrix

  var count: Int { knots.count }
  var interiorCount: Int { max(0, knots.count - 2) }

  /// Validates and builds; `weights` nil means all ones.
  init(knots: [Double], weights: [Double]?) throws(ApproximationError) {
    try _validateNodes(knots, minimum: 2, what: "knots")
    let n = knots.count
    var w = [Double](repeating: 1, count: n)
    if let weights {
      guard weights.count == n else {
        throw .lengthMismatch(what: "weights", expected: n, actual: weights.count)
      }
      for (i, value) in weights.enumerated() where !(value > 0 && value.isFinite) {
        throw .nonPositiveWeight(index: i, value: value)
      }
      w = weights
    }
    self.knots = knots
    self.weights = w
    let interior = max(0, n - 2)
    var q0 = [Double](repeating: 0, count: interior)
    var q1 = q0
    var q2 = q0
    var r = SymmetricBandMatrix(order: interior, bandwidth: 2)
    var m = SymmetricBandMatrix(order: interior, bandwidth: 2)
    for c in 0..<interior {
      let h0 = knots[c + 1] - knots[c]
      let h1 = knots[c + 2] - knots[c + 1]
      q0[c] = 1 / h0
      q1[c] = -1 / h0 - 1 / h1
      q2[c] = 1 / h1
      r[c, c] = (h0 + h1) / 3
      if c + 1 < interior { r[c, c + 1] = h1 / 6 }
    }
    for c in 0..<interior {
      m[c, c] = q0[c] * q0[c] / w[c] + q1[c] * q1[c] / w[c + 1] + q2[c] * q2[c] / w[c + 2]
      if c + 1 < interior {
        m[c, c + 1] = q1[c] * q0[c + 1] / w[c + 1] + q2[c] * q1[c + 1] / w[c + 2]
      }
      if c + 2 < interior { m[c, c + 2] = q2[c] * q0[c + 2] / w[c + 2] }
    }
    self.q0 = q0
    self.q1 = q1
    self.q2 = q2
    self.r = r
    self.m = m
  }

  /// R + λM, factorised.
  func factorized(lambda: Double) throws(ApproximationError) -> BandCholesky {
    var system = r
    system.storage.withUnsafeMutableBufferPointer { s in
      m.storage.withUnsafeBufferPointer { mm in
        for i in 0..<s.count { s[i] += lambda * mm[i] }
      }
    }
    do { return try BandCholesky(system) } catch { throw .linearAlgebra(error) }
  }

  /// Qᵀy for every column of y (n × c): an (n−2) × c matrix.
  func qTransposeTimes(_ y: Matrix) -> Matrix {
    let n = count
    let interior = interiorCount
    var out = Matrix(rows: interior, columns: y.columns)
    out.storage.withUnsafeMutableBufferPointer { o in
      y.storage.withUnsafeBufferPointer { v in
        for c in 0..<y.columns {
          let vb = c * n
          let ob = c * interior
          for r in 0..<interior {
            o[ob + r] = q0[r] * v[vb + r] + q1[r] * v[vb + r + 1] + q2[r] * v[vb + r + 2]
          }
        }
      }
    }
    return out
  }

  /// Given the interior second derivatives γ ((n−2) × c), returns the fitted knot values
  /// g = y − λW⁻¹Qγ and the full second derivatives (zero at both ends), both n × c.
  func knotValues(data y: Matrix, interior gamma: Matrix, lambda: Double) -> (Matrix, Matrix) {
    let n = count
    let interior = interiorCount
    var g = y
    var second = Matrix(rows: n, columns: y.columns)
    g.storage.withUnsafeMutableBufferPointer { gv in
      second.storage.withUnsafeMutableBufferPointer { sv in
        gamma.storage.withUnsafeBufferPointer { gm in
          weights.withUnsafeBufferPointer { w in
            for c in 0..<y.columns {
              let gb = c * n
              let mb = c * interior
              for r in 0..<interior { sv[gb + r + 1] = gm[mb + r] }
              // (Qγ)ᵢ = q0[i]γᵢ + q1[i−1]γᵢ₋₁ + q2[i−2]γᵢ₋₂ over the columns that exist.
              for i in 0..<n {
                var qg = 0.0
                if i < interior { qg += q0[i] * gm[mb + i] }
                if i >= 1 && i - 1 < interior { qg += q1[i - 1] * gm[mb + i - 1] }
                if i >= 2 && i - 2 < interior { qg += q2[i - 2] * gm[mb + i - 2] }
                gv[gb + i] -= lambda * qg / w[i]
              }
            }
          }
        }
      }
    }
    return (g, second)
  }
}
