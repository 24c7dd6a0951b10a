/// The families of query directions a ``CodedGradientEstimator`` can use.
///
/// Every family is a generator matrix G (N × K) per block of K coordinates: worker n of a block
/// evaluates the central difference along zₙ = Σₖ G[n, k]·eₖ, which is ⟨∇f(x), zₙ⟩ up to
/// O(h²), i.e. row n of G·g for the block's partial derivatives g (Bartan & Pilanci 2019,
/// "Distributed black-box optimization via error correcting codes", arXiv 1907.05984).
///
/// | code | G | decodable from |
/// |---|---|---|
/// | `polar` | ``PolarCode`` applied to I_K (0/1 entries, Arıkan kernel) | a set successive cancellation can decode (depends on the set) |
/// | `mds` | ``MDSCode``: [I_K; P], P ~ N(0, 1/K) | any K workers |
/// | `uncoded` | I_K (N = K): coordinate finite differences | every worker |
/// | `replication` | worker n probes coordinate n mod K | a copy of every coordinate |
/// | `gaussian` | N(0, 1) entries (the random-search / evolution-strategy baseline, Choromanski et al. 2018) | any K workers (K ≤ N); always estimated by least squares on what arrived |
public enum DirectionCode: String, CaseIterable, Sendable {
  case polar, mds, uncoded, replication, gaussian

  /// The block size K a family uses by default on N workers per block meant to survive S
  /// stragglers: N − S for polar, MDS and Gaussian (MDS then survives any S); N for uncoded;
  /// ⌊N/(S + 1)⌋ for replication (S + 1 copies of each coordinate).
  public func defaultBlockSize(workers n: Int, stragglers s: Int) -> Int {
    switch self {
    case .polar, .mds, .gaussian: return Swift.max(1, n - s)
    case .uncoded: return n
    case .replication: return Swift.max(1, n / (s + 1))
    }
  }
}

/// Why a coded gradient cannot be estimated.
public enum GradientEstimationError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A parameter is out of range (the message names it).
  case invalidParameter(String)
  /// Too few workers returned a finite central difference for the code to decode.
  case tooFewAnswers(String)

  public var description: String {
    switch self {
    case .invalidParameter(let message): return message
    case .tooFewAnswers(let message): return message
    }
  }
}
