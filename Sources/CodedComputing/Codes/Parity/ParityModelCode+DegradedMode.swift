extension ParityModelCode {
  /// Degraded-mode accuracy and RMSE of the subtraction decoder from already computed outputs
  /// (DESIGN.md, "Parity models"; Kosaian et al. 2019, §5).
  ///
  /// The rows of `baseOutputs` are the test queries in file order, cut into G = ⌊n/k⌋ groups of
  /// k (n = `baseOutputs.rows`; the last n mod k are left out); row g of `parityOutputs` is
  /// F_P(P_g). For every group g and every position j, F(X_{g,j}) is treated as unavailable and
  /// rebuilt as F_P(P_g) − Σ_{i≠j} F(X_{g,i}); it is correct when its argmax (first maximum on
  /// ties) is the label. The accuracy is over all G·k (group, position) pairs, and the RMSE is
  /// √((1/(G·k·m)) Σ ‖F̂(Xⱼ) − F(Xⱼ)‖²).
  ///
  /// ```swift
  /// let (accuracy, rmse, cases) = ParityModelCode.degradedMode(
  ///   queryCount: 2, baseOutputs: f, parityOutputs: fp, labels: labels)
  /// ```
  /// - Precondition: G ≥ 1, `parityOutputs` has at least G rows and as many columns, one label per
  ///   base output.
  /// - Complexity: O(G · k² · m).
  public static func degradedMode(
    queryCount k: Int, baseOutputs: Matrix, parityOutputs: Matrix, labels: [Int]
  ) -> (accuracy: Double, rmse: Double, cases: Int) {
    let groups = baseOutputs.rows / k
    precondition(groups >= 1 && parityOutputs.rows >= groups, "need one parity output per group")
    precondition(parityOutputs.columns == baseOutputs.columns && labels.count >= groups * k)
    let m = baseOutputs.columns
    var correct = 0
    var squaredError = 0.0
    var rebuilt = [Double](repeating: 0, count: m)
    for g in 0..<groups {
      for j in 0..<k {
        for c in 0..<m {
          var value = parityOutputs[g, c]
          for i in 0..<k where i != j { value -= baseOutputs[g * k + i, c] }
          rebuilt[c] = value
          let difference = value - baseOutputs[g * k + j, c]
          squaredError += difference * difference
        }
        if _argmax(rebuilt) == labels[g * k + j] { correct += 1 }
      }
    }
    let cases = groups * k
    return (
      Double(correct) / Double(cases), (squaredError / Double(cases * m)).squareRoot(), cases
    )
  }
}

/// The index of the first largest entry.
func _argmax(_ values: [Double]) -> Int {
  var best = 0
  for i in values.indices where values[i] > values[best] { best = i }
  return best
}
