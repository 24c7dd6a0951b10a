@testable import CodedComputing
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The CSV fast paths (parallel chunked parsing with a correctly rounded float parser; shortest
/// round-trip output into byte buffers) against the general parser, `strtod` and `description`.
@Suite("CSV fast path")
struct CSVFastPathTests {
  /// strtod's value of `text` if it consumes all of it.
  func strtodValue(_ text: String) -> Double? {
    text.withCString { c in
      var end: UnsafeMutablePointer<CChar>? = nil
      let v = strtod(c, &end)
      return end == UnsafeMutablePointer(mutating: c) + strlen(c) ? v : nil
    }
  }

  func fastValue(_ text: String) -> Double? {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { b -> Double? in
      guard let base = b.baseAddress else { return nil }
      guard let (v, length) = _DecimalNumber.parse(base, base + b.count), length == b.count else {
        return nil
      }
      return v
    }
  }

  @Test("the float parser gives strtod's bits or declines, on 600 000 random decimal strings")
  func parserMatchesStrtod() {
    var generator = SystemRandomNumberGenerator()
    var declined = 0
    var checked = 0
    func check(_ text: String) {
      let fast = fastValue(text)
      if let fast {
        let reference = strtodValue(text)
        #expect(reference?.bitPattern == fast.bitPattern, "\(text): \(fast) vs \(String(describing: reference))")
        checked += 1
      } else {
        declined += 1
      }
    }
    for _ in 0..<100_000 {
      // Random bit patterns of finite doubles, in shortest, %.17g, %.16g and %.15e forms.
      let bits = UInt64.random(in: 0...UInt64.max, using: &generator)
      let x = Double(bitPattern: bits)
      guard x.isFinite else { continue }
      check("\(x)")
      check(String(format: "%.17g", x))
      check(String(format: "%.16g", x))
      check(String(format: "%.15e", x))
      // Moderate magnitudes, as data files have them.
      let y = Double.random(in: -1e6...1e6, using: &generator)
      check(String(format: "%.17g", y))
      check("\(y)")
    }
    // Random digit strings with random exponents, including halfway-style long significands.
    for _ in 0..<100_000 {
      let digits = Int.random(in: 1...19, using: &generator)
      var text = Bool.random(using: &generator) ? "-" : ""
      for k in 0..<digits {
        text += String(Int.random(in: (k == 0 ? 1 : 0)...9, using: &generator))
        if k == 0 && Bool.random(using: &generator) { text += "." }
      }
      text += "e\(Int.random(in: -330...310, using: &generator))"
      check(text)
    }
    // Exact halfway cases between neighbouring doubles (ties to even).
    for m in [UInt64(1) << 53, (UInt64(1) << 53) + 1, (UInt64(1) << 54) + 3, 9_007_199_254_740_993] {
      check("\(m)")
      check("\(m)e0")
    }
    #expect(checked > 500_000)
    #expect(declined < checked / 10)
  }

  @Test("plain, signed, dotted and exponent forms; declines what strtod must judge")
  func parserForms() {
    for (text, value) in [
      ("0", 0.0), ("-0", -0.0), ("+1.5", 1.5), ("1.", 1.0), (".5", 0.5), ("007", 7.0), ("1e5", 1e5),
      ("1E+05", 1e5), ("2.5e-3", 2.5e-3), ("1.7976931348623157e308", .greatestFiniteMagnitude),
      ("0.1", 0.1), ("123456789012345678", 123456789012345678.0),
    ] {
      #expect(fastValue(text)?.bitPattern == value.bitPattern, "\(text)")
    }
    for text in [
      "", "-", ".", "e5", "1e", "1e+", "inf", "nan", "0x1p3", "1e400", "4.9e-324", "1e-310",
      "12345678901234567890",
    ] {
      #expect(fastValue(text) == nil, "\(text)")
    }
  }

  @Test("formatting writes exactly description's bytes")
  func formatMatchesDescription() {
    var generator = SystemRandomNumberGenerator()
    var samples: [Double] = [
      0, -0.0, 1, 0.1, 1e-5, 3, 1e16, 1e-7, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
      .leastNormalMagnitude, -2.2250738585072014e-308, 5e-324, 123456.789, .infinity, -.infinity,
      .nan,
    ]
    for _ in 0..<100_000 {
      samples.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)))
      samples.append(Double.random(in: -10...10, using: &generator))
    }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
      for x in samples {
        let length = _DecimalNumber.format(x, into: buffer.baseAddress!)
        let text = String(decoding: UnsafeBufferPointer(start: buffer.baseAddress!, count: length), as: UTF8.self)
        #expect(text == "\(x)")
      }
    }
    let table = CSVTable(
      header: ["a", "b"], values: Matrix(rows: 3, columns: 2, columnMajor: [0.1, -2, 1e-5, 3, 4.5, 1e300]))
    #expect(table.formatted() == "a,b\n0.1,3.0\n-2.0,4.5\n1e-05,1e+300\n")
  }

  @Test("large tables: fast read (2 threads) == general parser, and formatted() round-trips")
  func largeTables() throws {
    var generator = SystemRandomNumberGenerator()
    let rows = 60_000
    var storage = [Double]()
    for k in 0..<(3 * rows) {
      switch k % 5 {
      case 0: storage.append(Double(k))
      case 1: storage.append(Double.random(in: -1...1, using: &generator))
      case 2: storage.append(Double(bitPattern: UInt64.random(in: 0...0x7FEF_FFFF_FFFF_FFFF, using: &generator)))
      case 3: storage.append(1e-320 * Double(k % 7 + 1))  // subnormal: strtod's cells
      default: storage.append(-Double.random(in: 0...1e-300, using: &generator))
      }
    }
    let table = CSVTable(header: ["t", "y", "z"], values: Matrix(rows: rows, columns: 3, columnMajor: storage))
    var text = table.formatted()
    #expect(try CSVTable.parse(text) == table)
    // Variants of the same table: CRLF, lone CR, spaces, %.17g, trailing blank lines.
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.removeLast()
    let variants = [
      lines.joined(separator: "\r\n") + "\r\n",
      lines.joined(separator: "\r"),
      lines.map { $0.replacingOccurrences(of: ",", with: " ,\t") }.joined(separator: "\n") + "\n \n\n",
      ([lines[0]] + (0..<rows).map { r in
        (0..<3).map { String(format: "%.17g", storage[r + $0 * rows]) }.joined(separator: ",")
      }).joined(separator: "\n"),
    ]
    for variant in variants {
      var copy = variant
      let fast = copy.withUTF8 { CSVTable._parseFast($0, source: "v", requireRows: true) }
      let general = try copy.withUTF8 { try CSVTable._parseUTF8($0, source: "v", requireRows: true) }
      if variant.contains("\r") && !variant.contains("\n") {
        #expect(fast == general)  // one chunk (no "\n" to split at), still the fast parser
      } else {
        #expect(fast == general)
      }
      #expect(general == table)
    }
    // Through a file, as `coded spline` reads it.
    let path = NSTemporaryDirectory() + "csv-fast-\(getpid()).csv"
    defer { unlink(path) }
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    #expect(try CSVTable.read(contentsOf: path) == table)
    // An error deep in the second chunk is the general parser's error.
    let broken = rows - 10
    text = ([lines[0]] + lines[1...].enumerated().map { $0.offset == broken ? $0.element + "x" : $0.element })
      .joined(separator: "\n")
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    var copy = text
    let expected: CSVError? = copy.withUTF8 { bytes in
      do throws(CSVError) {
        _ = try CSVTable._parseUTF8(bytes, source: path, requireRows: true)
        return nil
      } catch {
        return error
      }
    }
    #expect(expected == .notANumber(
      file: path, line: broken + 2, column: 3, name: "z", text: lines[broken + 1].split(separator: ",")[2] + "x"))
    if let expected {
      #expect(throws: expected) { try CSVTable.read(contentsOf: path) }
    }
  }

  @Test("every small hostile text: the fast path agrees with the general parser or declines")
  func smallTexts() {
    let cells = ["1", " 2 ", "-3e-2", "", "x", "1e", "nan", "inf", "0x10", "\u{0}", "1\u{0}", "\t4",
                 "1e400", "5e-324", "+.5", "1.", "\u{0C}7", "١"]
    let ends = ["\n", "\r\n", "\r", "\n\n", " \n", "\r\r\n"]
    for a in cells {
      for b in cells {
        for end in ends {
          let text = "p,q" + end + a + "," + b + end + "1,2" + end
          var copy = text
          let fast = copy.withUTF8 { CSVTable._parseFast($0, source: "s", requireRows: true) }
          let general = copy.withUTF8 { bytes -> CSVTable? in try? CSVTable._parseUTF8(bytes, source: "s", requireRows: true) }
          if let fast { #expect(fast == general, "\(text.debugDescription)") }
        }
      }
    }
  }
}
