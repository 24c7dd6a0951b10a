import Dispatch
import Foundation

/// The fast path of ``CSVTable/formatted()``: numbers written with the runtime's shortest
/// round-trip formatter straight into byte buffers (no `String` per number), in parallel blocks
/// of rows for large tables. The bytes are exactly those of `"\(x)"` joined with "," and "\n".
extension CSVTable {
  /// ``formatted()`` as UTF-8 bytes.
  /// - Complexity: O(rows × columns).
  public func formattedUTF8() -> [UInt8] {
    var out = Array((header.joined(separator: ",") + "\n").utf8)
    let rows = values.rows
    let columns = values.columns
    guard rows > 0 && columns > 0 else {
      if columns == 0 { out += [UInt8](repeating: 10, count: rows) }
      return out
    }
    let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows * columns >> 15))
    let blocks = values.storage.withUnsafeBufferPointer { storage -> [[UInt8]] in
      let source = _SendablePointer(storage.baseAddress!)
      let results = UnsafeMutablePointer<[UInt8]>.allocate(capacity: parts)
      results.initialize(repeating: [], count: parts)
      defer { results.deinitialize(count: parts); results.deallocate() }
      let target = _SendablePointer(results)
      let body: @Sendable (Int) -> Void = { k in
        target.pointer[k] = _formatRows(
          source.pointer, rows: rows, columns: columns, from: rows * k / parts,
          to: rows * (k + 1) / parts)
      }
      if parts == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: body) }
      return Array(UnsafeBufferPointer(start: results, count: parts))
    }
    out.reserveCapacity(out.count + blocks.reduce(0) { $0 + $1.count })
    for block in blocks { out += block }
    return out
  }
}

/// Rows [from, to) of a rows × columns column-major table as CSV lines.
private func _formatRows(
  _ values: UnsafePointer<Double>, rows: Int, columns: Int, from: Int, to: Int
) -> [UInt8] {
  // At most 24 bytes per number ("-2.2250738585072014e-308") plus its separator.
  let capacity = (to - from) * columns * 25
  return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
    var p = buffer.baseAddress!
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { scratch in
      let s = scratch.baseAddress!
      for r in from..<to {
        for c in 0..<columns {
          let length = _DecimalNumber.format(values[r + c * rows], into: s)
          p.update(from: s, count: length)
          p += length
          p.pointee = c + 1 < columns ? 44 : 10
          p += 1
        }
      }
    }
    count = buffer.baseAddress!.distance(to: p)
  }
}
