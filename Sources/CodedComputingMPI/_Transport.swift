internal import CMPI
import Foundation

/// Non-blocking point-to-point messaging over `MPI_COMM_WORLD` for one process (the master or a
/// worker): every send is an `MPI_Isend` whose buffer is kept until the request completes, and
/// receiving is a poll (`MPI_Improbe` + `MPI_Mrecv`), so no call here ever blocks — a dead or busy
/// peer cannot hang the caller. Not thread-safe: its owner serialises the calls.
final class _Transport {
  private struct PendingSend {
    var request: MPI_Request?
    var buffer: UnsafeMutableRawBufferPointer
    var destination: Int32
  }

  private var pending: [PendingSend] = []

  deinit {
    // Requests still pending at exit target dead ranks; their buffers are leaked on purpose
    // (MPI may still read them until MPI_Finalize).
  }

  /// Starts sending `message` to `rank` with `tag`; returns false when MPI refused the send.
  @discardableResult
  func send(_ message: _Message, to rank: Int, tag: Int32) -> Bool {
    let count = message.encodedCount
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 8), alignment: 8)
    message.write(to: buffer)
    var request: MPI_Request? = cmpi_request_null()
    let code = MPI_Isend(
      buffer.baseAddress, Int32(count), cmpi_byte(), Int32(rank), tag, cmpi_comm_world(), &request)
    guard code == cmpi_success() else {
      buffer.deallocate()
      return false
    }
    pending.append(PendingSend(request: request, buffer: buffer, destination: Int32(rank)))
    return true
  }

  /// Completes what it can of the pending sends, freeing their buffers.
  func progress() {
    guard !pending.isEmpty else { return }
    var kept: [PendingSend] = []
    kept.reserveCapacity(pending.count)
    for var send in pending {
      var done: Int32 = 0
      let code = MPI_Test(&send.request, &done, cmpi_status_ignore())
      if done != 0 || code != cmpi_success() {
        if code == cmpi_success() { send.buffer.deallocate() }
      } else {
        kept.append(send)
      }
    }
    pending = kept
  }

  /// How many sends have not completed yet (to `rank`, or to anyone).
  func pendingCount(to rank: Int? = nil) -> Int {
    guard let rank else { return pending.count }
    return pending.filter { $0.destination == Int32(rank) }.count
  }

  /// The next message with `tag` from any rank, if one has arrived: (source rank, message). A
  /// malformed message is received and returned as nil with its source, so the caller can
  /// count it as a failure.
  func receive(tag: Int32) -> (source: Int, message: _Message?)? {
    var flag: Int32 = 0
    var handle: MPI_Message? = cmpi_message_null()
    var status = MPI_Status()
    let code = MPI_Improbe(cmpi_any_source(), tag, cmpi_comm_world(), &flag, &handle, &status)
    guard code == cmpi_success(), flag != 0 else { return nil }
    var count: Int32 = 0
    MPI_Get_count(&status, cmpi_byte(), &count)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(Int(count), 8), alignment: 8)
    defer { buffer.deallocate() }
    var received = MPI_Status()
    guard MPI_Mrecv(buffer.baseAddress, count, cmpi_byte(), &handle, &received) == cmpi_success()
    else { return (Int(status.MPI_SOURCE), nil) }
    let message = _Message(
      reading: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(count)))
    return (Int(status.MPI_SOURCE), message)
  }

  /// Whether a message with `tag` is waiting (without receiving it).
  func hasMessage(tag: Int32) -> Bool {
    var flag: Int32 = 0
    var status = MPI_Status()
    MPI_Iprobe(cmpi_any_source(), tag, cmpi_comm_world(), &flag, &status)
    return flag != 0
  }
}
