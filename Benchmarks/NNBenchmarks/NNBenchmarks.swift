import Benchmark
import CodedComputing

/// Forward pass of the small digits networks (8 × 8 inputs, 10 logits), single image and batched
/// through GEMM; weights are random (seeded), since speed does not depend on their values.
/// images/s = batch × throughput; scripts/nn_forward_speed.py compares with NumPy in one run.
let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(2),
    maxIterations: 100_000)
  setBLASThreadCount(1)
  let shape = FeatureShape(channels: 1, height: 8, width: 8)
  for architecture in NetworkArchitecture.allCases {
    for activation in [Activation.relu, .tanh] {
      guard
        let network = try? SequentialNetwork.make(
          architecture, inputShape: shape, classes: 10, activation: activation, seed: 1)
      else { fatalError("cannot build \(architecture)") }
      for batch in [1, 32, 256] {
        var rng = SplitMix64(seed: 2)
        let images = Matrix(
          rows: batch, columns: 64,
          columnMajor: (0..<(batch * 64)).map { _ in Double.random(in: 0..<1, using: &rng) })
        Benchmark("forward \(architecture.rawValue)-\(activation.rawValue) batch \(batch)") {
          benchmark in
          for _ in benchmark.scaledIterations {
            blackHole(try network.logits(images))
          }
        }
      }
    }
  }
}
