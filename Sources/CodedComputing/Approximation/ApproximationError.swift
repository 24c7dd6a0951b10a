internal import CKernels

/// A problem with the data handed to a spline or interpolant: something a user or the numbers can
/// cause, reported with the offending index and value rather than producing a wrong fit.
public enum ApproximationError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Fewer points than the method needs.
  case tooFewPoints(count: Int, minimum: Int)
  /// Nodes must be strictly increasing; `index` is the first node not above its predecessor.
  case nodesNotIncreasing(index: Int, previous: Double, value: Double)
  /// A NaN or infinity in the named input at `index` (flat index for matrices).
  case nonFinite(what: String, index: Int)
  /// λ must be finite and ≥ 0.
  case invalidLambda(Double)
  /// Weights must be finite and > 0.
  case nonPositiveWeight(index: Int, value: Double)
  /// Two inputs that must have the same length do not.
  case lengthMismatch(what: String, expected: Int, actual: Int)
  /// A linear-algebra routine failed.
  case linearAlgebra(LAPACKError)
  /// Numbers beyond what a Double can represent (the message says which and what to change).
  case outOfRange(String)

  public var description: String {
    switch self {
    case .tooFewPoints(let count, let minimum):
      return "need at least \(minimum) points, got \(count)"
    case .nodesNotIncreasing(let index, let previous, let value):
      let kind = value == previous ? "repeated" : "not increasing"
      return
        "nodes must be strictly increasing: node \(index) (\(value)) is \(kind) after \(previous)"
    case .nonFinite(let what, let index):
      return "\(what) contains a non-finite value (NaN or infinity) at index \(index)"
    case .invalidLambda(let value):
      return "lambda must be a finite number >= 0, got \(value)"
    case .nonPositiveWeight(let index, let value):
      return "weights must be finite and > 0: weight \(index) is \(value)"
    case .lengthMismatch(let what, let expected, let actual):
      return "\(what): expected \(expected) values, got \(actual)"
    case .linearAlgebra(let error):
      return error.description
    case .outOfRange(let message):
      return message
    }
  }
}

/// Checks that `nodes` are finite and strictly increasing and that there are at least `minimum`.
@usableFromInline
func _validateNodes(_ nodes: [Double], minimum: Int, what: String = "nodes")
  throws(ApproximationError)
{
  guard nodes.count >= minimum else { throw .tooFewPoints(count: nodes.count, minimum: minimum) }
  // Fast check: finite ends and every step increasing (a NaN fails the comparison) imply every
  // node is finite; only a failure needs the loops below, which name the first bad node. The
  // steps are compared in C (vectorised).
  let valid = nodes.withUnsafeBufferPointer { p -> Bool in
    guard let first = p.first, let last = p.last, first.isFinite, last.isFinite else {
      return p.isEmpty
    }
    return cc_strictly_increasing(p.baseAddress, p.count) != 0
  }
  if valid { return }
  for (i, t) in nodes.enumerated() where !t.isFinite { throw .nonFinite(what: what, index: i) }
  for i in nodes.indices.dropFirst() where !(nodes[i] > nodes[i - 1]) {
    throw .nodesNotIncreasing(index: i, previous: nodes[i - 1], value: nodes[i])
  }
}

/// Checks that every value is finite.
@usableFromInline
func _validateFinite(_ values: [Double], what: String) throws(ApproximationError) {
  // The same one-pass check as the data's (the scale it also finds costs nothing more).
  _ = try _validatedDataExponent(values, what: what)
}
