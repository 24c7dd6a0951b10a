import Foundation

/// A numeric table with named columns: what the `coded` CLI reads and writes as CSV.
///
/// The format is deliberately small: a header row of column names, then rows of finite numbers,
/// separated by commas. Reading accepts a trailing newline, CRLF line ends, a UTF-8 byte-order
/// mark and spaces around cells and names (names may also be wrapped in double quotes); it rejects
/// everything else with a ``CSVError`` naming the file, the 1-based line and column, and the
/// offending text. Quoted cells containing commas are not supported. Writing prints every number
/// in Swift's shortest round-trip form, so reading a written table gives back the same bits,
/// and writes files atomically (a temporary file in the same directory, then `rename`).
///
/// ```swift
/// let table = try CSVTable.read(contentsOf: "data.csv")   // header t,y1,y2
/// let t = table.values.column(0)
/// try CSVTable(header: ["t", "y"], values: fitted).write(to: "fit.csv")
/// ```
///
/// `values` is a ``Matrix`` (column-major): one row per data line, one column per header name.
public struct CSVTable: Sendable, Equatable {
  /// The column names, in file order.
  public let header: [String]
  /// The numbers: one row per data line, `header.count` columns.
  public let values: Matrix

  /// A table; `values` must have one column per header name.
  public init(header: [String], values: Matrix) {
    precondition(
      header.count == values.columns,
      "CSVTable: \(header.count) header names for \(values.columns) columns")
    self.header = header
    self.values = values
  }

  /// Parses CSV text.
  /// - Parameters:
  ///   - text: the file's contents.
  ///   - source: the file name used in error messages.
  ///   - requireRows: whether a header without data rows is an error.
  /// - Throws: ``CSVError`` for an empty text, a missing or empty header name, a header without
  ///   rows (when `requireRows`), blank or ragged lines, non-numbers and NaN/infinity.
  /// - Complexity: O(size of text).
  public static func parse(_ text: String, source: String = "<input>", requireRows: Bool = true)
    throws(CSVError) -> CSVTable
  {
    var text = text
    let result: Result<CSVTable, CSVError> = text.withUTF8 { bytes in
      do throws(CSVError) {
        if let table = _parseFast(bytes, source: source, requireRows: requireRows) {
          return .success(table)
        }
        return .success(try _parseUTF8(bytes, source: source, requireRows: requireRows))
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// The byte-level parser behind ``parse(_:source:requireRows:)``: lines split at "\n" (a "\r"
  /// before it dropped), cells at ",", numbers read with `strtod` straight from the buffer. The
  /// header line goes through `String` (names may be quoted); data rows never build a `String`
  /// unless they are wrong and an error must quote them.
  static func _parseUTF8(_ all: UnsafeBufferPointer<UInt8>, source: String, requireRows: Bool)
    throws(CSVError) -> CSVTable
  {
    let newline = UInt8(ascii: "\n")
    let carriageReturn = UInt8(ascii: "\r")
    let comma = UInt8(ascii: ",")
    var start = 0
    if all.count >= 3 && all[0] == 0xEF && all[1] == 0xBB && all[2] == 0xBF { start = 3 }
    // Line ranges [from, to) without their line ends.
    // Lines end at "\n", "\r\n" or a lone "\r" (classic Mac files).
    var lines: [(Int, Int)] = []
    var lineStart = start
    var i = start
    while i < all.count {
      let byte = all[i]
      if byte == newline || byte == carriageReturn {
        lines.append((lineStart, i))
        if byte == carriageReturn && i + 1 < all.count && all[i + 1] == newline { i += 1 }
        lineStart = i + 1
      }
      i += 1
    }
    lines.append((lineStart, all.count))
    func isBlank(_ line: (Int, Int)) -> Bool {
      (line.0..<line.1).allSatisfy { all[$0] == 0x20 || all[$0] == 0x09 }
    }
    while let last = lines.last, isBlank(last) { lines.removeLast() }
    guard let headerLine = lines.first else { throw .empty(file: source) }

    let headerText = String(decoding: UnsafeBufferPointer(rebasing: all[headerLine.0..<headerLine.1]), as: UTF8.self)
    let header = headerText.split(separator: ",", omittingEmptySubsequences: false).map {
      var name = $0.trimmingCharacters(in: .whitespaces)
      if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
        name = String(name.dropFirst().dropLast())
      }
      return name
    }
    if let empty = header.firstIndex(where: \.isEmpty) {
      throw .emptyColumnName(file: source, column: empty + 1)
    }
    let columns = header.count
    let rowCount = lines.count - 1
    if rowCount == 0 && requireRows { throw .noDataRows(file: source) }

    var storage = [Double](repeating: 0, count: rowCount * columns)
    var scratch = [CChar](repeating: 0, count: 128)
    for r in 0..<rowCount {
      let (from, to) = lines[r + 1]
      let lineNumber = r + 2
      if isBlank((from, to)) { throw .blankLine(file: source, line: lineNumber) }
      var cellsInLine = 1
      for i in from..<to where all[i] == comma { cellsInLine += 1 }
      guard cellsInLine == columns else {
        throw .raggedRow(file: source, line: lineNumber, expected: columns, actual: cellsInLine)
      }
      var cellStart = from
      for c in 0..<columns {
        var cellEnd = cellStart
        while cellEnd < to && all[cellEnd] != comma { cellEnd += 1 }
        var a = cellStart
        var b = cellEnd
        while a < b && (all[a] == 0x20 || all[a] == 0x09) { a += 1 }
        while b > a && (all[b - 1] == 0x20 || all[b - 1] == 0x09) { b -= 1 }
        let token = { String(decoding: UnsafeBufferPointer(rebasing: all[a..<b]), as: UTF8.self) }
        let length = b - a
        var value = Double.nan
        var parsed = false
        if length > 0 && length < scratch.count {
          scratch.withUnsafeMutableBufferPointer { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: all[a + k]) }
            buffer[length] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            value = strtod(buffer.baseAddress!, &end)
            parsed = end == buffer.baseAddress! + length && !(buffer[0] == 0x20 || buffer[0] == 0x09)
          }
        } else if length > 0, let v = Double(token()) {
          value = v
          parsed = true
        }
        guard parsed else {
          throw .notANumber(file: source, line: lineNumber, column: c + 1, name: header[c], text: token())
        }
        guard value.isFinite else {
          throw .nonFinite(file: source, line: lineNumber, column: c + 1, name: header[c], text: token())
        }
        storage[r + c * rowCount] = value
        cellStart = cellEnd + 1
      }
    }
    return CSVTable(
      header: header, values: Matrix(rows: rowCount, columns: columns, columnMajor: storage))
  }

  /// Reads and parses the file at `path` (`-` is standard input); see
  /// ``parse(_:source:requireRows:)``. Files are read as streams, so FIFOs, `/dev/stdin` and
  /// character devices work, and reading stops at the first line longer than
  /// ``maximumLineLength`` bytes (`/dev/zero`, a binary file) instead of filling memory.
  /// - Throws: ``CSVError/cannotRead(file:reason:)`` for a missing, unreadable or non-UTF-8 file,
  ///   ``CSVError/lineTooLong(file:line:limit:)``, otherwise as ``parse(_:source:requireRows:)``.
  public static func read(contentsOf path: String, requireRows: Bool = true) throws(CSVError)
    -> CSVTable
  {
    let name = _displayName(path)
    return try _withBytes(path) { (bytes) throws(CSVError) -> CSVTable in
      if let table = _parseFast(bytes, source: name, requireRows: requireRows) { return table }
      guard let text = String(validating: bytes, as: UTF8.self) else {
        throw .cannotRead(file: name, reason: "not UTF-8 text")
      }
      return try parse(text, source: name, requireRows: requireRows)
    }
  }

  /// The table as CSV text: the header line, then one line per row, each ending in "\n".
  /// Numbers are printed in Swift's shortest form that reads back to the same `Double`.
  /// - Complexity: O(rows × columns).
  public func formatted() -> String {
    String(decoding: formattedUTF8(), as: UTF8.self)
  }

  /// Writes ``formatted()`` to `path` as ``OutputFile`` does: regular files atomically
  /// (temporary file in the same directory, then renamed over `path`, keeping its mode), links
  /// through to their target, character devices and FIFOs as streams.
  /// - Throws: ``CSVError/cannotWrite(file:reason:)``.
  public func write(to path: String) throws(CSVError) {
    try OutputFile._write(to: path) { (fd) throws(CSVError) in
      try write(toFileDescriptor: fd, name: path)
    }
  }

  /// Writes `text` to `path`; see ``OutputFile/write(_:to:)-(String,_)``.
  /// - Throws: ``CSVError/cannotWrite(file:reason:)``.
  public static func writeAtomically(_ text: String, to path: String) throws(CSVError) {
    try OutputFile.write(text, to: path)
  }
}

/// Why a CSV file could not be read or written, with the place it went wrong.
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file is missing, unreadable or not UTF-8.
  case cannotRead(file: String, reason: String)
  /// The file has no header line.
  case empty(file: String)
  /// The file has a header but no data rows where data is needed.
  case noDataRows(file: String)
  /// Header column `column` (1-based) has no name.
  case emptyColumnName(file: String, column: Int)
  /// A blank line between data rows.
  case blankLine(file: String, line: Int)
  /// A data line with a different number of cells than the header.
  case raggedRow(file: String, line: Int, expected: Int, actual: Int)
  /// A cell that is not a number.
  case notANumber(file: String, line: Int, column: Int, name: String, text: String)
  /// A NaN or infinite cell (including numbers too large for a Double).
  case nonFinite(file: String, line: Int, column: Int, name: String, text: String)
  /// The file could not be written.
  case cannotWrite(file: String, reason: String)
  /// A line longer than ``CSVTable/maximumLineLength`` bytes (a binary or endless file).
  case lineTooLong(file: String, line: Int, limit: Int)

  public var description: String {
    switch self {
    case .cannotRead(let file, let reason):
      return "cannot read '\(file)': \(reason)"
    case .empty(let file):
      return "'\(file)' is empty: expected a header line and data rows"
    case .noDataRows(let file):
      return "'\(file)' has a header but no data rows"
    case .emptyColumnName(let file, let column):
      return "'\(file)' line 1: column \(column) of the header has no name"
    case .blankLine(let file, let line):
      return "'\(file)' line \(line): blank line between data rows"
    case .raggedRow(let file, let line, let expected, let actual):
      return "'\(file)' line \(line): \(actual) cells, but the header has \(expected) columns"
    case .notANumber(let file, let line, let column, let name, let text):
      let shown = text.isEmpty ? "an empty cell" : "'\(_visible(text))'"
      return "'\(file)' line \(line), column \(column) (\(_visible(name))): \(shown) is not a number"
    case .nonFinite(let file, let line, let column, let name, let text):
      return
        "'\(file)' line \(line), column \(column) (\(_visible(name))): '\(_visible(text))' is not finite (NaN and infinity are not allowed)"
    case .cannotWrite(let file, let reason):
      return "cannot write '\(file)': \(reason)"
    case .lineTooLong(let file, let line, let limit):
      return
        "'\(file)' line \(line) is longer than \(limit) bytes: not a CSV file of numbers (binary or endless input?)"
    }
  }
}

@inline(__always) func _isBlank(_ line: Substring) -> Bool {
  line.allSatisfy { $0 == " " || $0 == "\t" }
}

/// The shortest decimal that reads back as `x` ("0.1", "1e-05", "3.0").
@inline(__always) func _csvNumber(_ x: Double) -> String { "\(x)" }

func _reason(_ error: any Error) -> String { (error as NSError).localizedDescription }
