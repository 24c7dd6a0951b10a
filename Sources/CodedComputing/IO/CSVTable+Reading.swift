import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension CSVTable {
  /// The longest line, in bytes, a CSV file may have: 1 MiB (about 40 000 numeric columns).
  /// A longer line means binary or endless input; reading stops there with an error.
  public static let maximumLineLength = 1 << 20

  /// The whole text of `path` (`-`: standard input), read with `read(2)` in chunks so that FIFOs
  /// and devices work; stops with ``CSVError/lineTooLong(file:line:limit:)`` as soon as a line
  /// passes ``maximumLineLength``.
  /// - Throws: ``CSVError``: missing file, a directory, a read error, not UTF-8, a too long line.
  static func _readText(_ path: String) throws(CSVError) -> String {
    let bytes = try _readBytes(path)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .cannotRead(file: _displayName(path), reason: "not UTF-8 text")
    }
    return text
  }
}

/// The name a path has in messages: `-` is standard input.
func _displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

/// `text` with control characters shown as escapes (a NUL byte as `\0`, others as `\u{1B}`), so
/// that a message quoting a cell shows what the cell really holds.
func _visible(_ text: String) -> String {
  var out = ""
  for scalar in text.unicodeScalars {
    switch scalar.value {
    case 0: out += "\\0"
    case 0x09: out += "\\t"
    case 0x0A: out += "\\n"
    case 0x0D: out += "\\r"
    case 0x01..<0x20, 0x7F: out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out
}
