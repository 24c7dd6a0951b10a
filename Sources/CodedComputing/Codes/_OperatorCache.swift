import Synchronization

/// A small thread-safe cache of decoding operators keyed by survivor set.
///
/// Decoders are linear maps that depend only on the survivor set T, so a scheme builds each once
/// and reuses it (worst-window sweeps revisit the same N − S + 1 sets every trial). The cache is
/// bounded: when full it is cleared, which keeps memory at `capacity` operators.
final class _OperatorCache<Value: Sendable>: Sendable {
  private let storage = Mutex<[[Int]: Value]>([:])
  let capacity: Int

  init(capacity: Int = 256) { self.capacity = capacity }

  func value(for key: [Int], orInsert make: () throws(CodingError) -> Value) throws(CodingError) -> Value {
    if let hit = storage.withLock({ $0[key] }) { return hit }
    let made = try make()
    storage.withLock { table in
      if table.count >= capacity { table.removeAll(keepingCapacity: true) }
      table[key] = made
    }
    return made
  }
}

/// Checks a survivor list: ascending, distinct, in 0..<workers, matching the result rows.
func _checkSurvivors(
  _ survivors: [Int], results: Matrix, workers: Int, minimum: Int, scheme: String
) throws(CodingError) {
  guard results.rows == survivors.count else {
    throw .wrongShape(
      what: "results", expected: "\(survivors.count) rows (one per survivor)",
      actual: "\(results.rows) × \(results.columns)")
  }
  for (i, n) in survivors.enumerated() {
    guard n >= 0 && n < workers else {
      throw .invalidSurvivors("worker \(n) is not in 0..<\(workers)")
    }
    if i > 0 && survivors[i - 1] >= n {
      throw .invalidSurvivors("survivors must be ascending and distinct (\(survivors[i - 1]) then \(n))")
    }
  }
  guard survivors.count >= minimum else {
    throw .tooFewSurvivors(scheme: scheme, survivors: survivors.count, minimum: minimum)
  }
}

/// Checks decoded estimates after the fact. Every decoder here gives every survivor a nonzero
/// weight in every estimate (the spline's inverse is dense; Berrut's and Lagrange's weights never
/// vanish off the nodes), so a NaN or infinity among the results always reaches the small K × m
/// output: checking it, and scanning the |T| × m results only then to name the worker, replaces a
/// full pass over the results on every decode.
func _checkDecoded(_ estimates: Matrix, results: Matrix, survivors: [Int]) throws(CodingError) {
  guard estimates.storage.contains(where: { !$0.isFinite }) else { return }
  if let bad = results.storage.firstIndex(where: { !$0.isFinite }) {
    throw .invalidSurvivors(
      "the result of worker \(survivors[bad % max(1, results.rows)]) is not finite")
  }
  throw .invalidParameter("decoding overflowed: the estimates are not finite (results too large)")
}

/// Checks the shape of the inputs handed to `encode`.
func _checkInputs(_ inputs: Matrix, count: Int) throws(CodingError) {
  guard inputs.rows == count, inputs.columns > 0 else {
    throw .wrongShape(
      what: "inputs", expected: "\(count) rows (K) and at least one column",
      actual: "\(inputs.rows) × \(inputs.columns)")
  }
  if inputs.storage.contains(where: { !$0.isFinite }) {
    throw .invalidParameter("inputs contain a non-finite value (NaN or infinity)")
  }
}

/// Checks K and N common to every scheme.
func _checkSizes(inputCount: Int, workerCount: Int, minimumWorkers: Int, scheme: String)
  throws(CodingError)
{
  guard inputCount >= 2 else {
    throw .invalidParameter("\(scheme) needs K >= 2 inputs, got K = \(inputCount)")
  }
  guard workerCount >= minimumWorkers else {
    throw .invalidParameter(
      "\(scheme) needs N >= \(minimumWorkers) workers for K = \(inputCount), got N = \(workerCount)")
  }
}

/// Runs an approximation step, wrapping its error as a coding error.
@inline(__always)
func _approximating<T>(_ body: () throws(ApproximationError) -> T) throws(CodingError) -> T {
  do { return try body() } catch { throw .approximation(error) }
}
