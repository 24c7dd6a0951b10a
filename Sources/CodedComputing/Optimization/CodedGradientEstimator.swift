/// Straggler-resilient finite-difference gradients of a black-box f: ℝᵈ → ℝ (Bartan & Pilanci
/// 2019, "Distributed black-box optimization via error correcting codes", Allerton; arXiv
/// 1907.05984).
///
/// The d coordinates are cut into B = ⌈d/K⌉ blocks of K (the last one padded with coordinates
/// that do not exist). Block b is served by N workers; worker n of block b evaluates the central
/// difference
///
///     yₙ = (f(x + h·zₙ) − f(x − h·zₙ)) / 2h = ⟨∇f(x), zₙ⟩ + O(h²·‖zₙ‖³·f‴),
///
/// along the coded direction zₙ = Σₖ G[n, k]·e_{bK+k} (``DirectionCode``). Since yₙ is row n of
/// G·g_b for the block's partial derivatives g_b, the code's decoder recovers g_b from any set of
/// arrivals it can decode — exactly, up to rounding, when f is quadratic (central differences
/// are exact for quadratics). When the arrived set cannot decode (a Gaussian code with fewer than
/// K answers, an uncoded worker lost), the block is estimated by minimum-norm least squares on
/// what arrived, g_b ≈ G_T⁺·y_T: coordinates no answer touched come back as zero.
///
/// One round
/// (``estimate(_:at:pool:injectedDelays:absentWorkers:quorum:deadline:requireDecoded:)``)
/// sends the N·B directions to a pool; worker w's task is its direction, its workload
/// ``CentralDifference`` evaluates f twice. The round stops at the first arrived set from which
/// every block decodes, or once `quorum` answers arrived, or at the deadline.
///
/// ```swift
/// let estimator = try CodedGradientEstimator(code: .mds, dimension: 64, workers: 16, blockSize: 14,
///                                            step: 1e-4)
/// let estimate = try await estimator.estimate(f, at: x, pool: InProcessWorkerPool())
/// print(estimate.gradient, estimate.isDecoded, estimate.evaluations)
/// ```
/// - Complexity: a round costs 2 evaluations of f per worker that ran (at most 2·N·B); the decode
///   O(N log N) per block for polar, O(r³ + r·K) for MDS (r missing systematic workers), O(N) for
///   replication, O(N·K²) for least squares.
public struct CodedGradientEstimator: Sendable {
  /// The direction family.
  public let code: DirectionCode
  /// d.
  public let dimension: Int
  /// K, coordinates per block.
  public let blockSize: Int
  /// N, workers per block.
  public let blockWorkers: Int
  /// B = ⌈d/K⌉.
  public let blockCount: Int
  /// h > 0, the finite-difference step.
  public let step: Double
  /// G, N × K (column-major): row n is worker n's direction within its block.
  public let generator: Matrix
  /// The code that decodes polar and MDS blocks.
  let _scheme: (any CodingScheme)?

  /// The largest N·B a round may have (2²⁰ workers).
  public static let maximumWorkers = 1 << 20

  /// N·B, the workers of one round.
  public var workerCount: Int { blockWorkers * blockCount }

  /// - Parameters:
  ///   - code: the direction family.
  ///   - dimension: d ≥ 1.
  ///   - workers: N ≥ 1 per block (uncoded: N = K).
  ///   - blockSize: K; nil takes ``DirectionCode/defaultBlockSize(workers:stragglers:)`` with
  ///     S = 0 capped at d. Exact codes need 1 ≤ K ≤ N; Gaussian directions allow K > N (fewer
  ///     directions than coordinates: the random-search regime).
  ///   - step: h, finite and > 0.
  ///   - construction: the polar construction (polar only).
  ///   - latency: the run-time law, for the polar constructions that need it.
  ///   - seed: the seed of the MDS parity and the Gaussian directions.
  /// - Throws: ``GradientEstimationError/invalidParameter(_:)`` naming the bad value.
  public init(
    code: DirectionCode, dimension: Int, workers: Int, blockSize: Int? = nil, step: Double,
    construction: PolarConstruction = .bec(erasure: 0.5), latency: LatencyModel? = nil,
    seed: UInt64 = 0
  ) throws(GradientEstimationError) {
    guard dimension >= 1 else {
      throw .invalidParameter("the dimension d must be at least 1, got \(dimension)")
    }
    guard step > 0, step.isFinite else {
      throw .invalidParameter("the step h must be a finite number > 0, got \(step)")
    }
    guard workers >= 1 else {
      throw .invalidParameter("the workers per block N must be at least 1, got \(workers)")
    }
    let k = blockSize ?? Swift.min(dimension, code.defaultBlockSize(workers: workers, stragglers: 0))
    guard k >= 1 else { throw .invalidParameter("the block size K must be at least 1, got \(k)") }
    if code == .uncoded && k != workers {
      throw .invalidParameter("uncoded directions need N = K, got N = \(workers), K = \(k)")
    }
    if code != .gaussian && k > workers {
      throw .invalidParameter(
        "\(code.rawValue) cannot cover a block of K = \(k) coordinates with N = \(workers) workers (K must be <= N)")
    }
    let blocks = (dimension + k - 1) / k
    guard blocks.multipliedReportingOverflow(by: workers).partialValue <= Self.maximumWorkers,
      !blocks.multipliedReportingOverflow(by: workers).overflow
    else {
      throw .invalidParameter(
        "\(blocks) blocks of \(workers) workers exceed \(Self.maximumWorkers) workers per round")
    }
    guard workers.multipliedReportingOverflow(by: k).partialValue <= 1 << 26 else {
      throw .invalidParameter("the generator N × K = \(workers) × \(k) is too large")
    }
    self.code = code
    self.dimension = dimension
    self.blockSize = k
    self.blockWorkers = workers
    self.blockCount = blocks
    self.step = step
    var scheme: (any CodingScheme)?
    var g = Matrix(rows: workers, columns: k)
    do {
      switch code {
      case .polar:
        let polar = try PolarCode(
          dataBlocks: k, workers: workers, construction: construction, latency: latency)
        g = try polar.encode(.identity(k))
        scheme = polar
      case .mds:
        let mds = try MDSCode(dataBlocks: k, workers: workers, seed: seed)
        g = try mds.encode(.identity(k))
        scheme = mds
      case .uncoded, .replication:
        for n in 0..<workers { g[n, n % k] = 1 }
      case .gaussian:
        var random = SplitMix64(seed: seed)
        for j in 0..<k {
          for n in 0..<workers { g[n, j] = standardNormal(using: &random) }
        }
      }
    } catch {
      throw .invalidParameter(error.description)
    }
    generator = g
    _scheme = scheme
  }

  /// The block and the index within the block of worker w.
  public func position(ofWorker w: Int) -> (block: Int, index: Int) {
    (w / blockWorkers, w % blockWorkers)
  }

  /// Worker w's direction in ℝᵈ (zero outside its block).
  public func direction(ofWorker w: Int) -> [Double] {
    let (b, n) = position(ofWorker: w)
    var z = [Double](repeating: 0, count: dimension)
    for k in 0..<blockSize where b * blockSize + k < dimension {
      z[b * blockSize + k] = generator[n, k]
    }
    return z
  }

  /// Whether block `b` decodes from its workers' arrival flags (N entries).
  /// - Complexity: O(N) (polar: O(L) word operations).
  public func canDecode(block b: Int, received: ArraySlice<Bool>) -> Bool {
    let local = Array(received)
    switch code {
    case .polar:
      return _scheme?.canDecode(from: local) ?? false
    case .mds, .gaussian:
      return blockSize <= blockWorkers && local.reduce(0) { $0 + ($1 ? 1 : 0) } >= blockSize
    case .uncoded, .replication:
      var covered = [Bool](repeating: false, count: blockSize)
      var count = 0
      for n in local.indices where local[n] && !covered[n % blockSize] {
        covered[n % blockSize] = true
        count += 1
      }
      return count == blockSize
    }
  }

  /// Whether every block decodes from the arrival flags of all N·B workers.
  public func canDecode(from received: [Bool]) -> Bool {
    precondition(received.count == workerCount, "\(received.count) flags for \(workerCount) workers")
    return (0..<blockCount).allSatisfy { b in
      canDecode(block: b, received: received[(b * blockWorkers)..<((b + 1) * blockWorkers)])
    }
  }
}
