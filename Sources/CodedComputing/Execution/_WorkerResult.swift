/// What one worker produced: its f(x̃ₙ), or why it failed. `package`: the MPI pool
/// (CodedComputingMPI) checks its workers' answers with the same ``checking(_:expected:)``.
package enum _WorkerResult: Sendable {
  case output([Double])
  case failure(String)

  /// `y` as an answer, or the failure every pool reports for it: the wrong number of values
  /// (when `expected` is known) or the first non-finite value. The one check behind the
  /// in-process, sequential, streaming and MPI rounds.
  package static func checking(_ y: [Double], expected: Int?) -> _WorkerResult {
    if let expected, y.count != expected {
      return .failure(
        WorkloadError.wrongOutputDimension(expected: expected, actual: y.count).description)
    }
    if let j = y.firstIndex(where: { !$0.isFinite }) {
      return .failure("the function returned a non-finite value (\(y[j])) at coordinate \(j)")
    }
    return .output(y)
  }

  /// The failure's message, or nil for an answer.
  package var failureMessage: String? {
    if case .failure(let message) = self { return message }
    return nil
  }
}
