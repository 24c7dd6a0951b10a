import Foundation

/// A serialisable description of a ``Workload`` from which any process can rebuild it.
///
/// A closure cannot be sent to another process; a descriptor can. It names a *kind* of workload
/// and what that kind needs to rebuild f: `builtin` + a function name (``BuiltinFunction``),
/// `model` + a weight-file path and its checksum (a ``SequentialNetwork``), or any kind a coding
/// family registers with ``WorkloadRegistry/register(kind:_:)`` (parameters as strings, bulk
/// numbers in `values`). Descriptors travel as JSON (``encoded()``, ``init(json:)``).
///
/// ```swift
/// let descriptor = BuiltinFunction.xsinx.descriptor!       // builtin:xsinx
/// let rebuilt = try WorkloadRegistry.make(descriptor)      // in any process
/// ```
public struct WorkloadDescriptor: Codable, Hashable, Sendable, CustomStringConvertible {
  /// The registry key: `builtin`, `model`, or a family's own kind.
  public var kind: String
  /// The function's name within its kind (a built-in's name, a model's path).
  public var name: String
  /// Further parameters as text (a model's checksum, a family's settings).
  public var parameters: [String: String]
  /// Bulk numeric data the workload needs (e.g. the vector of a linear map), possibly empty.
  public var values: [Double]

  public init(kind: String, name: String, parameters: [String: String] = [:], values: [Double] = [])
  {
    self.kind = kind
    self.name = name
    self.parameters = parameters
    self.values = values
  }

  /// A built-in function by name (`xsinx`, `sigmoid`, …).
  public static func builtin(_ name: String) -> WorkloadDescriptor {
    WorkloadDescriptor(kind: "builtin", name: name)
  }

  /// A trained network's weight file; `checksum` is its ``SequentialNetwork/parameterChecksum``,
  /// checked by every process that loads it.
  public static func model(path: String, checksum: String) -> WorkloadDescriptor {
    WorkloadDescriptor(kind: "model", name: path, parameters: ["checksum": checksum])
  }

  /// `kind:name`, the form the CLI's `--function` uses for built-ins and models.
  public var description: String { kind == "builtin" ? name : "\(kind):\(name)" }

  /// The descriptor as compact JSON bytes (what a distributed pool sends).
  public func encoded() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    // A struct of strings and finite-or-not doubles: encoding cannot fail except on non-finite
    // values, which are written as strings.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return (try? encoder.encode(self)) ?? Data()
  }

  /// Reads a descriptor written by ``encoded()``.
  /// - Throws: ``WorkloadError/failed(_:)`` when the bytes are not a descriptor.
  public init(json data: Data) throws(WorkloadError) {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    do {
      self = try decoder.decode(WorkloadDescriptor.self, from: data)
    } catch {
      throw .failed("not a workload descriptor (\(data.count) bytes): \(error)")
    }
  }
}
