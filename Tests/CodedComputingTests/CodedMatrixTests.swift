import CodedComputing
import Foundation
import Testing

/// Coded A·x and A·B through the pools: exact products, and arrival-driven stopping for polar.
@Suite("CodedMatrix")
struct CodedMatrixTests {
  /// A·X by plain loops (the uncoded product).
  static func product(_ a: Matrix, _ x: Matrix) -> Matrix {
    var c = Matrix(rows: a.rows, columns: x.columns)
    for i in 0..<a.rows {
      for j in 0..<x.columns {
        for l in 0..<a.columns { c[i, j] += a[i, l] * x[l, j] }
      }
    }
    return c
  }

  @Test("A·x and A·B with polar, MDS and replication on the sequential pool equal the uncoded product")
  func products() async throws {
    var generator = SplitMix64(seed: 4)
    let a = randomMatrix(rows: 37, columns: 6, using: &generator)  // 37 rows: the last block is padded
    let x = randomMatrix(rows: 6, columns: 1, using: &generator)
    let b = randomMatrix(rows: 6, columns: 3, using: &generator)
    let schemes: [any CodingScheme] = [
      try PolarCode(dataBlocks: 4, workers: 8, construction: .bec(erasure: 0.5)),
      try MDSCode(dataBlocks: 4, workers: 8),
      try ReplicationCode(inputCount: 4, workerCount: 8),
    ]
    for scheme in schemes {
      var coded = try CodedMatrix(a, scheme: scheme)
      if scheme is ReplicationCode {
        coded.stoppingRule = CodedMatrix.everyBlockHasACopy(dataBlocks: 4, workers: 8)
      }
      for right in [x, b] {
        let (result, _) = try await coded.multiply(right, pool: SequentialWorkerPool())
        #expect(relativeGap(result, Self.product(a, right)) <= 1e-12, "\(scheme.name)")
      }
    }
  }

  @Test("polar on the in-process pool stops at the first decodable set, not at K arrivals")
  func polarStopsAtFirstDecodableSet() async throws {
    let code = try PolarCode(dataBlocks: 4, workers: 8, construction: .bec(erasure: 0.5))
    #expect(code.informationPositions == [3, 5, 6, 7])
    // Arrival order 6, 0, 5, 3, 4, 7, 1, 2 (80 ms apart). By the recursive SC definition
    // (PolarCodeTests.missingByRecursion, and the same recursion in Python) the prefix of K = 4
    // arrivals still misses information position 3; the prefix of 5 ({0, 3, 4, 5, 6}) is the first
    // decodable one.
    let order = [6, 0, 5, 3, 4, 7, 1, 2]
    var firstDecodable = 0
    for count in 1...8 {
      let available = (0..<8).map { order.prefix(count).contains($0) }
      let missing = PolarCodeTests.missingByRecursion(available: available, information: [3, 5, 6, 7])
      if missing.isEmpty {
        firstDecodable = count
        break
      }
    }
    #expect(firstDecodable == 5)
    var delays = [Duration](repeating: .zero, count: 8)
    for (rank, worker) in order.enumerated() { delays[worker] = .milliseconds(80 * rank) }
    var generator = SplitMix64(seed: 8)
    let a = randomMatrix(rows: 16, columns: 5, using: &generator)
    let x = randomMatrix(rows: 5, columns: 2, using: &generator)
    let coded = try CodedMatrix(a, scheme: code)
    let (result, outcome) = try await coded.multiply(
      x, pool: InProcessWorkerPool(), injectedDelays: delays)
    #expect(outcome.arrivals.map(\.worker) == Array(order.prefix(5)))
    #expect(outcome.survivors == [0, 3, 4, 5, 6])
    #expect(outcome.cancelled == [1, 2, 7])
    #expect(relativeGap(result, Self.product(a, x)) <= 1e-10)
  }

  @Test("the registry builds polar and mds for linear f and refuses the others")
  func registry() throws {
    let linear = SchemeRequest(
      inputCount: 4, workerCount: 8, functionDegree: 1,
      options: ["construction": "mean", "latency": "exponential:1"])
    #expect(try SchemeFactory.polar.make(linear).name == "polar")
    #expect(try SchemeFactory.mds.make(linear).name == "mds")
    for degree in [nil, 2] as [Int?] {
      var request = linear
      request.functionDegree = degree
      #expect(throws: CodingError.self) { try SchemeFactory.polar.make(request) }
      #expect(throws: CodingError.self) { try SchemeFactory.mds.make(request) }
    }
  }
}
