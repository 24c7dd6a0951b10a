/// The library's rule for BLAS threads when several threads call BLAS at once: while a
/// multi-threaded round of an in-process pool runs (``_ComputeThreads`` with more than one
/// thread), every BLAS call runs on one thread, and the thread count set before (or asked for
/// during the round with ``setBLASThreadCount(_:)``) comes back when the round's last compute
/// thread has exited.
///
/// Why: a multi-threaded OpenBLAS (0.3.21, pthreads) called from several threads at once shares
/// one thread server among them; the project saw such a round hang. The workers already use the
/// cores, so a second level of threads gains nothing. The rule covers OpenBLAS's own threads (also
/// when the host program loaded OpenBLAS and set them), BLIS's, and CodedComputing's GEMM split.
///
/// The rule does not load the BLAS: a round that never calls it costs one lock, and a BLAS loaded
/// during a round starts single-threaded.
final class _BLASThreadPolicy: Sendable {
  static let shared = _BLASThreadPolicy()

  private struct State: @unchecked Sendable {
    /// Multi-threaded rounds whose compute threads have not all exited.
    var rounds = 0
    var library: _BLASLibrary? = nil
    /// The thread count to restore when `rounds` drops to 0.
    var restore: Int? = nil
  }

  private let state = _Locked(State())

  /// Called once, when the BLAS has been loaded.
  func attach(_ library: _BLASLibrary) {
    state.withLock { state in
      state.library = library
      if state.rounds > 0 {
        state.restore = library.threadCount
        library._applyThreadCount(1)
      }
    }
  }

  /// ``setBLASThreadCount(_:)``: applied now, or when the running rounds are over.
  func setThreadCount(_ count: Int, on library: _BLASLibrary) {
    state.withLock { state in
      if state.rounds > 0 {
        state.restore = count
      } else {
        library._applyThreadCount(count)
      }
    }
  }

  /// A multi-threaded round starts calling BLAS from several threads.
  func beginRound() {
    state.withLock { state in
      if state.rounds == 0, let library = state.library {
        state.restore = library.threadCount
        library._applyThreadCount(1)
      }
      state.rounds += 1
    }
  }

  /// The last compute thread of such a round has exited.
  func endRound() {
    state.withLock { state in
      state.rounds -= 1
      if state.rounds == 0, let library = state.library, let restore = state.restore {
        library._applyThreadCount(restore)
        state.restore = nil
      }
    }
  }

  /// The thread count in force outside multi-threaded rounds: the current one, or the one to
  /// restore while a round runs.
  var requestedThreadCount: Int {
    let library = _BLASLibrary.shared
    return state.withLock { state in
      state.rounds > 0 ? state.restore ?? library.threadCount : library.threadCount
    }
  }
}
