import Foundation

/// Polling without burning a shared core: the first polls are immediate, then the pause grows
/// from 20 µs to 1 ms. ``reset()`` after something happened.
struct _Backoff {
  private var polls = 0

  mutating func pause() {
    polls += 1
    guard polls > 50 else { return }
    let microseconds = min(1000, 20 << min(6, (polls - 50) / 20))
    usleep(UInt32(microseconds))
  }

  mutating func reset() { polls = 0 }
}
