import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The fast path of ``CSVTable/read(contentsOf:requireRows:)``: the file's bytes read in large
/// chunks (the line-length limit checked per chunk, not per byte), then the data rows parsed in
/// parallel chunks of whole lines with a correctly rounded float parser (``_DecimalNumber``).
///
/// The fast path accepts only what the general parser (``CSVTable/_parseUTF8(_:source:requireRows:)``)
/// accepts and gives the same bits (each cell is `strtod`'s value: cells the fast parser does not
/// handle go to `strtod` itself); at the first thing it does not expect — a blank or ragged line,
/// a non-number, a non-finite value, a header it cannot read — it gives up and the general parser
/// runs on the same bytes, so every error message, line and column is the general parser's.
extension CSVTable {
  /// The bytes of `path` (`-`: standard input), read with `read(2)` so that FIFOs and devices
  /// work; stops with ``CSVError/lineTooLong(file:line:limit:)`` at the first chunk in which a
  /// line passes ``maximumLineLength``.
  /// - Throws: ``CSVError``: missing file, a directory, a read error, a too long line.
  static func _readBytes(_ path: String) throws(CSVError) -> [UInt8] {
    let input = try _InputFile(path)
    defer { input.close() }
    return try input.readAll()
  }

  /// Calls `body` with the bytes of `path` (`-`: standard input): a non-empty regular file is
  /// mapped into memory (no copy), anything else is read as ``_readBytes(_:)`` reads it. The line
  /// limit and every error are those of ``_readBytes(_:)``; the bytes are valid only inside
  /// `body`.
  static func _withBytes<R>(
    _ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws(CSVError) -> R
  ) throws(CSVError) -> R {
    let input = try _InputFile(path)
    defer { input.close() }
    if let mapped = input.map() {
      defer { munmap(UnsafeMutableRawPointer(mutating: mapped.baseAddress), mapped.count) }
      var guardState = _LineLengthGuard(name: input.name)
      var offset = 0
      while offset < mapped.count {
        let count = min(guardState.chunkSize, mapped.count - offset)
        try guardState.check(
          UnsafeBufferPointer(rebasing: mapped[offset..<offset + count]),
          before: UnsafeBufferPointer(rebasing: mapped[0..<offset]))
        offset += count
      }
      return try body(mapped)
    }
    let bytes = try input.readAll()
    return try bytes.withUnsafeBufferPointer { (all) throws(CSVError) -> R in try body(all) }
  }

  /// The 1-based line of byte `index`: one more than the line ends before it ("\r\n" once).
  static func _lineNumber(_ bytes: UnsafeBufferPointer<UInt8>, upTo index: Int) -> Int {
    var line = 1
    var previous: UInt8 = 0
    for k in 0..<index {
      let byte = bytes[k]
      if byte == 10 && previous != 13 || byte == 13 { line += 1 }
      previous = byte
    }
    return line
  }

  /// The table in `all`, or nil when the fast path meets anything it does not expect (the
  /// caller then runs the general parser, which gives the same table or the precise error).
  static func _parseFast(_ all: UnsafeBufferPointer<UInt8>, source: String, requireRows: Bool)
    -> CSVTable?
  {
    guard let base = all.baseAddress, !all.isEmpty else { return nil }
    let count = all.count
    var headerEnd = 0
    while headerEnd < count && all[headerEnd] != 10 && all[headerEnd] != 13 { headerEnd += 1 }
    guard headerEnd < count else { return nil }
    // The header (with any byte-order mark) through the general parser, as a table without rows.
    let headerBytes = UnsafeBufferPointer(rebasing: all[0..<headerEnd])
    guard String(validating: headerBytes, as: UTF8.self) != nil,
      let head = try? _parseUTF8(headerBytes, source: source, requireRows: false)
    else { return nil }
    let columns = head.header.count
    var dataStart = headerEnd + 1
    if all[headerEnd] == 13 && dataStart < count && all[dataStart] == 10 { dataStart += 1 }
    // Trailing blank lines (and the last line's trailing spaces) are not data.
    var dataEnd = count
    while dataEnd > dataStart {
      let byte = all[dataEnd - 1]
      guard byte == 10 || byte == 13 || byte == 32 || byte == 9 else { break }
      dataEnd -= 1
    }
    guard dataEnd > dataStart else { return nil }

    // Chunks of whole lines: each chunk but the last ends just after a "\n".
    let size = dataEnd - dataStart
    let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, size >> 18))
    var bounds = [dataStart]
    for k in 1..<parts {
      var b = max(bounds[bounds.count - 1], dataStart + size * k / parts)
      while b < dataEnd && all[b] != 10 { b += 1 }
      bounds.append(min(b + 1, dataEnd))
    }
    bounds.append(dataEnd)
    let edges = bounds

    // Pass 1: lines per chunk.
    var lineCounts = [Int](repeating: 0, count: parts)
    let source0 = _SendablePointer(base)
    lineCounts.withUnsafeMutableBufferPointer { counts in
      let target = _SendablePointer(counts.baseAddress!)
      _forEachPart(parts) { k in
        target.pointer[k] = _countLines(source0.pointer, from: edges[k], to: edges[k + 1])
      }
    }
    var starts = [0]
    for k in 0..<parts { starts.append(starts[k] + lineCounts[k]) }
    let offsets = starts
    let rows = offsets[parts]

    // Pass 2: parse each chunk's rows into column-major storage.
    var ok = [Bool](repeating: false, count: parts)
    let storage = [Double](unsafeUninitializedCapacity: rows * columns) { values, initialised in
      let target = _SendablePointer(values.baseAddress!)
      ok.withUnsafeMutableBufferPointer { flags in
        let flag = _SendablePointer(flags.baseAddress!)
        _forEachPart(parts) { k in
          flag.pointer[k] = _parseRows(
            source0.pointer, from: edges[k], to: edges[k + 1], firstRow: offsets[k],
            rows: rows, columns: columns, into: target.pointer)
        }
      }
      initialised = rows * columns
    }
    guard ok.allSatisfy({ $0 }) else { return nil }
    return CSVTable(
      header: head.header, values: Matrix(rows: rows, columns: columns, columnMajor: storage))
  }
}

/// Runs `body(k)` for k in 0..<parts, on parallel threads when parts > 1.
private func _forEachPart(_ parts: Int, _ body: @Sendable (Int) -> Void) {
  if parts == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: body) }
}

/// The lines in [from, to): line ends ("\r\n" once), plus one when the range does not end in one.
/// Without any "\r" in the range (the usual case) the "\n" are found with `memchr`.
private func _countLines(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
  guard to > from else { return 0 }
  var lines = 0
  let start = UnsafeRawPointer(base + from)
  if memchr(start, 13, to - from) == nil {
    var p = start
    var remaining = to - from
    while remaining > 0, let hit = memchr(p, 10, remaining) {
      lines += 1
      let next = UnsafeRawPointer(hit) + 1
      remaining -= p.distance(to: next)
      p = next
    }
  } else {
    var previous: UInt8 = 0
    var p = base + from
    let end = base + to
    while p < end {
      let byte = p.pointee
      lines &+= (byte == 10 && previous != 13) || byte == 13 ? 1 : 0
      previous = byte
      p += 1
    }
  }
  let last = base[to - 1]
  return lines + (last == 10 || last == 13 ? 0 : 1)
}

/// Parses the lines in [from, to) as rows firstRow, firstRow + 1, … of a rows × columns
/// column-major table; false at anything the fast path does not accept.
private func _parseRows(
  _ base: UnsafePointer<UInt8>, from: Int, to: Int, firstRow: Int, rows: Int, columns: Int,
  into storage: UnsafeMutablePointer<Double>
) -> Bool {
  var p = base + from
  let end = base + to
  var row = firstRow
  @inline(__always) func skipBlanks() {
    while p < end && (p.pointee == 32 || p.pointee == 9) { p += 1 }
  }
  while p < end {
    guard row < rows else { return false }
    for c in 0..<columns {
      skipBlanks()
      let value: Double
      if let (v, length) = _DecimalNumber.parse(p, end) {
        value = v
        p += length
      } else {
        guard let v = _strtodCell(&p, end) else { return false }
        value = v
      }
      skipBlanks()
      if c + 1 < columns {
        guard p < end && p.pointee == 44 else { return false }
        p += 1
      } else {
        guard p == end || p.pointee == 10 || p.pointee == 13 else { return false }
      }
      storage[row + c * rows] = value
    }
    // One line end: "\n", "\r\n" or a lone "\r".
    if p < end && p.pointee == 13 {
      p += 1
      if p < end && p.pointee == 10 { p += 1 }
    } else if p < end && p.pointee == 10 {
      p += 1
    }
    row += 1
  }
  return true
}

/// A cell the fast parser left alone, read as the general parser reads it (`strtod` on the
/// trimmed cell, which must be consumed entirely; `Double(String)` beyond 127 bytes); nil when
/// that is not a finite number. Moves `p` to the cell's end.
private func _strtodCell(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
  let start = p
  var b = p
  while b < end && b.pointee != 44 && b.pointee != 10 && b.pointee != 13 { b += 1 }
  p = b
  while b > start && ((b - 1).pointee == 32 || (b - 1).pointee == 9) { b -= 1 }
  let length = start.distance(to: b)
  guard length > 0 else { return nil }
  var value = Double.nan
  if length < 128 {
    value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 128) { buffer -> Double in
      for k in 0..<length { buffer[k] = CChar(bitPattern: start[k]) }
      buffer[length] = 0
      var stop: UnsafeMutablePointer<CChar>? = nil
      let v = strtod(buffer.baseAddress!, &stop)
      return stop == buffer.baseAddress! + length ? v : .nan
    }
  } else if let v = Double(String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)) {
    value = v
  }
  return value.isFinite ? value : nil
}

/// An open input for the CSV readers: standard input, or a file checked the way the readers
/// report it ("no such file", "is a directory").
struct _InputFile {
  let name: String
  let fd: Int32
  /// The size of a regular file (0 for anything else).
  let regularSize: Int

  init(_ path: String) throws(CSVError) {
    name = _displayName(path)
    if path == "-" {
      fd = STDIN_FILENO
      regularSize = 0
      return
    }
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw .cannotRead(file: name, reason: errno == ENOENT ? "no such file" : _errnoText(errno))
    }
    guard info.st_mode & S_IFMT != S_IFDIR else {
      throw .cannotRead(file: name, reason: "is a directory")
    }
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .cannotRead(file: name, reason: _errnoText(errno)) }
    // The opened file's own type and size (the path may have changed since the stat).
    var opened = stat()
    if fstat(fd, &opened) == 0 && opened.st_mode & S_IFMT == S_IFREG {
      regularSize = Int(opened.st_size)
    } else {
      regularSize = 0
    }
  }

  func close() {
    if fd != STDIN_FILENO { _ = Glibc.close(fd) }
  }

  /// The whole regular file mapped read-only, or nil for empty files, streams and a failed
  /// `mmap` (the caller then reads). Pages are mapped as the parser's threads touch them (the
  /// kernel maps 16 neighbours per fault); `MAP_POPULATE`, which maps them all first on one
  /// thread, measured no faster at n = 10⁶. A file truncated by another process while it is read
  /// makes the process fail with SIGBUS, as with any mapped input.
  func map() -> UnsafeBufferPointer<UInt8>? {
    guard regularSize > 0 else { return nil }
    let address = mmap(nil, regularSize, PROT_READ, MAP_PRIVATE, fd, 0)
    guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
    return UnsafeBufferPointer(
      start: address.assumingMemoryBound(to: UInt8.self), count: regularSize)
  }

  /// All bytes up to the end, read in chunks with the line limit checked per chunk.
  func readAll() throws(CSVError) -> [UInt8] {
    var guardState = _LineLengthGuard(name: name)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(regularSize + 1)
    var chunk = [UInt8](repeating: 0, count: guardState.chunkSize)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .cannotRead(file: name, reason: _errnoText(errno))
      }
      if count == 0 { break }
      try chunk.withUnsafeBufferPointer { (c) throws(CSVError) in
        try bytes.withUnsafeBufferPointer { (before) throws(CSVError) in
          try guardState.check(UnsafeBufferPointer(rebasing: c[0..<count]), before: before)
        }
      }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return bytes
  }
}

/// The line-length limit checked one chunk at a time: a chunk is no longer than the limit, so a
/// line that starts and ends inside one chunk is short; only the first line end of each chunk
/// (and the bytes of the line carried over from earlier chunks) needs a look.
struct _LineLengthGuard {
  let name: String
  let limit = CSVTable.maximumLineLength
  var chunkSize: Int { min(limit, 1 << 20) }
  /// Bytes of the current line before this chunk.
  var lineLength = 0

  init(name: String) { self.name = name }

  /// Checks the next chunk; `before` is every byte before it (for the line number).
  mutating func check(_ c: UnsafeBufferPointer<UInt8>, before: UnsafeBufferPointer<UInt8>)
    throws(CSVError)
  {
    let count = c.count
    var first = 0
    while first < count && c[first] != 10 && c[first] != 13 { first += 1 }
    var last = -1
    if first < count {
      last = count - 1
      while c[last] != 10 && c[last] != 13 { last -= 1 }
    }
    if lineLength + first > limit {
      throw .lineTooLong(
        file: name, line: CSVTable._lineNumber(before, upTo: before.count), limit: limit)
    }
    lineLength = last < 0 ? lineLength + count : count - 1 - last
  }
}
