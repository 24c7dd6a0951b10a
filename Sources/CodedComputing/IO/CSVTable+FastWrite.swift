import Dispatch
import Foundation

/// The fast path of ``CSVTable/formatted()``: numbers written with the runtime's shortest
/// round-trip formatter straight into byte buffers (no `String` per number), in parallel blocks
/// of rows for large tables. The bytes are exactly those of `"\(x)"` joined with "," and "\n".
extension CSVTable {
  /// ``formatted()`` as UTF-8 bytes.
  /// - Complexity: O(rows × columns).
  public func formattedUTF8() -> [UInt8] {
    var out: [UInt8] = []
    _writeFormatted { bytes in out.append(contentsOf: bytes) }
    return out
  }

  /// Writes ``formatted()``'s bytes to the open file descriptor `fd` (standard output by
  /// default) as they are produced, a block of rows at a time, without holding the whole text in
  /// memory. Retries interrupted and partial writes; the descriptor stays open.
  /// - Parameters:
  ///   - fd: an open descriptor to write to (1: standard output).
  ///   - name: the destination's name in an error message.
  /// - Throws: ``CSVError/cannotWrite(file:reason:)`` when `write(2)` fails (a closed pipe, a
  ///   full disk).
  public func write(toFileDescriptor fd: Int32 = 1, name: String = "<stdout>") throws(CSVError) {
    try _writeFormatted { (bytes) throws(CSVError) in
      try OutputFile._writeAll(bytes, to: fd, for: name)
    }
  }

  /// Hands ``formatted()``'s bytes to `sink` in order, in pieces: the header line, then blocks
  /// of rows formatted in parallel (one block per core per round) into buffers reused from round
  /// to round, so the memory touched stays a few megabytes whatever the table's size.
  func _writeFormatted<E: Error>(_ sink: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
    let head = Array((header.joined(separator: ",") + "\n").utf8)
    try head.withUnsafeBufferPointer { (bytes) throws(E) in
      try sink(UnsafeRawBufferPointer(bytes))
    }
    let rows = values.rows
    let columns = values.columns
    guard rows > 0 else { return }
    guard columns > 0 else {
      let newlines = [UInt8](repeating: 10, count: rows)
      try newlines.withUnsafeBufferPointer { (bytes) throws(E) in
        try sink(UnsafeRawBufferPointer(bytes))
      }
      return
    }
    // About 32 K numbers a block; one block per core per round for tables that large.
    let blockRows = max(1, min(rows, (1 << 15) / columns))
    let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows / blockRows))
    // At most 24 bytes per number ("-2.2250738585072014e-308") plus its separator, and the
    // formatter's 32-byte window after the last one.
    let capacity = blockRows * columns * 25 + 32
    let buffers = UnsafeMutablePointer<UInt8>.allocate(capacity: parts * capacity)
    defer { buffers.deallocate() }
    var lengths = [Int](repeating: 0, count: parts)
    try values.storage.withUnsafeBufferPointer { (storage) throws(E) in
      let source = _SendablePointer(storage.baseAddress!)
      let target = _SendablePointer(buffers)
      var first = 0
      while first < rows {
        let round = first
        let blocks = min(parts, (rows - first + blockRows - 1) / blockRows)
        lengths.withUnsafeMutableBufferPointer { lengthBuffer in
          let written = _SendablePointer(lengthBuffer.baseAddress!)
          let body: @Sendable (Int) -> Void = { k in
            let from = round + k * blockRows
            written.pointer[k] = _formatRows(
              source.pointer, rows: rows, columns: columns, from: from,
              to: min(rows, from + blockRows), into: target.pointer + k * capacity)
          }
          if blocks == 1 {
            body(0)
          } else {
            DispatchQueue.concurrentPerform(iterations: blocks, execute: body)
          }
        }
        for k in 0..<blocks {
          try sink(UnsafeRawBufferPointer(start: buffers + k * capacity, count: lengths[k]))
        }
        first += blocks * blockRows
      }
    }
  }
}

/// Rows [from, to) of a rows × columns column-major table as CSV lines, written to `out`
/// (room for 25 bytes per number and 32 more); returns the number of bytes. Each number is
/// formatted in place (the formatter's 32-byte window may run past the number's own bytes).
private func _formatRows(
  _ values: UnsafePointer<Double>, rows: Int, columns: Int, from: Int, to: Int,
  into out: UnsafeMutablePointer<UInt8>
) -> Int {
  var p = out
  for r in from..<to {
    for c in 0..<columns {
      p += _DecimalNumber.format(values[r + c * rows], into: p)
      p.pointee = c + 1 < columns ? 44 : 10
      p += 1
    }
  }
  return out.distance(to: p)
}
