/// One message between the master (rank 0) and a worker rank: a fixed header of eight Int64s,
/// then `values` (doubles), then `bytes` (a descriptor's JSON, an error message), sent as MPI_BYTE.
///
/// Every message carries the round it belongs to, so a late result of an earlier round is
/// recognised and dropped. Master → worker messages share one tag and worker → master messages
/// another, so MPI's non-overtaking rule keeps each direction in order (an `abandon` of round r
/// always reaches the worker before the task of round r + 1).
///
/// Header: kind, round, worker, a, b, c, values.count, bytes.count. The meaning of a, b, c:
/// - `task`: a = injected delay in nanoseconds, b = descriptor hash, c = 1 when `bytes` holds the
///   descriptor (the worker caches it by hash); values = the worker's input row.
/// - `streamTask`: a, b, c as for `task` except c = the maximum number of results (0: no limit)
///   and whether bytes holds the descriptor is told by bytes being non-empty.
/// - `result`: a = the result's index (streaming), values = f(x̃ₙ).
/// - `failure`: bytes = the worker's error message (UTF-8).
/// - `hello`: a = the worker's process id, bytes = its host name.
/// - `alive`: a heartbeat of a worker holding a task of `round`.
struct _Message: Equatable {
  enum Kind: Int64 {
    case task = 1
    case streamTask
    case abandon
    case stop
    case hello
    case ack
    case result
    case failure
    case exhausted
    case bye
    /// A worker holding a task is alive (sent every ``_Message/heartbeatInterval``).
    case alive
    /// After the worker's bye: whether it may finalise MPI (a = 1: a rank died, it may not).
    case release
  }

  static let toWorkerTag: Int32 = 17_001
  static let toMasterTag: Int32 = 17_002
  static let headerCount = 8
  /// How often a worker holding a task (delaying, computing, streaming) says it is alive.
  static let heartbeatInterval: Duration = .milliseconds(250)

  var kind: Kind
  var round: Int64 = 0
  var worker: Int64 = 0
  var a: Int64 = 0
  var b: Int64 = 0
  var c: Int64 = 0
  var values: [Double] = []
  var bytes: [UInt8] = []

  /// The number of bytes ``write(to:)`` fills.
  var encodedCount: Int {
    Self.headerCount * MemoryLayout<Int64>.size + values.count * MemoryLayout<Double>.size
      + bytes.count
  }

  /// Writes the message into `buffer` (at least ``encodedCount`` bytes, 8-byte aligned).
  func write(to buffer: UnsafeMutableRawBufferPointer) {
    let header: [Int64] = [
      kind.rawValue, round, worker, a, b, c, Int64(values.count), Int64(bytes.count),
    ]
    precondition(
      buffer.count >= encodedCount, "a message buffer of \(buffer.count) bytes is too small")
    var offset = 0
    func append(_ raw: UnsafeRawBufferPointer) {
      UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + raw.count)])
        .copyMemory(from: raw)
      offset += raw.count
    }
    header.withUnsafeBytes(append)
    values.withUnsafeBytes(append)
    bytes.withUnsafeBytes(append)
  }

  /// Reads a message written by ``write(to:)``; nil when the bytes are not one.
  init?(reading buffer: UnsafeRawBufferPointer) {
    let headerBytes = Self.headerCount * MemoryLayout<Int64>.size
    guard buffer.count >= headerBytes, let base = buffer.baseAddress else { return nil }
    var header = [Int64](repeating: 0, count: Self.headerCount)
    header.withUnsafeMutableBytes {
      $0.copyMemory(from: UnsafeRawBufferPointer(start: base, count: headerBytes))
    }
    guard let kind = Kind(rawValue: header[0]), header[6] >= 0, header[7] >= 0 else { return nil }
    let valueCount = Int(header[6])
    let byteCount = Int(header[7])
    let valueBytes = valueCount * MemoryLayout<Double>.size
    guard buffer.count == headerBytes + valueBytes + byteCount else { return nil }
    self.kind = kind
    round = header[1]
    worker = header[2]
    a = header[3]
    b = header[4]
    c = header[5]
    values = [Double](repeating: 0, count: valueCount)
    if valueCount > 0 {
      values.withUnsafeMutableBytes {
        $0.copyMemory(from: UnsafeRawBufferPointer(start: base + headerBytes, count: valueBytes))
      }
    }
    bytes = Array(UnsafeRawBufferPointer(start: base + headerBytes + valueBytes, count: byteCount))
  }

  init(
    kind: Kind, round: Int64 = 0, worker: Int64 = 0, a: Int64 = 0, b: Int64 = 0, c: Int64 = 0,
    values: [Double] = [], bytes: [UInt8] = []
  ) {
    self.kind = kind
    self.round = round
    self.worker = worker
    self.a = a
    self.b = b
    self.c = c
    self.values = values
    self.bytes = bytes
  }
}
