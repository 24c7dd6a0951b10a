/// A binary min-heap of (finish time, worker) pairs: the next symbol to arrive in a simulated
/// rateless round. Ties go to the smaller worker index, so simulations are deterministic.
struct _ArrivalHeap: Sendable {
  var times: [Double] = []
  var workers: [Int] = []

  var isEmpty: Bool { times.isEmpty }

  init(capacity: Int) {
    times.reserveCapacity(capacity)
    workers.reserveCapacity(capacity)
  }

  @inline(__always)
  func less(_ i: Int, _ j: Int) -> Bool {
    times[i] != times[j] ? times[i] < times[j] : workers[i] < workers[j]
  }

  mutating func swapAt(_ i: Int, _ j: Int) {
    times.swapAt(i, j)
    workers.swapAt(i, j)
  }

  /// O(log n).
  mutating func push(time: Double, worker: Int) {
    times.append(time)
    workers.append(worker)
    var i = times.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      guard less(i, parent) else { break }
      swapAt(i, parent)
      i = parent
    }
  }

  /// The earliest arrival, removed. O(log n).
  mutating func pop() -> (time: Double, worker: Int)? {
    guard let time = times.first, let worker = workers.first else { return nil }
    let last = times.count - 1
    swapAt(0, last)
    times.removeLast()
    workers.removeLast()
    var i = 0
    while true {
      let left = 2 * i + 1
      let right = left + 1
      var smallest = i
      if left < times.count, less(left, smallest) { smallest = left }
      if right < times.count, less(right, smallest) { smallest = right }
      if smallest == i { break }
      swapAt(i, smallest)
      i = smallest
    }
    return (time, worker)
  }
}
