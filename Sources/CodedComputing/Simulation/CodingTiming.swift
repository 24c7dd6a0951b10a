import Foundation

/// Median and minimum wall time of repeated encode + decode rounds of one scheme.
public struct CodingTiming: Sendable {
  public var encodeMedian: Double
  public var decodeMedian: Double
  public var totalMedian: Double
  public var totalMinimum: Double
  public var encodeMinimum: Double
  public var decodeMinimum: Double
}

/// Times `repeats` rounds of encode (K × d → N × d) and decode (|T| × d → K × d) for one
/// scheme, with one window of S stragglers (workers 0..<S), the decoder warmed once first (the
/// cached per-survivor-set operator is part of steady state). f is the identity: the timing is of
/// the code, not of the workload. `survivors`, when given, replaces the window (polar codes decode
/// from the sets their arrivals make decodable, not from any N − S).
/// - Complexity: `repeats` times the scheme's encode + decode.
public func timeCoding(
  scheme: any CodingScheme, dimension d: Int, stragglers s: Int, repeats: Int, seed: UInt64 = 1,
  survivors given: [Int]? = nil
) throws(CodingError) -> CodingTiming {
  precondition(repeats >= 1, "repeats must be at least 1")
  let x = uniformInputs(count: scheme.inputCount, dimension: d, range: -1...1, seed: seed)
  let survivors = given ?? Array(s..<scheme.workerCount)
  let results = try scheme.encode(x).selectingRows(survivors)
  _ = try scheme.decode(results, survivors: survivors)
  let clock = ContinuousClock()
  var encodes: [Double] = []
  var decodes: [Double] = []
  var totals: [Double] = []
  for _ in 0..<repeats {
    let start = clock.now
    let coded = try scheme.encode(x)
    let middle = clock.now
    let decoded = try scheme.decode(results, survivors: survivors)
    let end = clock.now
    precondition(coded.rows == scheme.workerCount && decoded.rows == scheme.inputCount)
    encodes.append((middle - start).inSeconds)
    decodes.append((end - middle).inSeconds)
    totals.append((end - start).inSeconds)
  }
  func median(_ v: [Double]) -> Double {
    let sorted = v.sorted()
    return sorted.count % 2 == 1
      ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }
  return CodingTiming(
    encodeMedian: median(encodes), decodeMedian: median(decodes), totalMedian: median(totals),
    totalMinimum: totals.min() ?? .nan, encodeMinimum: encodes.min() ?? .nan,
    decodeMinimum: decodes.min() ?? .nan)
}

/// Seconds for one plain copy of `count` doubles (the memory bound of a linear code that reads
/// and writes that many values), median and minimum over `repeats`.
public func timeMemoryCopy(count: Int, repeats: Int) -> (median: Double, minimum: Double) {
  let source = [Double](repeating: 1, count: count)
  var target = [Double](repeating: 0, count: count)
  let clock = ContinuousClock()
  var times: [Double] = []
  for _ in 0..<repeats {
    let start = clock.now
    target.withUnsafeMutableBufferPointer { t in
      source.withUnsafeBufferPointer { src in
        if let to = t.baseAddress, let from = src.baseAddress { to.update(from: from, count: count) }
      }
    }
    times.append((clock.now - start).inSeconds)
  }
  precondition(target[count / 2] == 1)
  let sorted = times.sorted()
  return (sorted[sorted.count / 2], sorted[0])
}
