/// MSE = (1/(K·m)) Σₖ ‖f̂ₖ − fₖ‖² between two K × m matrices: the error of one decode.
///
/// - Precondition: the matrices have the same shape.
/// - Complexity: O(K·m).
public func meanSquaredError(_ estimate: Matrix, _ truth: Matrix) -> Double {
  precondition(
    estimate.rows == truth.rows && estimate.columns == truth.columns, "MSE of matrices of different shapes")
  var sum = 0.0
  for i in estimate.storage.indices {
    let e = estimate.storage[i] - truth.storage[i]
    sum += e * e
  }
  return sum / Double(max(1, truth.storage.count))
}
