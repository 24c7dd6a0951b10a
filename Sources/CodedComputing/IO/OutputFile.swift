import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where an output path really leads, and how to write there without damaging anything.
///
/// - a missing path or a **regular file**: written atomically — a temporary file in the same
///   directory, then `rename` — so readers see the old file or the complete new one; an existing
///   file keeps its permission bits (a 0600 file stays 0600), and one the user may not write is
///   refused;
/// - a **symbolic link** (chains of them too): followed, and its final target written as above,
///   atomically in the *target's* directory, so the link itself stays a link;
/// - a **character device** (`/dev/null`, a terminal) or a **FIFO**: streamed to, never replaced;
/// - a directory, a block device or a socket: refused.
///
/// ``check(_:)`` answers all of this before any work is done, so a command that runs for minutes
/// can refuse a bad `--output` up front; ``write(_:to:)-(String,_)`` checks again and writes.
///
/// ```swift
/// _ = try OutputFile.check("results.csv")      // fails now if the directory is missing
/// let csvText = "n,mse\n20,0.49\n"              // … the long computation …
/// try OutputFile.write(csvText, to: "results.csv")
/// ```
public enum OutputFile {
  /// How a checked destination is written.
  public enum Kind: Equatable, Sendable {
    /// Atomic replacement of (or creation of) the regular file at `path`, with permission bits
    /// `mode` (nil: a new file, created with 0666 minus the umask).
    case atomic(path: String, mode: mode_t?)
    /// Written in place, as a stream (character device, FIFO).
    case stream(path: String)
  }

  /// Resolves `path` (following symbolic links) and checks that it can be written.
  /// - Throws: ``CSVError/cannotWrite(file:reason:)`` naming `path` and why: a missing or
  ///   read-only directory, a directory, a block device or socket, a link loop.
  public static func check(_ path: String) throws(CSVError) -> Kind {
    guard !path.isEmpty else { throw .cannotWrite(file: path, reason: "empty path") }
    var current = path
    // At most 40 links, as the kernel's own limit (ELOOP).
    for _ in 0..<40 {
      var info = stat()
      if lstat(current, &info) != 0 {
        let error = errno
        guard error == ENOENT else { throw .cannotWrite(file: path, reason: _errnoText(error)) }
        try _checkDirectory(of: current, for: path)
        return .atomic(path: current, mode: nil)
      }
      switch info.st_mode & S_IFMT {
      case S_IFLNK:
        current = try _readLink(current, for: path)
      case S_IFREG:
        // A file its owner made read-only stays unwritten, as with `>` in a shell.
        guard access(current, W_OK) == 0 else {
          throw .cannotWrite(file: path, reason: _errnoText(errno))
        }
        try _checkDirectory(of: current, for: path)
        return .atomic(path: current, mode: info.st_mode & 0o7777)
      case S_IFCHR, S_IFIFO:
        guard access(current, W_OK) == 0 else {
          throw .cannotWrite(file: path, reason: _errnoText(errno))
        }
        return .stream(path: current)
      case S_IFDIR:
        throw .cannotWrite(file: path, reason: "is a directory")
      case S_IFBLK:
        throw .cannotWrite(file: path, reason: "is a block device (refusing to overwrite it)")
      default:
        throw .cannotWrite(file: path, reason: "is a socket or other special file")
      }
    }
    throw .cannotWrite(file: path, reason: "too many levels of symbolic links")
  }

  /// Writes `text` to `path` as described on ``OutputFile``.
  /// - Throws: ``CSVError/cannotWrite(file:reason:)``.
  public static func write(_ text: String, to path: String) throws(CSVError) {
    try write(Data(text.utf8), to: path)
  }

  /// Writes `data` to `path` as described on ``OutputFile``.
  public static func write(_ data: Data, to path: String) throws(CSVError) {
    try _write(to: path) { (fd) throws(CSVError) in try _writeAll(data, to: fd, for: path) }
  }

  /// Opens `path`'s destination as described on ``OutputFile`` and lets `produce` write to the
  /// descriptor; a regular file is written to a temporary file renamed over `path` only after
  /// `produce` returned, so a failure leaves the old file untouched.
  static func _write(to path: String, _ produce: (Int32) throws(CSVError) -> Void)
    throws(CSVError)
  {
    switch try check(path) {
    case .stream(let target):
      let fd = open(target, O_WRONLY | O_CLOEXEC)
      guard fd >= 0 else { throw .cannotWrite(file: path, reason: _errnoText(errno)) }
      defer { close(fd) }
      try produce(fd)
    case .atomic(let target, let mode):
      let url = URL(fileURLWithPath: target)
      let directory = url.deletingLastPathComponent().path
      let unique = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
      let temporary = (directory as NSString).appendingPathComponent(
        ".\(url.lastPathComponent).tmp-\(unique)")
      let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ?? 0o666)
      guard fd >= 0 else { throw .cannotWrite(file: path, reason: _errnoText(errno)) }
      do throws(CSVError) {
        // The existing file's exact bits (open applied the umask to them).
        if let mode, fchmod(fd, mode) != 0 {
          throw CSVError.cannotWrite(file: path, reason: _errnoText(errno))
        }
        try produce(fd)
        guard close(fd) == 0 else { throw CSVError.cannotWrite(file: path, reason: _errnoText(errno)) }
      } catch {
        close(fd)
        unlink(temporary)
        throw error
      }
      if rename(temporary, target) != 0 {
        let reason = _errnoText(errno)
        unlink(temporary)
        throw .cannotWrite(file: path, reason: reason)
      }
    }
  }

  /// The directory that will hold `file` must exist, be a directory and be writable.
  static func _checkDirectory(of file: String, for path: String) throws(CSVError) {
    var directory = (file as NSString).deletingLastPathComponent
    if directory.isEmpty { directory = "." }
    var info = stat()
    guard stat(directory, &info) == 0 else {
      throw .cannotWrite(file: path, reason: "directory '\(directory)': \(_errnoText(errno))")
    }
    guard info.st_mode & S_IFMT == S_IFDIR else {
      throw .cannotWrite(file: path, reason: "'\(directory)' is not a directory")
    }
    guard access(directory, W_OK | X_OK) == 0 else {
      throw .cannotWrite(file: path, reason: "directory '\(directory)': \(_errnoText(errno))")
    }
  }

  /// The target of the link at `link`, relative targets taken from the link's directory.
  static func _readLink(_ link: String, for path: String) throws(CSVError) -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink(link, &buffer, buffer.count - 1)
    guard length >= 0 else { throw .cannotWrite(file: path, reason: _errnoText(errno)) }
    let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if target.hasPrefix("/") { return target }
    return ((link as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
  }

  static func _writeAll(_ data: Data, to fd: Int32, for path: String) throws(CSVError) {
    let result = data.withUnsafeBytes { bytes in
      Result { () throws(CSVError) in try _writeAll(bytes, to: fd, for: path) }
    }
    try result.get()
  }

  /// Writes all of `bytes` to `fd`, retrying interrupted and partial writes.
  static func _writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, for path: String)
    throws(CSVError)
  {
    guard let base = bytes.baseAddress else { return }
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(fd, base + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw .cannotWrite(file: path, reason: _errnoText(errno))
      }
      if written == 0 { throw .cannotWrite(file: path, reason: _errnoText(EIO)) }
      offset += written
    }
  }
}

/// strerror's text for an errno value, lower-cased like the rest of the CLI's messages.
func _errnoText(_ code: Int32) -> String {
  String(cString: strerror(code)).lowercased()
}
