/// A network is a workload: worker n runs the forward pass on its coded input.
extension SequentialNetwork: Workload {
  /// `model` + the weight file and its checksum when the network was loaded from a file; nil for a
  /// network built or trained in memory (save it first to run it in other processes).
  public var descriptor: WorkloadDescriptor? {
    sourcePath.map { .model(path: $0, checksum: parameterChecksum) }
  }

  public func outputDimension(inputDimension d: Int) throws -> Int {
    guard d == inputShape.count else {
      throw WorkloadError.wrongInputDimension(expected: inputShape.count, actual: d)
    }
    return outputCount
  }

  public func evaluate(_ input: [Double]) throws -> [Double] {
    try evaluate(batch: Matrix(rows: 1, columns: input.count, columnMajor: input)).storage
  }

  /// The logits of every row, through GEMM (see ``logits(_:)``).
  public func evaluate(batch: Matrix) throws -> Matrix {
    guard batch.columns == inputShape.count else {
      throw WorkloadError.wrongInputDimension(expected: inputShape.count, actual: batch.columns)
    }
    return try logits(batch)
  }
}

/// The prefix that names a trained network as a workload: `model:PATH`.
public let networkWorkloadPrefix = "model:"

/// The workload a `--function` value names when it is a network: `model:PATH` loads the weight
/// file at PATH (see Guides/CodedInference.md, "Weight files"); any other name returns nil so the
/// caller can try the built-in functions.
///
/// ```swift
/// if let network = try networkWorkload(named: "model:notebooks-data/models/digits-mlp-tanh.json") {
///   let logits = try network.evaluate(batch: images)   // K × 10
/// }
/// ```
/// - Throws: ``NetworkError`` when the file is missing, damaged or of the wrong shape.
public func networkWorkload(named name: String) throws(NetworkError) -> SequentialNetwork? {
  guard name.hasPrefix(networkWorkloadPrefix) else { return nil }
  let path = String(name.dropFirst(networkWorkloadPrefix.count))
  guard !path.isEmpty else {
    throw .unreadableFile(path: path, reason: "empty path after 'model:'")
  }
  return try SequentialNetwork.load(from: path)
}
