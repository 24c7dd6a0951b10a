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
    let name = _displayName(path)
    let fd: Int32
    if path == "-" {
      fd = STDIN_FILENO
    } else {
      var info = stat()
      guard stat(path, &info) == 0 else {
        throw .cannotRead(file: name, reason: errno == ENOENT ? "no such file" : _errnoText(errno))
      }
      guard info.st_mode & S_IFMT != S_IFDIR else {
        throw .cannotRead(file: name, reason: "is a directory")
      }
      fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { throw .cannotRead(file: name, reason: _errnoText(errno)) }
    }
    defer { if fd != STDIN_FILENO { close(fd) } }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var line = 1
    var lineLength = 0
    var previous: UInt8 = 0
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .cannotRead(file: name, reason: _errnoText(errno))
      }
      if count == 0 { break }
      for k in 0..<count {
        let byte = chunk[k]
        defer { previous = byte }
        if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
          // "\r\n" counts once: the "\n" after a "\r" only resets an already empty line.
          if !(byte == UInt8(ascii: "\n") && previous == UInt8(ascii: "\r")) { line += 1 }
          lineLength = 0
        } else {
          lineLength += 1
          if lineLength > maximumLineLength {
            throw .lineTooLong(file: name, line: line, limit: maximumLineLength)
          }
        }
      }
      bytes.append(contentsOf: chunk[0..<count])
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .cannotRead(file: name, reason: "not UTF-8 text")
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
