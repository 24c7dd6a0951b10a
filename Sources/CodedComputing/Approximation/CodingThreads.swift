import Foundation
import Synchronization

/// The most threads the master's encode and decode may use (0: one per active processor).
private let _codingThreadLimit = Atomic<Int>(0)

/// Limits the threads CodedComputing's own encode/decode kernels use (the spline operator of
/// LeTCC shares its blocks of columns among them); BLAS products follow ``setBLASThreadCount(_:)``.
/// A one-column smoothing-spline fit on the refined LDLᵀ route and the evaluation of one spline
/// use at most two of them, from 2¹⁵ knots or points on.
///
/// By default the kernels use one thread per active processor once a call has enough work to
/// pay for the hand-off (about 2·10⁵ multiply-adds per thread); `setCodingThreadCount(1)` makes
/// every call single-threaded. The results are the same numbers whatever the count: columns are
/// independent and each is computed by exactly one thread in the same order.
///
/// ```swift
/// setCodingThreadCount(1)     // time the single-core kernel
/// ```
///
/// - Parameter count: at least 1, or 0 for one per active processor.
public func setCodingThreadCount(_ count: Int) {
  precondition(count >= 0, "coding thread count must be at least 0 (0: one per processor)")
  _codingThreadLimit.store(count, ordering: .relaxed)
}

/// The thread limit of ``setCodingThreadCount(_:)``, resolved: the processor count for 0.
public var codingThreadCount: Int {
  let limit = _codingThreadLimit.load(ordering: .relaxed)
  return limit > 0 ? limit : max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// Threads for a call touching `work` values: at most one per 2¹⁷ values, within the limit.
func _codingThreadCount(work: Int) -> Int {
  max(1, min(codingThreadCount, work >> 17))
}
