import Foundation

/// Rebuilds workloads from their ``WorkloadDescriptor``s: the table that lets a worker process
/// run whatever the master names.
///
/// `builtin`, `model` and `lt-symbols` (``LTSumProducer``) are registered from the start; a coding family whose workers compute
/// something else (a parity model, a sum of functions) registers its kind once at start-up, in
/// every process, before the first round.
///
/// ```swift
/// WorkloadRegistry.register(kind: "scaled") { descriptor in
///   let factor = Double(descriptor.parameters["factor"] ?? "") ?? 1
///   return ClosureWorkload(name: "scaled") { x in x.map { $0 * factor } }
/// }
/// let f = try WorkloadRegistry.make(WorkloadDescriptor(kind: "scaled", name: "x2", parameters: ["factor": "2"]))
/// ```
public enum WorkloadRegistry {
  /// Builds a workload from its descriptor, or throws saying why it cannot.
  public typealias Builder = @Sendable (WorkloadDescriptor) throws -> any Workload

  private static let _builders = _Locked<[String: Builder]>([
    "builtin": { descriptor in
      guard let f = BuiltinFunction(rawValue: descriptor.name) else {
        throw WorkloadError.unknownFunction(
          descriptor.name, known: BuiltinFunction.allCases.map(\.rawValue))
      }
      return f
    },
    "model": { descriptor in
      let network = try SequentialNetwork.load(from: descriptor.name)
      if let expected = descriptor.parameters["checksum"], expected != network.parameterChecksum {
        throw WorkloadError.failed(
          "model file '\(descriptor.name)' has weights \(network.parameterChecksum) here, but the master's copy has \(expected)"
        )
      }
      return network
    },
    // LT sum producers (issues 15 and 17): known in every process, so that MPI worker ranks can
    // stream LT symbols without registering anything themselves.
    LTSumProducer.descriptorKind: { descriptor in
      try LTSumProducer(descriptor: descriptor).streamWorkload
    },
  ])

  /// Registers (or replaces) the builder of one kind.
  public static func register(kind: String, _ builder: @escaping Builder) {
    _builders.withLock { $0[kind] = builder }
  }

  /// The registered kinds, sorted.
  public static var kinds: [String] { _builders.withLock { $0.keys.sorted() } }

  /// The workload a descriptor describes.
  /// - Throws: ``WorkloadError/failed(_:)`` for an unknown kind, or the builder's error (an
  ///   unknown function, a missing or changed model file).
  public static func make(_ descriptor: WorkloadDescriptor) throws -> any Workload {
    guard let builder = _builders.withLock({ $0[descriptor.kind] }) else {
      throw WorkloadError.failed(
        "unknown workload kind '\(descriptor.kind)' (known: \(kinds.joined(separator: ", ")))")
    }
    return try builder(descriptor)
  }
}

/// The workload a CLI-style name gives: a built-in function (`xsinx`, `sigmoid`, …) or
/// `model:PATH`, a trained network's weight file.
///
/// ```swift
/// let f = try workload(named: "model:notebooks-data/models/digits-mlp-tanh.json")
/// ```
/// - Throws: ``WorkloadError/unknownFunction(_:known:)`` for an unknown name; the network's
///   error when a model file is missing or damaged.
public func workload(named name: String) throws -> any Workload {
  if let network = try networkWorkload(named: name) { return network }
  guard let f = BuiltinFunction(rawValue: name) else {
    throw WorkloadError.unknownFunction(
      name, known: BuiltinFunction.allCases.map(\.rawValue) + ["model:PATH"])
  }
  return f
}
