internal import CKernels
import Foundation

/// Where a set of evaluation points falls among the knots of a natural cubic spline.
///
/// A natural cubic spline with knots t₀ < … < tₙ₋₁ is fixed by its values gᵢ and second
/// derivatives γᵢ at the knots (γ₀ = γₙ₋₁ = 0). On [tᵢ, tᵢ₊₁], with h = tᵢ₊₁ − tᵢ,
/// A = (tᵢ₊₁ − z)/h and B = 1 − A,
///
///     g(z) = A·gᵢ + B·gᵢ₊₁ + ((A³ − A)·γᵢ + (B³ − B)·γᵢ₊₁)·h²/6,
///
/// and beyond the end knots the spline continues as the straight line with the end slope.
/// The plan stores, for each point, its interval and the four weights on (gᵢ, gᵢ₊₁, γᵢ, γᵢ₊₁),
/// so evaluating many columns at the same points is four multiply-adds per point and column.
///
/// - Complexity: building O(p·log n) for p points; applying O(p) per column.
public struct SplineEvaluationPlan: Sendable {
  /// The evaluation points.
  public let points: [Double]
  /// The number of knots the plan was built for.
  public let knotCount: Int
  @usableFromInline let _interval: [Int]
  @usableFromInline let _weights: [Double]  // 4 per point: gᵢ, gᵢ₊₁, γᵢ, γᵢ₊₁

  /// Locates `points` among `knots` (strictly increasing, at least two).
  /// - Complexity: O(p) when the points are sorted (each is found by galloping from the
  ///   previous one), O(p·log n) otherwise.
  public init(knots: [Double], points: [Double]) {
    precondition(knots.count >= 2, "A spline evaluation plan needs at least two knots")
    self.points = points
    knotCount = knots.count
    let p = points.count
    var interval = [Int](repeating: 0, count: p)
    var weights = [Double](repeating: 0, count: 4 * p)
    knots.withUnsafeBufferPointer { t in
      points.withUnsafeBufferPointer { z in
        interval.withUnsafeMutableBufferPointer { iv in
          weights.withUnsafeMutableBufferPointer { w in
            var hint = 0
            for q in 0..<p {
              hint = _locate(t, z[q], hint: hint)
              iv[q] = hint
              _fillEvaluationWeights(t, hint, z[q], w.baseAddress! + 4 * q)
            }
          }
        }
      }
    }
    _interval = interval
    _weights = weights
  }

  /// Evaluates the spline with knot values `values` and second derivatives `second` (both n × c,
  /// column-major) at every point, for every column: a p × c matrix.
  @inlinable
  public func apply(values: Matrix, secondDerivatives second: Matrix) -> Matrix {
    precondition(values.rows == knotCount && second.rows == knotCount, "Knot count mismatch")
    precondition(values.columns == second.columns, "Column count mismatch")
    let n = knotCount
    let p = points.count
    var out = Matrix(rows: p, columns: values.columns)
    out.storage.withUnsafeMutableBufferPointer { o in
      values.storage.withUnsafeBufferPointer { g in
        second.storage.withUnsafeBufferPointer { s in
          _interval.withUnsafeBufferPointer { iv in
            _weights.withUnsafeBufferPointer { w in
              for c in 0..<values.columns {
                let base = c * n
                let outBase = c * p
                for q in 0..<p {
                  let i = base + iv[q]
                  let wq = 4 * q
                  o[outBase + q] =
                    w[wq] * g[i] + w[wq + 1] * g[i + 1] + w[wq + 2] * s[i] + w[wq + 3] * s[i + 1]
                }
              }
            }
          }
        }
      }
    }
    return out
  }
}

/// The index i of the knot interval [tᵢ, tᵢ₊₁] used for z: clamped to the first and last
/// interval outside the knots.
@usableFromInline
func _intervalIndex(_ knots: [Double], _ z: Double) -> Int {
  let last = knots.count - 2
  if z <= knots[0] { return 0 }
  if z >= knots[last + 1] { return last }
  var lo = 0
  var hi = last + 1  // knots[lo] ≤ z < knots[hi]
  while hi - lo > 1 {
    let mid = (lo + hi) / 2
    if knots[mid] <= z { lo = mid } else { hi = mid }
  }
  return lo
}

/// The interval index of `z` (as ``_intervalIndex(_:_:)``). When `z` lies at or beyond knot
/// `hint` (sorted points), the search runs forward from there: the knots passed are counted among
/// the next four without branches (four independent loads, so consecutive points do not wait on
/// one another), and galloping takes over beyond them; sorted points cost O(1) each on average.
/// Otherwise, binary search.
@inline(__always)
func _locate(_ t: UnsafeBufferPointer<Double>, _ z: Double, hint: Int) -> Int {
  let last = t.count - 2
  if hint >= 0 && hint <= last && t[hint] <= z && z < t[last + 1] {
    // t[i + 1] exists while z < t[last + 1] (i ≤ last).
    var i = hint
    if i &+ 4 <= last &+ 1 {
      var passed = t[i &+ 1] <= z ? 1 : 0
      passed &+= t[i &+ 2] <= z ? 1 : 0
      passed &+= t[i &+ 3] <= z ? 1 : 0
      passed &+= t[i &+ 4] <= z ? 1 : 0
      i &+= passed
    }
    if z < t[i + 1] { return i }
    return _gallop(t, z, from: i, last: last)
  }
  if z <= t[0] { return 0 }
  if z >= t[last + 1] { return last }
  var lo = 0
  var hi = last + 1  // t[lo] ≤ z < t[hi]
  while hi - lo > 1 {
    let mid = (lo + hi) / 2
    if t[mid] <= z { lo = mid } else { hi = mid }
  }
  return lo
}

/// The interval of z (t[from] ≤ z < t[last + 1]) by galloping forward from `from`.
func _gallop(_ t: UnsafeBufferPointer<Double>, _ z: Double, from: Int, last: Int) -> Int {
  var lo = from
  var step = 1
  var probe = from + 1
  while probe <= last && t[probe] <= z {
    lo = probe
    probe = lo + step
    step &*= 2
  }
  var hi = min(probe, last + 1)
  while hi - lo > 1 {
    let mid = (lo + hi) / 2
    if t[mid] <= z { lo = mid } else { hi = mid }
  }
  return lo
}

/// Writes the four weights on (gᵢ, gᵢ₊₁, γᵢ, γᵢ₊₁) of point z in interval i to `w`.
@inline(__always)
func _fillEvaluationWeights(
  _ knots: UnsafeBufferPointer<Double>, _ i: Int, _ z: Double, _ w: UnsafeMutablePointer<Double>
) {
  (w[0], w[1], w[2], w[3]) = _evaluationWeights(knots, i, z)
}

/// The four weights on (gᵢ, gᵢ₊₁, γᵢ, γᵢ₊₁) of point z in interval i.
@inline(__always)
func _evaluationWeights(_ knots: UnsafeBufferPointer<Double>, _ i: Int, _ z: Double)
  -> (Double, Double, Double, Double)
{
  let last = knots.count - 1
  let h = knots[i + 1] - knots[i]
  if z < knots[0] {
    // g(t₀) + (z − t₀)·g′(t₀), g′(t₀) = (g₁ − g₀)/h − h·γ₁/6
    let d = z - knots[0]
    return (1 - d / h, d / h, 0, -d * h / 6)
  } else if z > knots[last] {
    // g(tₙ₋₁) + (z − tₙ₋₁)·g′(tₙ₋₁), g′(tₙ₋₁) = (gₙ₋₁ − gₙ₋₂)/h + h·γₙ₋₂/6
    let d = z - knots[last]
    return (-d / h, 1 + d / h, d * h / 6, 0)
  } else {
    let a = (knots[i + 1] - z) / h
    let b = 1 - a
    // h²/6 once (a multiplication by the rounded 1/6 instead of two divisions by 6).
    let curvature = h * h * (1.0 / 6)
    return (a, b, (a * a * a - a) * curvature, (b * b * b - b) * curvature)
  }
}

/// The natural cubic splines with knot values `values` and second derivatives `second` (n × c)
/// evaluated at `points`: p × c. The same arithmetic as ``SplineEvaluationPlan``, but done in
/// blocks of points whose weights live on the stack, so a one-off evaluation allocates only its
/// result and reads each input once.
/// - Complexity: O(p·c) for sorted points, plus O(p·log n) otherwise.
func _evaluateSplines(
  knots: [Double], points: [Double], values: Matrix, secondDerivatives second: Matrix
) -> Matrix {
  let n = knots.count
  let p = points.count
  let columns = values.columns
  precondition(n >= 2 && values.rows == n && second.rows == n, "Knot count mismatch")
  if columns == 1 {
    return Matrix(
      rows: p, columns: 1,
      columnMajor: _evaluateSpline(knots: knots, points: points, values: values, second: second))
  }
  let block = 256
  let out = [Double](unsafeUninitializedCapacity: p * columns) { o, initialised in
    withUnsafeTemporaryAllocation(of: Int.self, capacity: block) { iv in
      withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * block) { w in
        knots.withUnsafeBufferPointer { t in
          points.withUnsafeBufferPointer { z in
            values.storage.withUnsafeBufferPointer { g in
              second.storage.withUnsafeBufferPointer { s in
                var hint = 0
                var start = 0
                while start < p {
                  let end = min(p, start + block)
                  for q in start..<end {
                    hint = _locate(t, z[q], hint: hint)
                    iv[q - start] = hint
                    _fillEvaluationWeights(t, hint, z[q], w.baseAddress! + 4 * (q - start))
                  }
                  for c in 0..<columns {
                    let base = c * n
                    let outBase = c * p
                    for q in start..<end {
                      let i = base + iv[q - start]
                      let wq = 4 * (q - start)
                      o[outBase + q] =
                        w[wq] * g[i] + w[wq + 1] * g[i + 1] + w[wq + 2] * s[i] + w[wq + 3]
                        * s[i + 1]
                      if !o[outBase + q].isFinite && (z[q] < t[0] || z[q] > t[n - 1]) {
                        // Far beyond the knots the weights ±(z − t)/h meet their own
                        // cancellation (∞ − ∞): the end value plus distance times end slope.
                        o[outBase + q] = _extrapolate(
                          t, g.baseAddress! + base, s.baseAddress! + base, z[q])
                      }
                    }
                  }
                  start = end
                }
              }
            }
          }
        }
      }
    }
    initialised = p * columns
  }
  return Matrix(rows: p, columns: columns, columnMajor: out)
}

/// ``_evaluateSplines(knots:points:values:secondDerivatives:)`` for one column, in one pass
/// (the same arithmetic, in C: `cc_spline_evaluate`), each point's interval found from the
/// previous one's. From 2¹⁵ points on the points are shared between two threads (within
/// ``setCodingThreadCount(_:)``), each half searched from the first knot on: a point's interval
/// does not depend on where the search starts, so the values are the same bits.
/// `threads` (tests) overrides that choice.
func _evaluateSpline(
  knots: [Double], points: [Double], values: Matrix, second: Matrix, threads: Int? = nil
) -> [Double] {
  let p = points.count
  let parts = max(1, min(2, p, threads ?? (p >= 1 << 15 ? codingThreadCount : 1)))
  return [Double](unsafeUninitializedCapacity: p) { o, initialised in
    knots.withUnsafeBufferPointer { t in
      points.withUnsafeBufferPointer { z in
        values.storage.withUnsafeBufferPointer { g in
          second.storage.withUnsafeBufferPointer { s in
            if parts == 1 {
              _evaluateSpline(t, z, g.baseAddress!, s.baseAddress!, o.baseAddress!, 0..<p)
              return
            }
            // Four pieces per thread, so that a busy core's share is taken over by the other.
            let shared = _SendableValue((t, z, g.baseAddress!, s.baseAddress!, o.baseAddress!))
            let pieces = 4 * parts
            DispatchQueue.concurrentPerform(iterations: pieces) { part in
              let (t, z, g, s, o) = shared.value
              _evaluateSpline(t, z, g, s, o, (p * part / pieces)..<(p * (part + 1) / pieces))
            }
          }
        }
      }
    }
    initialised = p
  }
}

/// The values of one spline (knot values `g`, second derivatives `s`) at the points `range` of
/// `z`, into the same positions of `o`: `cc_spline_evaluate` (CKernels/spline_evaluate.c), the
/// loop of ``_locate``, ``_evaluationWeights`` and ``_extrapolate`` in C, operation for operation,
/// with an AVX-512 path that takes eight sorted points per step (the same bits; tested against the
/// Swift arithmetic of ``_evaluateSplines(knots:points:values:secondDerivatives:)``).
@inline(__always)
func _evaluateSpline(
  _ t: UnsafeBufferPointer<Double>, _ z: UnsafeBufferPointer<Double>, _ g: UnsafePointer<Double>,
  _ s: UnsafePointer<Double>, _ o: UnsafeMutablePointer<Double>, _ range: Range<Int>
) {
  guard !range.isEmpty, let knots = t.baseAddress, let points = z.baseAddress else { return }
  cc_spline_evaluate(
    knots, t.count, g, s, points + range.lowerBound, range.count, o + range.lowerBound)
}

/// The natural spline's straight continuation at z beyond the knots, as g_end + (z − t_end)·slope
/// (finite whenever the true value is, unlike the weight form when |z − t_end|/h overflows).
func _extrapolate(
  _ t: UnsafeBufferPointer<Double>, _ g: UnsafePointer<Double>, _ s: UnsafePointer<Double>,
  _ z: Double
) -> Double {
  let left = z < t[0]
  let end = left ? 0 : t.count - 1
  let slope = _endSlope(
    count: t.count, left: left, knot: { t[$0] }, value: { g[$0] }, second: { s[$0] })
  guard slope != 0 else { return g[end] }
  return g[end] + (z - t[end]) * slope
}

/// The slope of a natural cubic spline at its first (`left`) or last knot, from the knot values
/// g and second derivatives γ: (g₁ − g₀)/h − h·γ₁/6, or (gₙ₋₁ − gₙ₋₂)/h + h·γₙ₋₂/6.
func _endSlope(
  count n: Int, left: Bool, knot t: (Int) -> Double, value g: (Int) -> Double,
  second s: (Int) -> Double
) -> Double {
  let i = left ? 0 : n - 2
  let h = t(i + 1) - t(i)
  return left ? (g(1) - g(0)) / h - h * s(1) / 6 : (g(n - 1) - g(n - 2)) / h + h * s(n - 2) / 6
}
