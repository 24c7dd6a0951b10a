import Dispatch
import Foundation

/// One dedicated thread that fires a round's timed events — delayed workers' submissions and the
/// deadline — at fixed instants, for an ``InProcessWorkerPool``.
///
/// Why not `Task.sleep`: a sleeping task is woken on Swift's cooperative pool, which CPU-bound
/// code elsewhere in the process can hold for seconds (observed: ~9 s while the full test suite
/// ran neural-network tests in parallel on two cores). Woken late and in arbitrary order, emulated
/// latencies would pick the wrong survivors. This thread is outside that pool, so the events fire
/// on time and in order, whatever the cooperative pool is doing.
///
/// ``close()`` wakes the thread and drops the events not yet fired (a cancelled "slow" worker
/// then never computes); the thread also exits after the last event.
final class _RoundTimer: Sendable {
  struct Event: Sendable {
    var instant: ContinuousClock.Instant
    var action: @Sendable () -> Void
  }

  private struct State {
    var events: [Event]
    var next = 0
    var closed = false
  }

  private enum Step {
    case fire(@Sendable () -> Void)
    case wait(Duration)
    case exit
  }

  private let state: _Locked<State>
  private let wake = DispatchSemaphore(value: 0)

  /// Starts the thread; `events` may be in any order (equal instants fire in the given order).
  init(events: [Event], name: String) {
    let sorted = events.enumerated().sorted {
      ($0.element.instant, $0.offset) < ($1.element.instant, $1.offset)
    }.map(\.element)
    state = _Locked(State(events: sorted))
    let thread = Thread { [self] in _loop() }
    thread.name = name
    thread.start()
  }

  /// Drops the events not yet fired and lets the thread exit.
  func close() {
    state.withLock { $0.closed = true }
    wake.signal()
  }

  private func _loop() {
    while true {
      let step = state.withLock { state -> Step in
        guard !state.closed, state.next < state.events.count else { return .exit }
        let event = state.events[state.next]
        let remaining = ContinuousClock.now.duration(to: event.instant)
        guard remaining <= .zero else { return .wait(remaining) }
        state.next += 1
        return .fire(event.action)
      }
      switch step {
      case .fire(let action): action()
      case .wait(let remaining):
        let (seconds, attoseconds) = remaining.components
        let nanoseconds = Swift.min(seconds, 1 << 32) * 1_000_000_000 + attoseconds / 1_000_000_000
        _ = wake.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
      case .exit: return
      }
    }
  }
}
