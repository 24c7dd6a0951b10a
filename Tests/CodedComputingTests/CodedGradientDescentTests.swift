import CodedComputing
import Foundation
import Testing

/// Coded gradient descent follows plain (uncoded, in-memory) gradient descent step for step.
@Suite("CodedGradientDescent")
struct CodedGradientDescentTests {
  @Test(
    "every scheme's iterates equal plain gradient descent's to 1e-9",
    arguments: DescentProblem.allCases)
  func matchesPlainDescent(problem: DescentProblem) async throws {
    let (a, y) = problem.syntheticData(rows: 96, features: 8, seed: 2)
    // Plain descent with the same step: the coded run's first iterate fixes it (w₁ = −step·g₀,
    // g₀ = −Aᵀr(0)/n), so recover step from it and compare every later iterate.
    func gradient(_ w: [Double]) -> [Double] {
      let z = (0..<a.rows).map { i in (0..<a.columns).reduce(0.0) { $0 + a[i, $1] * w[$1] } }
      let r = problem.residual(z, labels: y)
      return (0..<a.columns).map { j in (0..<a.rows).reduce(0.0) { $0 + a[$1, j] * r[$1] } / Double(a.rows) }
    }
    for scheme in LinearScheme.allCases {
      var generator = SplitMix64(seed: 1)
      let history = try await runCodedDescent(
        problem: problem, a: a, labels: y, scheme: scheme, dataBlocks: 4, workers: 8,
        construction: .mean, latency: .exponential(rate: 1), timeUnit: 1e-5, iterations: 25,
        tolerance: 1e-12, pool: InProcessWorkerPool(), using: &generator)
      #expect(history.count == 25)
      let g0 = gradient([Double](repeating: 0, count: 8))
      let step = -history[0].weights[0] / g0[0]
      var w = [Double](repeating: 0, count: 8)
      for iterate in history {
        let g = gradient(w)
        w = zip(w, g).map { $0 - step * $1 }
        #expect(relativeGap(iterate.weights, w) <= 1e-9, "\(scheme) iteration \(iterate.iteration)")
      }
      #expect(history.last.map { $0.relativeGradient < 1 } == true)
    }
  }
}
