/// Replication: worker n computes f(x_{n mod K}) on the raw input, with no coding.
///
/// With N = r·K every input has r copies; any N ≥ K is allowed (copies then differ by at most
/// one). Decoding averages the surviving copies of each input (which also averages out worker
/// noise). An input with no surviving copy is lost; it is scored as the mean of all received
/// results (the best constant guess without knowing f), the rule documented in Guides/LeTCC.md.
/// ``uncoded(inputCount:)`` is the case N = K with one copy each.
///
/// - Complexity: encode O(N·d); decode O(|T|·m + K·m).
public struct ReplicationCode: CodingScheme {
  public var name: String { workerCount == inputCount && _isUncoded ? "uncoded" : "replication" }
  public let inputCount: Int
  public let workerCount: Int
  public var minimumSurvivors: Int { 1 }
  let _isUncoded: Bool

  /// - Throws: ``CodingError/invalidParameter(_:)`` when N < K.
  public init(inputCount: Int, workerCount: Int) throws(CodingError) {
    try _checkSizes(
      inputCount: inputCount, workerCount: workerCount, minimumWorkers: inputCount, scheme: "replication")
    self.inputCount = inputCount
    self.workerCount = workerCount
    _isUncoded = false
  }

  init(uncodedInputCount k: Int) throws(CodingError) {
    try _checkSizes(inputCount: k, workerCount: k, minimumWorkers: k, scheme: "uncoded")
    inputCount = k
    workerCount = k
    _isUncoded = true
  }

  /// Uncoded computation: K workers, worker k computes f(x_k); a straggler's output is lost and
  /// scored as the mean of the received results.
  /// - Throws: ``CodingError/invalidParameter(_:)`` for K < 2.
  public static func uncoded(inputCount: Int) throws(CodingError) -> ReplicationCode {
    try ReplicationCode(uncodedInputCount: inputCount)
  }

  /// The input worker n computes on.
  public func input(ofWorker n: Int) -> Int { n % inputCount }

  public func encode(_ inputs: Matrix) throws(CodingError) -> Matrix {
    try _checkInputs(inputs, count: inputCount)
    return inputs.selectingRows((0..<workerCount).map(input(ofWorker:)))
  }

  public func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    try _checkSurvivors(survivors, results: results, workers: workerCount, minimum: 1, scheme: name)
    let m = results.columns
    var sums = Matrix(rows: inputCount, columns: m)
    var copies = [Int](repeating: 0, count: inputCount)
    var mean = [Double](repeating: 0, count: m)
    for (row, n) in survivors.enumerated() {
      let k = input(ofWorker: n)
      copies[k] += 1
      for j in 0..<m {
        sums[k, j] += results[row, j]
        mean[j] += results[row, j]
      }
    }
    for j in 0..<m { mean[j] /= Double(survivors.count) }
    for k in 0..<inputCount {
      for j in 0..<m { sums[k, j] = copies[k] > 0 ? sums[k, j] / Double(copies[k]) : mean[j] }
    }
    return sums
  }
}
