import CodedComputing
import Testing

/// Polar codes: the natural index order, exact decoding of every decodable erasure pattern,
/// refusal of the others, shortening and the Hadamard kernel.
@Suite("PolarCode")
struct PolarCodeTests {
  /// Successive-cancellation decodability by the recursive definition (not the bit butterfly of
  /// the library): a size-1 node needs its observation if it carries data; a larger node decodes
  /// its minus child from positions where both halves are present, then its plus child from
  /// positions where either is. Returns the information positions that cannot be recovered.
  static func missingByRecursion(available: [Bool], information: Set<Int>, first: Int = 0) -> [Int] {
    if available.count == 1 {
      return information.contains(first) && !available[0] ? [first] : []
    }
    let half = available.count / 2
    let minus = (0..<half).map { available[$0] && available[$0 + half] }
    let plus = (0..<half).map { available[$0] || available[$0 + half] }
    return missingByRecursion(available: minus, information: information, first: first)
      + missingByRecursion(available: plus, information: information, first: first + half)
  }

  /// K data blocks of b × p rows flattened into rows, the vector x, the coded products of the
  /// workers and the uncoded products (K × b).
  static func products(
    code: some CodingScheme, blockRows b: Int, columns p: Int, seed: UInt64
  ) throws -> (worker: Matrix, uncoded: Matrix) {
    var generator = SplitMix64(seed: seed)
    let blocks = randomMatrix(rows: code.inputCount, columns: b * p, using: &generator)
    let x = (0..<p).map { _ in Double.random(in: -1..<1, using: &generator) }
    func multiply(_ rows: Matrix) -> Matrix {
      var out = Matrix(rows: rows.rows, columns: b)
      for r in 0..<rows.rows {
        for i in 0..<b {
          var sum = 0.0
          for j in 0..<p { sum += rows[r, i * p + j] * x[j] }
          out[r, i] = sum
        }
      }
      return out
    }
    return (multiply(try code.encode(blocks)), multiply(blocks))
  }

  @Test("bec:0.5 at N = 4: the hand-computed Bhattacharyya values in natural order")
  func becByHand() throws {
    // z = 0.5; level 1: z⁻ = 2z − z² = 0.75, z⁺ = z² = 0.25; level 2 (MSB first):
    // index 0 = 2·0.75 − 0.75² = 0.9375, 1 = 0.75² = 0.5625, 2 = 2·0.25 − 0.25² = 0.4375, 3 = 0.0625.
    let scores = try PolarConstruction.bec(erasure: 0.5).scores(workers: 4, latency: nil)
    #expect(scores == [0.9375, 0.5625, 0.4375, 0.0625])
    let code = try PolarCode(dataBlocks: 2, workers: 4, construction: .bec(erasure: 0.5))
    #expect(code.informationPositions == [2, 3])
    // Index 3 (plus, plus) is recoverable from any one worker once the rest is frozen.
    let single = try PolarCode(informationPositions: [3], workers: 4)
    for n in 0..<4 {
      #expect(single.canDecode(from: (0..<4).map { $0 == n }))
    }
    // Index 0 (minus, minus) needs all four.
    let first = try PolarCode(informationPositions: [0], workers: 4)
    #expect(first.canDecode(from: [true, true, true, true]))
    #expect(!first.canDecode(from: [true, true, true, false]))
  }

  @Test("encode of a unit vector: Arıkan's rows in natural order (N = 4)")
  func encoderRows() throws {
    // encode(u) = [encode(u_a + u_b), encode(u_b)]: u = e_i gives column i of G with
    // G = [[1,1,1,1],[0,1,0,1],[0,0,1,1],[0,0,0,1]] (x_j depends on u_i for i ⊇ j bitwise).
    let expected: [[Double]] = [[1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 1]]
    for i in 0..<4 {
      let code = try PolarCode(informationPositions: [i], workers: 4)
      #expect(try code.encode(Matrix(rows: [[1]])).column(0) == expected[i])
    }
    let hadamard = try PolarCode(informationPositions: [0, 1, 2, 3], workers: 4, kernel: .hadamard)
    let h = try hadamard.encode(Matrix.identity(4))
    #expect(h.rowArrays == [[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]])
  }

  @Test(
    "N = 8, every K and every erasure pattern: decodable sets decode exactly, the others are named",
    arguments: PolarCode.Kernel.allCases)
  func exhaustiveEight(kernel: PolarCode.Kernel) throws {
    var decodable = 0
    for k in 1...8 {
      let code = try PolarCode(
        dataBlocks: k, workers: 8, construction: .bec(erasure: 0.5), kernel: kernel)
      let (worker, uncoded) = try Self.products(code: code, blockRows: 3, columns: 5, seed: UInt64(k))
      for mask in 0..<256 {
        let received = (0..<8).map { mask >> $0 & 1 == 1 }
        let survivors = (0..<8).filter { received[$0] }
        let missing = Self.missingByRecursion(
          available: received, information: Set(code.informationPositions))
        #expect(code.missingInformationPositions(received: received) == missing)
        #expect(code.canDecode(from: received) == missing.isEmpty)
        let result = Result { () throws(CodingError) in
          try code.decode(worker.selectingRows(survivors), survivors: survivors)
        }
        switch result {
        case .success(let decoded):
          #expect(missing.isEmpty)
          #expect(relativeGap(decoded, uncoded) <= 1e-10, "K = \(k), mask \(mask)")
          decodable += 1
        case .failure(let error):
          #expect(error == .undecodable(scheme: "polar", missing: missing))
          #expect(!missing.isEmpty)
        }
      }
    }
    #expect(decodable > 256)
  }

  @Test("random arrival orders up to N = 1024: the first decodable prefix decodes to 1e-10",
        arguments: [16, 64, 256, 1024])
  func randomArrivals(workers: Int) throws {
    var generator = SplitMix64(seed: UInt64(workers))
    for kernel in PolarCode.Kernel.allCases {
      let code = try PolarCode(
        dataBlocks: workers / 2, workers: workers, construction: .mean,
        latency: .exponential(rate: 1), kernel: kernel)
      let (worker, uncoded) = try Self.products(code: code, blockRows: 2, columns: 4, seed: 9)
      for _ in 0..<4 {
        let times = LatencyModel.exponential(rate: 1).sample(count: workers, using: &generator)
        let order = times.indices.sorted { times[$0] < times[$1] }
        var received = [Bool](repeating: false, count: workers)
        var count = 0
        for n in order {
          received[n] = true
          count += 1
          if code.canDecode(from: received) { break }
        }
        #expect(count >= workers / 2)
        let survivors = (0..<workers).filter { received[$0] }
        let decoded = try code.decode(worker.selectingRows(survivors), survivors: survivors)
        #expect(relativeGap(decoded, uncoded) <= 1e-10)
        // One arrival fewer is not decodable: the stop was the first decodable set.
        if count > workers / 2 {
          var fewer = received
          fewer[order[count - 1]] = false
          #expect(!code.canDecode(from: fewer))
        }
      }
    }
  }

  @Test("shortened N = 6 and N = 1500: positions beyond N are frozen and decoding is exact")
  func shortened() throws {
    for (workers, k) in [(6, 3), (1500, 500)] {
      let code = try PolarCode(dataBlocks: k, workers: workers, construction: .bec(erasure: 0.3))
      #expect(code.length == (workers == 6 ? 8 : 2048))
      #expect(code.informationPositions.allSatisfy { $0 < workers })
      let (worker, uncoded) = try Self.products(code: code, blockRows: 1, columns: 3, seed: 2)
      #expect(worker.rows == workers)
      let all = Array(0..<workers)
      #expect(relativeGap(try code.decode(worker, survivors: all), uncoded) <= 1e-10)
    }
    #expect(throws: CodingError.self) {
      try PolarCode(informationPositions: [0], workers: 6, kernel: .hadamard)
    }
  }

  @Test("bad parameters are typed errors")
  func badParameters() {
    #expect(throws: CodingError.self) { try PolarCode(dataBlocks: 0, workers: 8, construction: .mean) }
    #expect(throws: CodingError.self) { try PolarCode(dataBlocks: 9, workers: 8, construction: .bec(erasure: 0.5)) }
    #expect(throws: CodingError.self) { try PolarCode(dataBlocks: 2, workers: 8, construction: .mean) }
    #expect(throws: CodingError.self) { try PolarCode(informationPositions: [1, 1], workers: 8) }
    #expect(throws: CodingError.self) { try PolarConstruction(parsing: "bec:1") }
    #expect(throws: CodingError.self) { try PolarConstruction(parsing: "bec:0") }
    #expect(throws: CodingError.self) { try PolarConstruction(parsing: "deadline:0") }
    #expect(throws: CodingError.self) { try PolarConstruction(parsing: "deadline:-1") }
    #expect(throws: CodingError.self) { try PolarConstruction(parsing: "median") }
    #expect((try? PolarConstruction(parsing: "deadline:2.5")) == .deadline(seconds: 2.5))
  }
}
