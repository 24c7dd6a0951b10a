/// The linear-work schemes compared side by side: polar, MDS, uncoded and replication.
///
/// Model (issue 13): K data blocks; every worker's task (one coded block times the other factor)
/// takes an i.i.d. draw from the latency law. The job is done when the master can decode:
///
/// | scheme | workers | done at |
/// |---|---|---|
/// | polar | N | the first instant the arrived set is decodable: max of the virtual times over the information set |
/// | mds | N | the K-th arrival |
/// | uncoded | K | the last of the K workers |
/// | replication | N | every block has a copy back (worker n holds block n mod K): maxₖ min over its copies |
public enum LinearScheme: String, CaseIterable, Sendable {
  case polar, mds, uncoded, replication

  /// The job time of one draw of run times.
  ///
  /// - Parameters:
  ///   - times: the run time of every worker of the largest scheme (N draws); uncoded uses the
  ///     first K.
  ///   - polar: the polar code (for ``polar`` only; its N must be `times.count`).
  ///   - dataBlocks: K.
  /// - Returns: the time at which the scheme can decode.
  /// - Complexity: polar O(L log L); mds O(N) expected (selection); uncoded O(K); replication O(N).
  public func jobTime(times: [Double], dataBlocks: Int, polar: PolarCode?) -> Double {
    switch self {
    case .polar:
      guard let polar else { preconditionFailure("the polar job time needs the code") }
      precondition(
        times.count == polar.workerCount, "\(times.count) times for \(polar.workerCount) workers")
      var padded = times
      padded.append(contentsOf: repeatElement(0, count: polar.length - times.count))
      let virtual = PolarPolarization.virtualTimes(padded)
      return polar.informationPositions.reduce(-Double.infinity) { Swift.max($0, virtual[$1]) }
    case .mds:
      return times.sorted()[dataBlocks - 1]
    case .uncoded:
      return times.prefix(dataBlocks).reduce(-Double.infinity, Swift.max)
    case .replication:
      var first = [Double](repeating: .infinity, count: dataBlocks)
      for (n, t) in times.enumerated() {
        first[n % dataBlocks] = Swift.min(first[n % dataBlocks], t)
      }
      return first.reduce(-Double.infinity, Swift.max)
    }
  }

  /// The number of workers the scheme hires for K blocks when the coded schemes use N.
  public func workers(coded: Int, dataBlocks: Int) -> Int { self == .uncoded ? dataBlocks : coded }
}

/// Summary statistics of simulated job times.
public struct JobTimeSummary: Sendable, Equatable {
  public var mean: Double
  /// The median (linear interpolation between order statistics, NumPy's default).
  public var median: Double
  /// The 99th percentile (same interpolation).
  public var p99: Double

  /// - Precondition: `times` is not empty and holds no NaN.
  public init(_ times: [Double]) {
    precondition(!times.isEmpty && !times.contains(where: \.isNaN), "no job times to summarise")
    let sorted = times.sorted()
    mean = sorted.reduce(0, +) / Double(sorted.count)
    median = Self.quantile(sorted, 0.5)
    p99 = Self.quantile(sorted, 0.99)
  }

  /// The q-quantile of sorted values by linear interpolation at position q·(n − 1).
  public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
    let position = q * Double(sorted.count - 1)
    let low = Int(position.rounded(.down))
    let high = Swift.min(low + 1, sorted.count - 1)
    let fraction = position - Double(low)
    return sorted[low] + fraction * (sorted[high] - sorted[low])
  }
}

/// Simulated job times of every scheme on common draws of the run times.
///
/// Trial t draws N run times from `latency` with `generator` (``LatencyModel/sample(count:using:)``,
/// worker order) and evaluates every scheme's ``LinearScheme/jobTime(times:dataBlocks:polar:)`` on
/// them (common random numbers: differences between schemes are not sampling noise of
/// independent draws).
///
/// - Parameters:
///   - polar: the polar code; N = its worker count.
///   - latency: the law; validated against N.
///   - trials: T ≥ 1.
///   - schemes: which schemes.
///   - generator: the randomness.
/// - Returns: T job times per scheme.
/// - Throws: ``CodingError/invalidParameter(_:)`` for an invalid law or T < 1.
/// - Complexity: O(T·(L log L + N log N)).
public func simulateLinearJobTimes(
  polar: PolarCode, latency: LatencyModel, trials: Int,
  schemes: [LinearScheme] = LinearScheme.allCases,
  using generator: inout some RandomNumberGenerator
) throws(CodingError) -> [LinearScheme: [Double]] {
  guard trials >= 1 else { throw .invalidParameter("--trials must be at least 1, got \(trials)") }
  do { try latency.validate(workerCount: polar.workerCount) } catch {
    throw .invalidParameter(error.description)
  }
  var result: [LinearScheme: [Double]] = [:]
  for _ in 0..<trials {
    let times = latency.sample(count: polar.workerCount, using: &generator)
    for scheme in schemes {
      result[scheme, default: []].append(
        scheme.jobTime(times: times, dataBlocks: polar.inputCount, polar: polar))
    }
  }
  return result
}

extension LinearScheme {
  /// The code and stopping rule of this scheme for exact linear work on K blocks.
  ///
  /// polar: ``PolarCode`` (N workers, the given construction), stopping at its first decodable
  /// set; mds: ``MDSCode`` (N), stopping at K arrivals; uncoded: K workers, every one needed;
  /// replication: N workers, worker n holding block n mod K, stopping when every block has a copy.
  ///
  /// - Throws: ``CodingError`` for sizes or a construction the code cannot take.
  public func makeCode(
    dataBlocks k: Int, workers n: Int, construction: PolarConstruction, latency: LatencyModel?,
    kernel: PolarCode.Kernel = .arikan, seed: UInt64 = 0
  ) throws(CodingError) -> (code: any CodingScheme, stoppingRule: StoppingRule) {
    switch self {
    case .polar:
      let code = try PolarCode(
        dataBlocks: k, workers: n, construction: construction, latency: latency, kernel: kernel)
      return (code, .decodable(by: code))
    case .mds:
      let code = try MDSCode(dataBlocks: k, workers: n, seed: seed)
      return (code, .decodable(by: code))
    case .uncoded:
      let code = try ReplicationCode.uncoded(inputCount: k)
      return (code, CodedMatrix.everyBlockHasACopy(dataBlocks: k, workers: k))
    case .replication:
      let code = try ReplicationCode(inputCount: k, workerCount: n)
      return (code, CodedMatrix.everyBlockHasACopy(dataBlocks: k, workers: n))
    }
  }
}
