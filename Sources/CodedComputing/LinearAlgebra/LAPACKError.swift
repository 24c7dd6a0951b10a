/// A failure reported by a LAPACK routine through its `info` argument, or a size mismatch caught
/// before the call.
///
/// LAPACK reports `info < 0` when argument `-info` was illegal (a bug on our side, reported
/// rather than hidden) and `info > 0` for a numerical failure whose meaning depends on the
/// routine: the leading minor of that order is not positive definite (`dpbtrf`), or the factor
/// U(i, i) is exactly zero (`dgesv`).
public enum LAPACKError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Argument number `argument` of `routine` had an illegal value.
  case illegalArgument(routine: String, argument: Int)
  /// `routine` failed numerically at (1-based) index `index`.
  case numericalFailure(routine: String, index: Int, reason: String)
  /// The operands' sizes do not fit together; caught before the C call.
  case dimensionMismatch(routine: String, detail: String)

  public var description: String {
    switch self {
    case .illegalArgument(let routine, let argument):
      return "\(routine): argument \(argument) had an illegal value"
    case .numericalFailure(let routine, let index, let reason):
      return "\(routine) failed at index \(index): \(reason)"
    case .dimensionMismatch(let routine, let detail):
      return "\(routine): dimension mismatch: \(detail)"
    }
  }

  /// Turns a LAPACK `info` into a thrown error; `reason` explains a positive `info`.
  @usableFromInline
  static func check(_ info: Int32, routine: String, reason: String) throws(LAPACKError) {
    if info < 0 { throw .illegalArgument(routine: routine, argument: Int(-info)) }
    if info > 0 { throw .numericalFailure(routine: routine, index: Int(info), reason: reason) }
  }
}
