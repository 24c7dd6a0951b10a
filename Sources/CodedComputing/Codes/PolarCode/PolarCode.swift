/// A polar code over the reals for linear coded computing: K data blocks → N coded blocks,
/// encoded and decoded with additions and subtractions only.
///
/// The code has length L = 2ⁿ ≥ N. Its encoder is Arıkan's kernel [[1, 0], [1, 1]] applied
/// recursively over the reals — encode(u) = [encode(u_a + u_b), encode(u_b)] for the halves
/// u_a, u_b of u, L/2·log₂L block additions — or, with ``Kernel/hadamard``, the orthogonal ±1
/// kernel [[1, 1], [1, −1]]: encode(u) = [encode(u_a + u_b), encode(u_a − u_b)]. The K data
/// blocks go to the K *information* positions of u (ascending position ↔ ascending block), zeros to
/// the others (*frozen*). Worker n receives coded block n.
///
/// **Index order (natural).** Bit b of a virtual index, most significant first, says which branch
/// level b takes: 0 = *minus* (u_a: needs both halves, y_a − y_b; a run-time CDF F becomes F²),
/// 1 = *plus* (u_b: either half once the minus branch is known; F becomes 1 − (1 − F)²).
///
/// **Decoding** is successive cancellation over erasures in real arithmetic (Arıkan 2009): the
/// minus branch decodes from y_a − y_b where both halves arrived, is re-encoded, and the plus
/// branch decodes from y_b or y_a − encode(u_a). It is exact to rounding and *arrival-driven*:
/// ``canDecode(from:)`` answers from the set of arrived workers in O(N), and decoding succeeds as
/// soon as every information position is recoverable, whatever the count. An undecodable set is
/// reported (``CodingError/undecodable(scheme:missing:informationPositions:)``), never guessed.
///
/// **N not a power of two** is handled by *shortening*: the code has length L = 2^⌈log₂N⌉, the
/// last L − N virtual positions are frozen, and since the Arıkan encoder is upper triangular in
/// the natural order (coded position j depends only on positions i ⊇ j bitwise), the last L − N
/// coded positions are then always zero: no worker computes them and the decoder treats them as
/// arrived zeros. The Hadamard kernel is not triangular and needs N = 2ⁿ.
///
/// The real-valued code and its run-time polarization are due to Pilanci & Bartan 2019
/// ("Straggler resilient serverless computing based on polar codes", Allerton; arXiv 1901.06811).
///
/// ```swift
/// let code = try PolarCode(dataBlocks: 4, workers: 8, construction: .bec(erasure: 0.5))
/// let coded = try code.encode(blocks)                    // 8 × d, row n for worker n
/// let arrived = [true, true, false, true, true, true, true, false]
/// if code.canDecode(from: arrived) {
///   let survivors = arrived.indices.filter { arrived[$0] }
///   let decoded = try code.decode(coded.selectingRows(survivors), survivors: survivors)
/// }
/// ```
///
/// - Complexity: encode and decode O(L·log₂L·d) additions; ``canDecode(from:)`` O(L) word
///   operations (log₂L bit-parallel stages of L/64 words).
public struct PolarCode: CodingScheme {
  /// The 2 × 2 kernel the code is built from.
  public enum Kernel: String, Sendable, CaseIterable {
    /// Arıkan's [[1, 0], [1, 1]]: one addition per pair and stage; condition number of the
    /// full L × L generator φ²ⁿ with φ the golden ratio (≈ L^1.39).
    case arikan
    /// [[1, 1], [1, −1]]: the Walsh–Hadamard transform, orthogonal up to the factor √2 per
    /// stage (condition number 1); two operations per pair and stage; needs N = 2ⁿ.
    case hadamard
  }

  public var name: String { "polar" }
  /// K, the number of data blocks.
  public let inputCount: Int
  /// N, the number of workers (coded blocks).
  public let workerCount: Int
  /// L = 2^⌈log₂N⌉, the length of the underlying code.
  public let length: Int
  /// The kernel.
  public let kernel: Kernel
  /// The K information positions, ascending: data block k sits at `informationPositions[k]`.
  public let informationPositions: [Int]
  /// Bit i set when virtual index i is an information position.
  let _informationWords: [UInt64]
  /// Prefix counts of information positions (L + 1 entries): subtrees without any are skipped.
  let _informationPrefix: [Int]
  /// Working buffers reused across encodes and decodes (a fresh 0.5 MiB buffer per call cost
  /// ~300 page faults, as much as the arithmetic, at N = 1024, m = 64).
  let _scratch = _ScratchBuffers()

  /// No set of fewer than K workers can decode K blocks.
  public var minimumSurvivors: Int { inputCount }

  /// The largest N the code accepts (2²⁴ workers): sizes are checked before anything is allocated.
  public static let maximumWorkers = 1 << 24

  /// A polar code with the given information positions.
  ///
  /// - Parameters:
  ///   - informationPositions: K distinct virtual indices in 0..<N (any order).
  ///   - workers: N ≥ 1; a non-power of two is shortened (Arıkan kernel only).
  ///   - kernel: ``Kernel/arikan`` (default) or ``Kernel/hadamard``.
  /// - Throws: ``CodingError/invalidParameter(_:)`` for N outside 1…``maximumWorkers``, a
  ///   Hadamard kernel with N not a power of two, no positions, or a position that repeats or lies
  ///   outside 0..<N.
  public init(informationPositions: [Int], workers: Int, kernel: Kernel = .arikan)
    throws(CodingError)
  {
    let length = try Self._length(
      workers: workers, dataBlocks: informationPositions.count, kernel: kernel)
    let sorted = informationPositions.sorted()
    for (i, position) in sorted.enumerated() {
      guard position >= 0 && position < workers else {
        throw .invalidParameter("information position \(position) is not in 0..<\(workers)")
      }
      guard i == 0 || sorted[i - 1] != position else {
        throw .invalidParameter("information position \(position) is listed twice")
      }
    }
    var words = [UInt64](repeating: 0, count: (length + 63) / 64)
    var isInformation = [Bool](repeating: false, count: length)
    for position in sorted {
      words[position / 64] |= 1 << UInt64(position % 64)
      isInformation[position] = true
    }
    var prefix = [Int](repeating: 0, count: length + 1)
    for i in 0..<length { prefix[i + 1] = prefix[i] + (isInformation[i] ? 1 : 0) }
    self.inputCount = sorted.count
    self.workerCount = workers
    self.length = length
    self.kernel = kernel
    self.informationPositions = sorted
    _informationWords = words
    _informationPrefix = prefix
  }

  /// A polar code whose information set is chosen by a construction.
  ///
  /// The K positions with the smallest ``PolarConstruction/scores(workers:latency:)`` among the
  /// N real ones are kept (ties → smaller index).
  ///
  /// - Parameters:
  ///   - dataBlocks: K, 1 ≤ K ≤ N.
  ///   - workers: N ≥ 1.
  ///   - construction: `bec:EPS`, `deadline:T` or `mean`.
  ///   - latency: the run-time law, needed by `deadline` and `mean`.
  ///   - kernel: the kernel.
  /// - Throws: ``CodingError/invalidParameter(_:)`` for K or N out of range, or what the
  ///   construction throws.
  /// - Complexity: that of the construction, plus O(L log L) to rank the scores.
  public init(
    dataBlocks: Int, workers: Int, construction: PolarConstruction, latency: LatencyModel? = nil,
    kernel: Kernel = .arikan
  ) throws(CodingError) {
    _ = try Self._length(workers: workers, dataBlocks: dataBlocks, kernel: kernel)
    let scores = try construction.scores(workers: workers, latency: latency)
    let chosen = PolarConstruction.informationSet(
      scores: scores, dataBlocks: dataBlocks, workers: workers)
    try self.init(informationPositions: chosen, workers: workers, kernel: kernel)
  }

  /// Checks K and N and returns L.
  static func _length(workers: Int, dataBlocks: Int, kernel: Kernel) throws(CodingError) -> Int {
    guard workers >= 1 && workers <= maximumWorkers else {
      throw .invalidParameter("polar needs N in 1...\(maximumWorkers) workers, got N = \(workers)")
    }
    guard dataBlocks >= 1 && dataBlocks <= workers else {
      throw .invalidParameter(
        "polar needs 1 <= K <= N data blocks, got K = \(dataBlocks) for N = \(workers)")
    }
    let length = _codeLength(workers: workers)
    guard kernel == .arikan || length == workers else {
      throw .invalidParameter(
        "the hadamard kernel needs N = 2^n workers (it cannot be shortened), got N = \(workers); use --kernel arikan"
      )
    }
    return length
  }

  /// 2^⌈log₂N⌉.
  static func _codeLength(workers: Int) -> Int {
    var length = 1
    while length < workers { length *= 2 }
    return length
  }

  /// Whether virtual index `position` carries data.
  public func isInformation(_ position: Int) -> Bool {
    _informationWords[position / 64] >> UInt64(position % 64) & 1 == 1
  }

  /// X (K × d) ↦ X̃ (N × d): the data at the information positions, zeros elsewhere, through the
  /// kernel's butterfly.
  ///
  /// - Parameter inputs: the K data blocks, one row each (a block of several matrix rows is
  ///   flattened into one row).
  /// - Returns: N × d, row n for worker n.
  /// - Throws: ``CodingError/wrongShape(what:expected:actual:)`` unless inputs has K rows and at
  ///   least one column; ``CodingError/invalidParameter(_:)`` for a non-finite input.
  /// - Complexity: L/2·log₂L·d additions (Hadamard: L·log₂L·d) plus two transposes.
  public func encode(_ inputs: Matrix) throws(CodingError) -> Matrix {
    try _checkInputs(inputs, count: inputCount)
    let d = inputs.columns
    var rows = _scratch.take(length * d)
    let coded = rows.withUnsafeMutableBufferPointer { r in
      guard let base = r.baseAddress else { return Matrix(rows: workerCount, columns: d) }
      base.update(repeating: 0, count: length * d)
      inputs._scatterRows(to: informationPositions, into: base)
      _PolarButterfly.encode(base, length: length, columns: d, hadamard: kernel == .hadamard)
      return Matrix._gatheringRows(Array(0..<workerCount), of: base, columns: d)
    }
    _scratch.give(rows)
    return coded
  }
}
