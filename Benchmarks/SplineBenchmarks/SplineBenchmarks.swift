// Smoothing-spline engine benchmarks (ordo-one/benchmark).
//
// Run (release build, takes a few minutes on two cores):
//   swift package --allow-writing-to-package-directory benchmark --target SplineBenchmarks
// One benchmark:   ... benchmark --target SplineBenchmarks --filter "fit+evaluate n=1000000 c=1"
//
// Data: n equispaced knots on [0, 1], y = sin(2πt) + 0.1·N(0, 1) per column (seeded), evaluated
// at n sorted uniform points. "fit+evaluate" builds the smoother at λ = 10⁻⁶ (scipy convention),
// fits every column and evaluates at the points; "gcv" also chooses λ by GCV first. Throughput is
// fits per second (one fit = all columns). n = 10⁶ with 100 columns is left out: its data alone
// is 800 MB and one iteration about 10 s, which says nothing the 10⁵ × 100 case does not.
import Benchmark
import CodedComputing
import Foundation

struct SplineProblem: Sendable {
  let knots: [Double]
  let data: Matrix
  let points: [Double]

  init(n: Int, columns: Int) {
    var generator = SplitMix64(seed: UInt64(n * 1000 + columns))
    let knots = (0..<n).map { Double($0) / Double(n - 1) }
    var storage = [Double](repeating: 0, count: n * columns)
    for c in 0..<columns {
      for i in 0..<n {
        // Box–Muller.
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        let noise = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        storage[c * n + i] = sin(2 * .pi * knots[i]) + 0.1 * noise
      }
    }
    self.knots = knots
    data = Matrix(rows: n, columns: columns, columnMajor: storage)
    points = (0..<n).map { _ in Double.random(in: 0...1, using: &generator) }.sorted()
  }
}

let benchmarks: @Sendable () -> Void = {
  setBLASThreadCount(1)
  let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

  for n in [1_000, 10_000, 100_000, 1_000_000] {
    for columns in [1, 100] where !(n == 1_000_000 && columns == 100) {
      let configuration = Benchmark.Configuration(
        metrics: metrics, timeUnits: .microseconds, warmupIterations: 1,
        maxDuration: .seconds(n >= 100_000 ? 3 : 1), maxIterations: n >= 100_000 ? 10 : 200)
      Benchmark(
        "fit+evaluate n=\(n) c=\(columns)", configuration: configuration,
        closure: { benchmark, problem in
          for _ in benchmark.scaledIterations {
            do {
              let smoother = try SplineSmoother(knots: problem.knots, lambda: 1e-6)
              blackHole(try smoother.fit(problem.data).evaluate(at: problem.points))
            } catch {
              benchmark.error("fit failed: \(error)")
            }
          }
        },
        setup: { SplineProblem(n: n, columns: columns) })
    }
  }

  for n in [10_000, 100_000, 1_000_000] {
    let configuration = Benchmark.Configuration(
      metrics: metrics, timeUnits: .milliseconds, warmupIterations: n >= 1_000_000 ? 0 : 1,
      maxDuration: .seconds(n >= 1_000_000 ? 10 : 3), maxIterations: n >= 1_000_000 ? 3 : 10)
    Benchmark(
      "gcv+fit+evaluate n=\(n) c=1", configuration: configuration,
      closure: { benchmark, problem in
        for _ in benchmark.scaledIterations {
          do {
            let (smoother, gcv) = try SplineSmoother.byGCV(knots: problem.knots, data: problem.data)
            blackHole(gcv)
            blackHole(try smoother.fit(problem.data).evaluate(at: problem.points))
          } catch {
            benchmark.error("GCV failed: \(error)")
          }
        }
      },
      setup: { SplineProblem(n: n, columns: 1) })
  }
}
