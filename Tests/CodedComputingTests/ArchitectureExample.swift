import CodedComputing

/// Pairs: K inputs on N = 2K workers; workers 2k and 2k + 1 both compute f(x_k).
/// Decodable exactly when every input has a copy back: that depends on *which* workers answered.
struct PairCode: CodingScheme {
  let inputCount: Int
  var workerCount: Int { 2 * inputCount }
  var name: String { "pairs" }
  var minimumSurvivors: Int { inputCount }
  var decodabilityDependsOnSet: Bool { true }

  init(inputCount: Int) throws(CodingError) {
    guard inputCount >= 1 else { throw .invalidParameter("pairs needs K >= 1, got \(inputCount)") }
    self.inputCount = inputCount
  }

  func canDecode(from received: [Bool]) -> Bool {
    (0..<inputCount).allSatisfy { received[2 * $0] || received[2 * $0 + 1] }
  }

  func encode(_ inputs: Matrix) throws(CodingError) -> Matrix {
    inputs.selectingRows((0..<workerCount).map { $0 / 2 })
  }

  func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    guard canDecode(survivors: survivors) else {
      throw .invalidSurvivors("an input has neither of its two workers among \(survivors)")
    }
    var rowOf = [Int](repeating: -1, count: inputCount)  // the first surviving copy of input k
    for (row, n) in survivors.enumerated() where rowOf[n / 2] < 0 { rowOf[n / 2] = row }
    return results.selectingRows(rowOf)
  }
}

/// The factory experiments take: any (K, N, layout, parameters) → a scheme.
let pairs = SchemeFactory(name: "pairs") { request throws(CodingError) in
  guard request.workerCount == 2 * request.inputCount else {
    throw .invalidParameter("pairs needs N = 2K, got N = \(request.workerCount)")
  }
  return try PairCode(inputCount: request.inputCount)
}
