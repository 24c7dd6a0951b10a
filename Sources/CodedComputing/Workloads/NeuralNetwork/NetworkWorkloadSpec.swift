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
