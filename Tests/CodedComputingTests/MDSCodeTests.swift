import CodedComputing
import Testing

/// The systematic real MDS code: any K of N decode exactly.
@Suite("MDSCode")
struct MDSCodeTests {
  @Test("N = 8, K = 4: every 4-subset (and every larger set) decodes to 1e-10")
  func anyK() throws {
    let code = try MDSCode(dataBlocks: 4, workers: 8, seed: 3)
    let (worker, uncoded) = try PolarCodeTests.products(code: code, blockRows: 2, columns: 3, seed: 5)
    // The first K coded rows are the data's products themselves (systematic).
    #expect(relativeGap(worker.selectingRows([0, 1, 2, 3]), uncoded) == 0)
    var checked = 0
    for mask in 0..<256 where mask.nonzeroBitCount >= 4 {
      let survivors = (0..<8).filter { mask >> $0 & 1 == 1 }
      #expect(code.canDecode(from: (0..<8).map { mask >> $0 & 1 == 1 }))
      let decoded = try code.decode(worker.selectingRows(survivors), survivors: survivors)
      #expect(relativeGap(decoded, uncoded) <= 1e-10, "\(survivors)")
      checked += 1
    }
    #expect(checked == 163)  // Σ_{j ≥ 4} C(8, j) = 70 + 56 + 28 + 8 + 1
    #expect(!code.canDecode(from: [true, true, true, false, false, false, false, false]))
    #expect(throws: CodingError.tooFewSurvivors(scheme: "mds", survivors: 3, minimum: 4)) {
      try code.decode(worker.selectingRows([0, 5, 7]), survivors: [0, 5, 7])
    }
  }

  @Test("N = 1024, K = 512: only parity survivors decode to 1e-8")
  func large() throws {
    let code = try MDSCode(dataBlocks: 512, workers: 1024)
    let (worker, uncoded) = try PolarCodeTests.products(code: code, blockRows: 1, columns: 2, seed: 1)
    let survivors = Array(512..<1024)
    let decoded = try code.decode(worker.selectingRows(survivors), survivors: survivors)
    #expect(relativeGap(decoded, uncoded) <= 1e-8)
  }

  @Test("bad sizes are typed errors")
  func badSizes() {
    #expect(throws: CodingError.self) { try MDSCode(dataBlocks: 0, workers: 4) }
    #expect(throws: CodingError.self) { try MDSCode(dataBlocks: 5, workers: 4) }
    #expect(throws: CodingError.self) { try MDSCode(dataBlocks: 1 << 20, workers: 1 << 20) }
  }
}
