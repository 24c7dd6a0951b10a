internal import CKernels
import Foundation
import Synchronization

/// The smoothing spline by its state-space form: a Kalman filter forwards and a costate
/// recursion backwards, in chains that run side by side in the lanes of a vector and on two
/// threads.
///
/// **Model.** The minimiser of Σ wᵢ(yᵢ − g(tᵢ))² + λ∫g″² is the posterior mean of an integrated
/// Wiener process — g″ white noise of unit intensity, state (g, g′) — observed with noise
/// variance vᵢ = λ/wᵢ (Wahba 1978; Wecker & Ansley 1983). Between knots the state moves by
/// F = [1 h; 0 1] plus noise of covariance [h³/3 h²/2; h²/2 h].
///
/// **Forward (filter).** Started exactly at knots 0, 1 (with a flat prior on the line, the state
/// after two observations is (y₁, (y₁ − y₀)/h) with a closed-form covariance), each row k ≥ 2
/// predicts, forms S = P̃₀₀ + vₖ, the gains k = P̃[·,0]/S and the innovation e = yₖ − g̃ₖ, and
/// stores k₀, k₁ and u = e/S (24 bytes per knot). P₀₀ and P₀₁ after the update are k₀·v and
/// k₁·v: products, no cancellation.
///
/// **Backward (costate).** With λ̂ = 0 after the last knot, row k gives d = u − k₀λ̂₀ − k₁λ̂₁,
/// g″ₖ = λ̂₁, gₖ = yₖ − vₖ·d, then λ̂₀ += d, λ̂₁ += hₖ·λ̂₀ (the modified Bryson–Frazier smoother:
/// λ̂ is the adjoint of the state, its second component the posterior mean of the driving noise,
/// i.e. g″; d is the jump of g‴ at the knot, and y − g = v·d is Reinsch's y − g = λW⁻¹Qγ).
/// Knots 0 and 1 follow from λ̂ after row 2 through the same relation.
///
/// **Accuracy.** Every quantity is formed at its own scale — the covariances shrink by
/// products, g by a correction of the size of the residual — so nothing cancels by the factor
/// h² that costs Reinsch's system its ε·κ (κ ≈ 9λ/h³): the fitted values are within 10⁻¹² of a
/// Float80 solve up to κ ≈ 5·10¹⁷ and within 10⁻¹³ of 60-digit fits up to κ ≈ 7·10¹⁹ (tests in
/// `SplineStateSpaceTests`). No refinement, no acceptance test.
///
/// **Chains.** Both recursions forget where they start: a perturbation of the state decays by a
/// factor e over about √2·(κ/9)^{1/4} rows (the equivalent kernel's bandwidth). So the rows are
/// cut into P chunks; the chain of chunk j > 0 starts B rows early, with the same exact
/// two-point start as the first chain, and stores nothing over those B rows of burn-in; the
/// backward chains likewise start B rows into the next chunk from λ̂ = 0. Where a burn-in ends,
/// the chain of the neighbouring chunk has computed the same row exactly, so each join is
/// *checked*: every component of the two states must agree within 2⁻⁴⁴ of its scale (the filter
/// covariances relative to themselves, P₀₁ to √(P₀₀P₁₁), g to the chunk's largest |g|, g′ to
/// that times √(P₁₁/P₀₀), the costate to its largest values). A join that does not agree makes
/// the fit run again as one chain, which is exact by construction. With B = 30 decay lengths
/// forwards and 34 backwards (``stateSpaceForwardBurn``) the joins agree to about 10⁻¹⁵.
///
/// Up to `CC_SS_LANES` (8) chains run in lock step in one vector (the recursions are chains of
/// dependent operations, so eight of them cost about as much time as one), and from
/// ``stateSpaceParallelThreshold`` knots the chains are shared between two threads. The kernels
/// are C (`CKernels/spline_statespace.c`), compiled for AVX-512, AVX2 and the baseline with
/// contraction to FMA off, so every machine and every chain count gives the same operations per
/// row; the chunking moves results only by the join tolerance.
///
/// - Complexity: O(n·c) time, 24n bytes of scratch; two streaming passes per column.
extension _SplinePenalty {
  /// From this many knots on, `SplineSmoother` fits by this route (below it, the routes of
  /// `_SplinePenalty+QR.swift` and `+LDL.swift` and LAPACK's, whose bits the small problems of
  /// the coded-computing studies keep).
  static let stateSpaceMinimumCount = 1 << 14
  /// From this many knots on, the chains run on two threads (within ``codingThreadCount``).
  static let stateSpaceParallelThreshold = 1 << 15
  /// Burn-in lengths in decay lengths, forward and backward. Measured at n = 10⁶ (sin 2πt plus
  /// noise; λ = 10⁻⁹, 10⁻⁶, 10⁻³; even and uneven knots; eight chains): after 28 decay lengths
  /// the filter's joins agree within 2.7·10⁻¹⁵ and after 30 within 3·10⁻¹⁶; the costate's within
  /// 1.2·10⁻¹³ after 30 (above the tolerance) and 1.3·10⁻¹⁵ after 34. A join beyond the
  /// tolerance costs a rerun as one chain (``stateSpaceReruns``), never accuracy.
  static let stateSpaceForwardBurn = 30.0
  static let stateSpaceBackwardBurn = 34.0
  /// Fits rerun as one chain because a join disagreed (for tests and diagnostics).
  static var stateSpaceReruns: Int { _stateSpaceReruns.load(ordering: .relaxed) }
  /// A join's states must agree within this fraction of their scale.
  static let stateSpaceJoinTolerance = 0x1p-44

  /// Rows over which the recursions forget their start by a factor e: √2·(λ/(w·h³))^{1/4} for
  /// the typical spacing and the smallest weight (``conditionEstimate(lambda:)``).
  func stateSpaceDecayRows(lambda: Double) -> Double {
    let kappa = max(0, conditionEstimate(lambda: lambda) - 1)
    return 2.0.squareRoot() * pow(kappa / 9, 0.25) + 1
  }

  /// The chunking for `n` knots: `chains` chunks; each forward chain runs `forwardSteps` rows
  /// of which the first `forwardBurn` (except the first chain's) are burn-in, and likewise
  /// backwards. The chain count with the fewest steps (forward plus backward), every chunk
  /// keeping real rows; one chain (no burn-in) when the rows are too few to share.
  static func stateSpacePlan(
    knots n: Int, forwardBurn: Int, backwardBurn: Int, maximumChains: Int
  ) -> _StateSpacePlan {
    let rows = n - 2
    var best = _StateSpacePlan(
      chains: 1, forwardSteps: rows, forwardBurn: 0, backwardSteps: rows, backwardBurn: 0)
    func steps(_ p: Int, _ burn: Int) -> Int? {
      let steps = (rows + (p - 1) * burn + p - 1) / p
      // Every chunk after the first needs real rows, and the last one at least one.
      let lastRows = rows - steps - (p - 2) * (steps - burn)
      return steps - burn >= 1 && lastRows >= 1 ? steps : nil
    }
    var p = 2
    while p <= maximumChains {
      if let f = steps(p, forwardBurn), let b = steps(p, backwardBurn),
        f + b < best.forwardSteps + best.backwardSteps
      {
        best = _StateSpacePlan(
          chains: p, forwardSteps: f, forwardBurn: forwardBurn, backwardSteps: b,
          backwardBurn: backwardBurn)
      }
      p *= 2
    }
    return best
  }

  /// The fits of every column of `y` by the state-space route; λ > 0, n ≥ 4.
  /// Nil when a value is not finite (λ or the spacings beyond what the filter can represent):
  /// the caller then takes another route.
  /// `chains`, `threads` and `burnFactor` (tests) override the chain limit, the thread count
  /// and both burn-in lengths (``stateSpaceForwardBurn``, ``stateSpaceBackwardBurn``).
  func fitByStateSpace(
    data y: Matrix, lambda: Double, chains: Int? = nil, threads: Int? = nil,
    burnFactor: Double? = nil
  ) -> (values: Matrix, second: Matrix)? {
    let n = count
    guard n >= 4, lambda > 0, lambda.isFinite, y.rows == n else { return nil }
    let columns = y.columns
    let threadCount = min(
      2, max(1, threads ?? (n >= Self.stateSpaceParallelThreshold ? codingThreadCount : 1)))
    let decay = stateSpaceDecayRows(lambda: lambda)
    func burn(_ factor: Double) -> Int {
      let rows = decay * (burnFactor ?? factor)
      return rows < Double(n) ? Int(rows) + 1 : n
    }
    let plan = Self.stateSpacePlan(
      knots: n, forwardBurn: burn(Self.stateSpaceForwardBurn),
      backwardBurn: burn(Self.stateSpaceBackwardBurn),
      maximumChains: chains ?? Int(CC_SS_LANES) * threadCount)
    func uninitialised(_ count: Int) -> [Double] {
      [Double](unsafeUninitializedCapacity: count) { _, initialised in initialised = count }
    }
    var values = uninitialised(n * columns)
    var second = uninitialised(n * columns)
    let scratch = _ScratchMemory.obtain(bytes: 24 * n)
    defer { _ScratchMemory.recycle(scratch) }
    let records = scratch.base.bindMemory(to: Double.self, capacity: 3 * n)
    let ok = knots.withUnsafeBufferPointer { t in
      // Unit weights: no array at all (the kernels take v = λ), so the ones are never built.
      (unitWeights ? [] : givenWeights ?? []).withUnsafeBufferPointer { w in
        y.storage.withUnsafeBufferPointer { yv in
          values.withUnsafeMutableBufferPointer { gv in
            second.withUnsafeMutableBufferPointer { sv in
              for c in 0..<columns {
                var problem = cc_ss_problem(
                  n: n, t: t.baseAddress!, w: unitWeights ? nil : w.baseAddress!, lambda: lambda,
                  y: yv.baseAddress! + c * n, records: records, values: gv.baseAddress! + c * n,
                  second: sv.baseAddress! + c * n)
                var done = _stateSpaceRun(&problem, plan: plan, threads: threadCount)
                if done == nil && plan.chains > 1 {
                  _stateSpaceReruns.add(1, ordering: .relaxed)
                  // A join that did not agree: one chain, exact by construction.
                  done = _stateSpaceRun(
                    &problem,
                    plan: _StateSpacePlan(
                      chains: 1, forwardSteps: n - 2, forwardBurn: 0, backwardSteps: n - 2,
                      backwardBurn: 0), threads: 1)
                }
                if done != true { return false }
              }
              return true
            }
          }
        }
      }
    }
    guard ok else { return nil }
    return (
      Matrix(rows: n, columns: columns, columnMajor: values),
      Matrix(rows: n, columns: columns, columnMajor: second)
    )
  }
}

private let _stateSpaceReruns = Atomic<Int>(0)

/// The chunking of one fit (``_SplinePenalty/stateSpacePlan(knots:forwardBurn:backwardBurn:
/// maximumChains:)``).
struct _StateSpacePlan {
  let chains: Int
  let forwardSteps: Int
  let forwardBurn: Int
  let backwardSteps: Int
  let backwardBurn: Int
}

/// The chains' inputs and results of one pass.
private struct _StateSpaceLanes {
  var rows: [Int]
  var storeFrom: [Int]
  var join: [cc_ss_state]
  var last: [cc_ss_state]
  var scale: [cc_ss_state]

  init(chains: Int) {
    rows = [Int](repeating: 0, count: chains)
    storeFrom = rows
    let zero = cc_ss_state(a: 0, b: 0, c: 0, d: 0, e: 0)
    join = [cc_ss_state](repeating: zero, count: chains)
    last = join
    scale = join
  }

  /// The signature shared by `cc_ss_forward` and `cc_ss_backward`.
  typealias Kernel =
    @convention(c) (
      UnsafePointer<cc_ss_problem>?, Int32, UnsafePointer<Int>?, Int, UnsafePointer<Int>?,
      UnsafeMutablePointer<cc_ss_state>?, UnsafeMutablePointer<cc_ss_state>?,
      UnsafeMutablePointer<cc_ss_state>?
    ) -> Void

  /// Runs `kernel` for every chain, `steps` steps each: groups of up to `CC_SS_LANES` chains,
  /// the groups shared between `threads` threads.
  mutating func run(
    _ problem: inout cc_ss_problem, kernel: Kernel, steps: Int, threads: Int
  ) {
    let chains = rows.count
    let lanes = Int(CC_SS_LANES)
    withUnsafeMutablePointer(to: &problem) { problem in
      rows.withUnsafeBufferPointer { rows in
        storeFrom.withUnsafeBufferPointer { from in
          join.withUnsafeMutableBufferPointer { join in
            last.withUnsafeMutableBufferPointer { last in
              scale.withUnsafeMutableBufferPointer { scale in
                let shared = _SendablePointer(
                  (
                    UnsafePointer(problem), rows.baseAddress!, from.baseAddress!,
                    join.baseAddress!, last.baseAddress!, scale.baseAddress!
                  ))
                _eachThread(chains: chains, threads: threads) { first, count in
                  let (problem, rows, from, join, last, scale) = shared.pointer
                  var offset = 0
                  while offset < count {
                    let group = min(lanes, count - offset)
                    let i = first + offset
                    kernel(
                      problem, Int32(group), rows + i, steps, from + i, join + i, last + i,
                      scale + i)
                    offset += group
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

/// Runs `body(first, count)` for the chains of each thread: `threads` contiguous groups.
private func _eachThread(
  chains: Int, threads: Int, _ body: @escaping @Sendable (Int, Int) -> Void
) {
  let groups = min(threads, chains)
  if groups == 1 {
    body(0, chains)
    return
  }
  DispatchQueue.concurrentPerform(iterations: groups) { g in
    let first = g * chains / groups
    let end = (g + 1) * chains / groups
    body(first, end - first)
  }
}

/// Both passes of one column with `plan`. True when done, nil when a join disagreed, false when
/// a value is not finite.
private func _stateSpaceRun(
  _ problem: inout cc_ss_problem, plan: _StateSpacePlan, threads: Int
) -> Bool? {
  let p = plan.chains
  let n = problem.n
  // Forward chunks: the first starts at row 2 without burn-in and has s rows; the middle ones
  // s − b rows after b of burn-in; the last one the rest, with a longer burn-in.
  var forward = _StateSpaceLanes(chains: p)
  var chunkStart = 2
  var s = plan.forwardSteps
  var b = plan.forwardBurn
  for j in 0..<p {
    let burn = j == 0 ? 0 : (j == p - 1 ? s - (n - chunkStart) : b)
    forward.rows[j] = chunkStart - burn
    forward.storeFrom[j] = burn
    chunkStart += s - burn
  }
  // Backward chunks, mirrored: the last has s rows from the top without burn-in.
  var backward = _StateSpaceLanes(chains: p)
  var chunkEnd = n  // one past the chunk's highest row
  s = plan.backwardSteps
  b = plan.backwardBurn
  for j in stride(from: p - 1, through: 0, by: -1) {
    let burn = j == p - 1 ? 0 : (j == 0 ? s - (chunkEnd - 2) : b)
    backward.rows[j] = chunkEnd + burn - 1
    backward.storeFrom[j] = burn
    chunkEnd -= s - burn
  }
  forward.run(&problem, kernel: cc_ss_forward, steps: plan.forwardSteps, threads: threads)
  let tolerance = _SplinePenalty.stateSpaceJoinTolerance
  @inline(__always) func close(_ a: Double, _ b: Double, _ scale: Double) -> Bool {
    abs(a - b) <= tolerance * scale
  }
  for j in 1..<max(1, p) {
    let a = forward.last[j - 1]
    let z = forward.join[j]
    let valueScale = forward.scale[j - 1].a + forward.scale[j].a
    let agree =
      close(a.c, z.c, abs(a.c) + abs(z.c)) && close(a.e, z.e, abs(a.e) + abs(z.e))
      && close(a.d, z.d, 2 * (a.c * a.e).squareRoot())
      && close(a.a, z.a, valueScale)
      && close(a.b, z.b, valueScale * (a.e / a.c).squareRoot())
    if !agree { return nil }
  }
  backward.run(&problem, kernel: cc_ss_backward, steps: plan.backwardSteps, threads: threads)
  for j in 0..<p where !backward.scale[j].d.isFinite { return false }
  for j in 0..<(p - 1) {
    let a = backward.last[j + 1]
    let z = backward.join[j]
    let scaleA = backward.scale[j].a + backward.scale[j + 1].a
    let scaleB = backward.scale[j].b + backward.scale[j + 1].b
    if !(close(a.a, z.a, scaleA) && close(a.b, z.b, scaleB)) { return nil }
  }
  // Knots 0 and 1 from λ̂ after row 2: g″₁ = λ̂₁, g‴ is −λ̂₀ right of knot 1 and g″₁/h₀ right
  // of knot 0 (g″₀ = 0, g‴ = 0 left of it), and y − g = v·(jump of g‴).
  let l0 = backward.last[0].a
  let l1 = backward.last[0].b
  let t = problem.t!
  let h0 = t[1] - t[0]
  let v0 = problem.w.map { problem.lambda / $0[0] } ?? problem.lambda
  let v1 = problem.w.map { problem.lambda / $0[1] } ?? problem.lambda
  let y = problem.y!
  let values = problem.values!
  problem.second[0] = 0
  problem.second[1] = l1
  values[0] = y[0] - v0 * (l1 / h0)
  values[1] = y[1] - v1 * (-l0 - l1 / h0)
  return values[0].isFinite && values[1].isFinite && l1.isFinite
}
