import ArgumentParser

/// `--epochs`, `--batch-size` and `--learning-rate`, shared by `coded train`, `coded parity train`
/// and `coded parity learn`, with their checks (run when the group is parsed).
struct TrainingRateOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: "Training epochs.") var epochs: Int = 30
  @Option(parsing: .unconditional, help: "Mini-batch size.") var batchSize: Int = 32
  @Option(parsing: .unconditional, help: "Learning rate.") var learningRate: Double = 1e-3

  func validate() throws {
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
    guard batchSize >= 1 else {
      throw ValidationError("--batch-size must be at least 1, got \(batchSize)")
    }
    guard learningRate > 0, learningRate.isFinite else {
      throw ValidationError("--learning-rate must be a positive number, got \(learningRate)")
    }
  }
}
