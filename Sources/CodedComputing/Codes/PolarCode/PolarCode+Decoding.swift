extension PolarCode {
  /// Whether successive cancellation recovers every information position from the arrived set.
  ///
  /// The availability butterfly (minus = both halves, plus = either half) runs on a bit set of
  /// the arrived workers (shortened positions count as arrived zeros); the set is decodable when
  /// every information bit survives it. Monotone: a superset of a decodable set is decodable.
  ///
  /// - Parameter received: N flags, `received[n]` true when worker n's result arrived.
  /// - Returns: true when ``decode(_:survivors:)`` succeeds on these workers.
  /// - Precondition: `received.count == workerCount`.
  /// - Complexity: O(L) word operations (log₂L stages over L/64 words).
  public func canDecode(from received: [Bool]) -> Bool {
    let recoverable = _recoverable(received: received)
    for (word, information) in zip(recoverable, _informationWords)
    where word & information != information {
      return false
    }
    return true
  }

  /// Polar decodability depends on which workers arrived, not only on how many.
  public var decodabilityDependsOnSet: Bool { true }

  /// ``canDecode(from:)`` under the name of issue 13.
  public func isDecodable(received: [Bool]) -> Bool { canDecode(from: received) }

  /// The information positions (ascending) successive cancellation cannot recover from the
  /// arrived set; empty when the set is decodable.
  /// - Complexity: O(L).
  public func missingInformationPositions(received: [Bool]) -> [Int] {
    let recoverable = _recoverable(received: received)
    return informationPositions.filter { recoverable[$0 / 64] >> UInt64($0 % 64) & 1 == 0 }
  }

  /// Bit i set when virtual index i is recoverable from `received`.
  func _recoverable(received: [Bool]) -> [UInt64] {
    precondition(
      received.count == workerCount, "\(received.count) arrival flags for \(workerCount) workers")
    var words = [UInt64](repeating: 0, count: (length + 63) / 64)
    for n in 0..<length where n >= workerCount || received[n] {
      words[n / 64] |= 1 << UInt64(n % 64)
    }
    _PolarButterfly.availability(&words, length: length)
    return words
  }

  /// Y_T (|T| × m) ↦ the K decoded blocks (K × m) by successive cancellation over erasures.
  ///
  /// The minus branch decodes from y_a − y_b (Hadamard: (y_a + y_b)/2) where both halves
  /// arrived; its estimate is re-encoded and the plus branch decodes from y_b or
  /// y_a − encode(u_a) (Hadamard: y_a − encode(u_a) or encode(u_a) − y_b). Subtrees without an
  /// information position are skipped (their codeword is zero). Exact to rounding: the error is
  /// a few units in the last place per stage, times the growth of the subtractions.
  ///
  /// - Parameters:
  ///   - results: one row per survivor, in `survivors` order: worker n's product with its coded
  ///     block.
  ///   - survivors: the arrived workers, ascending and distinct, in 0..<N; any number.
  /// - Returns: K × m, row k the result of data block k.
  /// - Throws: ``CodingError/undecodable(scheme:missing:)`` naming the information positions the
  ///   set cannot recover; ``CodingError/wrongShape(what:expected:actual:)`` or
  ///   ``CodingError/invalidSurvivors(_:)`` for inconsistent arguments.
  /// - Complexity: O(L·log₂L·m) additions in place on one L × m buffer.
  public func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    try _checkSurvivors(survivors, results: results, workers: workerCount, minimum: 0, scheme: name)
    var received = [Bool](repeating: false, count: workerCount)
    for n in survivors { received[n] = true }
    let missing = missingInformationPositions(received: received)
    guard missing.isEmpty else { throw .undecodable(scheme: name, missing: missing) }
    let m = results.columns
    guard m > 0 else { return Matrix(rows: inputCount, columns: 0) }
    var decoder = _SuccessiveCancellation(
      length: length, columns: m, buffer: _scratch.take(length * m))
    decoder.load(results, survivors: survivors, workers: workerCount)
    var decoded = _scratch.take(inputCount * m)
    let estimates = decoded.withUnsafeMutableBufferPointer { out in
      guard let out = out.baseAddress else { return Matrix(rows: inputCount, columns: m) }
      decoder.decode(information: _informationPrefix, hadamard: kernel == .hadamard, into: out)
      return Matrix._gatheringRows(Array(0..<inputCount), of: out, columns: m)
    }
    _scratch.give(decoder.values)
    _scratch.give(decoded)
    try _checkDecoded(estimates, results: results, survivors: survivors)
    return estimates
  }
}
