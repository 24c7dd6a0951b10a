import Foundation

/// Interpolation nodes on Ω = [−1, 1], always in ascending order.
///
/// The families are those of Guides/Conventions.md ("Nodes"):
/// - equispaced: tₖ = −1 + 2k/(K−1), k = 0…K−1 (both ends included);
/// - Chebyshev 1st kind: tₖ = −cos((2k+1)π/(2K)) (strictly inside Ω);
/// - Chebyshev 2nd kind: tₙ = −cos(nπ/(N−1)) (both ends included);
/// - midpoints: tₖ = −1 + (2k+1)/K, the centres of K equal cells (strictly inside Ω).
///
/// ```swift
/// let alpha = NodeFamily.chebyshevFirstKind.nodes(count: 10)
/// ```
public enum NodeFamily: String, CaseIterable, Sendable {
  case equispaced
  case chebyshevFirstKind = "chebyshev1"
  case chebyshevSecondKind = "chebyshev2"
  case midpoints

  /// The smallest count the family is defined for.
  public var minimumCount: Int {
    switch self {
    case .equispaced, .chebyshevSecondKind: return 2
    case .chebyshevFirstKind, .midpoints: return 1
    }
  }

  /// `count` nodes of this family, ascending.
  /// - Complexity: O(count).
  public func nodes(count: Int) -> [Double] {
    precondition(
      count >= minimumCount, "\(rawValue) nodes need count >= \(minimumCount), got \(count)")
    let k = Double(count)
    return (0..<count).map { i in
      let x = Double(i)
      switch self {
      case .equispaced:
        return i == count - 1 ? 1 : -1 + 2 * x / (k - 1)
      case .chebyshevFirstKind:
        return -cos((2 * x + 1) * Double.pi / (2 * k))
      case .chebyshevSecondKind:
        return i == 0 ? -1 : (i == count - 1 ? 1 : -cos(x * Double.pi / (k - 1)))
      case .midpoints:
        return -1 + (2 * x + 1) / k
      }
    }
  }
}

/// Where a coded computation puts its data points α (one per input) and its worker points β
/// (one per worker), as chosen by the CLI's `--nodes`.
///
/// - `equispaced`: α and β both equispaced (ends included);
/// - `chebyshev`: α at Chebyshev 1st-kind nodes (inside Ω), β at Chebyshev 2nd-kind nodes;
/// - `midpoints`: α at cell midpoints (inside Ω), β equispaced.
public enum NodeLayout: String, CaseIterable, Sendable {
  case equispaced
  case chebyshev
  case midpoints

  /// The family of the data points α.
  public var alphaFamily: NodeFamily {
    switch self {
    case .equispaced: return .equispaced
    case .chebyshev: return .chebyshevFirstKind
    case .midpoints: return .midpoints
    }
  }

  /// The family of the worker points β.
  public var betaFamily: NodeFamily {
    switch self {
    case .equispaced, .midpoints: return .equispaced
    case .chebyshev: return .chebyshevSecondKind
    }
  }

  /// The K data points α.
  public func alpha(_ count: Int) -> [Double] { alphaFamily.nodes(count: count) }
  /// The N worker points β.
  public func beta(_ count: Int) -> [Double] { betaFamily.nodes(count: count) }
}
