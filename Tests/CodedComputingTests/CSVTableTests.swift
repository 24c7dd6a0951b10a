import CodedComputing
import Foundation
import Testing

/// Reading and writing the CLI's numeric CSV tables.
@Suite("CSVTable")
struct CSVTableTests {
  @Test("parses a header and numbers; tolerates CRLF, BOM, spaces, quotes and a trailing newline")
  func parsesTolerantly() throws {
    let variants = [
      "t,y\n0,1.5\n2,-3e-2\n",
      "t,y\n0,1.5\n2,-3e-2",
      "t,y\r\n0,1.5\r\n2,-3e-2\r\n",
      "\u{FEFF}t,y\n0,1.5\n2,-3e-2\n\n\n",
      " t , \"y\" \n 0 ,\t1.5\n2, -3e-2 \n",
    ]
    for text in variants {
      let table = try CSVTable.parse(text, source: "x.csv")
      #expect(table.header == ["t", "y"], "\(text.debugDescription)")
      #expect(table.values == Matrix(rows: [[0, 1.5], [2, -0.03]]), "\(text.debugDescription)")
    }
  }

  @Test("a header-only table is allowed when rows are optional")
  func headerOnly() throws {
    let table = try CSVTable.parse("a,b\n", source: "h.csv", requireRows: false)
    #expect(table.header == ["a", "b"] && table.values.rows == 0)
    #expect(throws: CSVError.noDataRows(file: "h.csv")) {
      try CSVTable.parse("a,b\n", source: "h.csv")
    }
  }

  @Test("rejects bad files with the file, line and column")
  func rejects() {
    #expect(throws: CSVError.empty(file: "f")) { try CSVTable.parse("", source: "f") }
    #expect(throws: CSVError.empty(file: "f")) { try CSVTable.parse(" \n\r\n", source: "f") }
    #expect(throws: CSVError.emptyColumnName(file: "f", column: 2)) {
      try CSVTable.parse("a,,c\n1,2,3\n", source: "f")
    }
    #expect(throws: CSVError.raggedRow(file: "f", line: 3, expected: 2, actual: 1)) {
      try CSVTable.parse("a,b\n1,2\n3\n", source: "f")
    }
    #expect(throws: CSVError.raggedRow(file: "f", line: 2, expected: 2, actual: 3)) {
      try CSVTable.parse("a,b\n1,2,\n", source: "f")
    }
    #expect(throws: CSVError.blankLine(file: "f", line: 3)) {
      try CSVTable.parse("a\n1\n\n2\n", source: "f")
    }
    #expect(throws: CSVError.notANumber(file: "f", line: 2, column: 2, name: "b", text: "")) {
      try CSVTable.parse("a,b\n1,\n", source: "f")
    }
    #expect(throws: CSVError.notANumber(file: "f", line: 3, column: 1, name: "a", text: "1x")) {
      try CSVTable.parse("a\n1\n1x\n", source: "f")
    }
    for bad in ["nan", "NaN", "inf", "-infinity", "1e309"] {
      #expect(throws: CSVError.nonFinite(file: "f", line: 2, column: 1, name: "a", text: bad)) {
        try CSVTable.parse("a\n\(bad)\n", source: "f")
      }
    }
  }

  @Test("messages name the place")
  func messages() {
    #expect(
      CSVError.notANumber(file: "d.csv", line: 7, column: 2, name: "y", text: "abc").description
        == "'d.csv' line 7, column 2 (y): 'abc' is not a number")
    #expect(
      CSVError.raggedRow(file: "d.csv", line: 3, expected: 2, actual: 3).description
        == "'d.csv' line 3: 3 cells, but the header has 2 columns")
  }

  @Test("writes numbers that read back exactly, atomically")
  func roundTrip() throws {
    var generator = SplitMix64(seed: 77)
    let values = Matrix(
      rows: 50, columns: 3,
      columnMajor: (0..<150).map { _ in
        Double.random(in: -1..<1, using: &generator)
          * pow(10, Double(Int.random(in: -300...300, using: &generator)))
      } + [])
    let table = CSVTable(header: ["a", "b", "c"], values: values)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "csv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("out.csv").path
    try Data("old contents".utf8).write(to: URL(fileURLWithPath: path))
    try table.write(to: path)
    let back = try CSVTable.read(contentsOf: path)
    #expect(back == table)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv"])
    #expect(table.formatted().hasPrefix("a,b,c\n"))
    #expect(
      CSVTable(header: ["x"], values: Matrix(column: [0.1, 1e-5, 3])).formatted()
        == "x\n0.1\n1e-05\n3.0\n")
    #expect(throws: CSVError.self) {
      try table.write(to: directory.appendingPathComponent("no/such/dir.csv").path)
    }
    #expect(throws: CSVError.cannotRead(file: directory.path, reason: "is a directory")) {
      try CSVTable.read(contentsOf: directory.path)
    }
  }

  @Test("a regular file (mapped) and the same bytes from a FIFO give the same table or error")
  func mappedAndStreamedAgree() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "csv-mapped-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let rows = String(repeating: "0.25,1e-3\n", count: 150_000)  // 1.5 MB: several chunks
    let cases = [
      "t,y\n" + rows,
      "",
      "t,y\n" + rows + "x,1\n",  // a bad cell after the first MiB
      "t,y\n0,1\n" + String(repeating: "1", count: 1_500_000) + "\n2,3\n",  // line 3 too long
      "t,y\n" + rows + String(repeating: "2", count: 1_100_000),  // the last line too long
    ]
    for (index, text) in cases.enumerated() {
      let file = directory.appendingPathComponent("case\(index).csv").path
      try Data(text.utf8).write(to: URL(fileURLWithPath: file))
      let fifo = directory.appendingPathComponent("fifo\(index)").path
      #expect(mkfifo(fifo, 0o600) == 0)
      let writer = Thread {
        // The reader stops early at a too long line: the write then fails with EPIPE, and
        // SIGPIPE, blocked in this thread only, must not end the test process.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
        let fd = open(fifo, O_WRONLY)
        guard fd >= 0 else { return }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
          let written = bytes.withUnsafeBytes {
            write(fd, $0.baseAddress! + offset, $0.count - offset)
          }
          if written <= 0 { break }
          offset += written
        }
        close(fd)
      }
      writer.start()
      let mapped = Result { try CSVTable.read(contentsOf: file) }
      let streamed = Result { try CSVTable.read(contentsOf: fifo) }
      switch (mapped, streamed) {
      case (.success(let a), .success(let b)):
        #expect(a == b, "case \(index)")
        #expect(a.values.rows == 150_000, "case \(index)")
      case (.failure(let a), .failure(let b)):
        #expect("\(a)".replacingOccurrences(of: file, with: "F")
          == "\(b)".replacingOccurrences(of: fifo, with: "F"), "case \(index)")
      default:
        Issue.record("case \(index): mapped \(mapped), streamed \(streamed)")
      }
    }
  }
}
