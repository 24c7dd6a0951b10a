import Foundation

/// The weight file: one JSON object, documented in Guides/CodedInference.md ("Weight files").
///
/// ```json
/// { "format": "coded-nn", "version": 1,
///   "input": [1, 8, 8],                                  // channels, height, width
///   "layers": [
///     {"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel": 3, "padding": 1,
///      "weight": [...F·C·k·k values, row-major (F, C, k, k)...], "bias": [...F...]},
///     {"type": "activation", "function": "tanh"},
///     {"type": "avgpool", "size": 2},                    // or "maxpool"
///     {"type": "dense", "in": 64, "out": 10,
///      "weight": [...out·in values, row-major (out, in)...], "bias": [...out...]} ],
///   "metadata": {"test_accuracy": "0.97", ...},          // strings, free-form
///   "checksum": "fnv1a64:0123456789abcdef" }             // optional
/// ```
/// Weights use PyTorch's layouts (`nn.Linear.weight`, `nn.Conv2d.weight`), so a model trained
/// elsewhere is exported with `w.detach().numpy().ravel().tolist()`. Numbers are written with
/// Swift's shortest round-trip formatting, so save → load is exact. The checksum is FNV-1a (64-bit)
/// over the little-endian IEEE-754 bytes of ``SequentialNetwork/flatParameters``; when present it
/// must match, which catches a damaged digit that still parses.
extension SequentialNetwork {
  /// The magic string in the `format` field.
  public static let weightFileFormat = "coded-nn"
  /// The version this build writes and reads.
  public static let weightFileVersion = 1

  /// The FNV-1a 64-bit hash of the parameters' little-endian bytes, as `fnv1a64:` + 16 hex digits.
  public var parameterChecksum: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for value in flatParameters {
      var bits = value.bitPattern.littleEndian
      withUnsafeBytes(of: &bits) { bytes in
        for byte in bytes {
          hash ^= UInt64(byte)
          hash &*= 0x0000_0100_0000_01b3
        }
      }
    }
    let hex = String(hash, radix: 16)
    return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The weight file's JSON text.
  /// - Complexity: O(parameters).
  public func weightFileText() -> String {
    func numbers(_ values: [Double]) -> String {
      "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
    }
    func quoted(_ s: String) -> String {
      var out = "\""
      for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
          if scalar.value < 0x20 {
            out += String(format: "\\u%04x", scalar.value)
          } else {
            out.unicodeScalars.append(scalar)
          }
        }
      }
      return out + "\""
    }
    var layerTexts: [String] = []
    for layer in layers {
      switch layer {
      case .dense(let d):
        layerTexts.append(
          "{\"type\": \"dense\", \"in\": \(d.inputCount), \"out\": \(d.outputCount),\n   \"weight\": \(numbers(d.weight._rowMajor)),\n   \"bias\": \(numbers(d.bias))}"
        )
      case .convolution(let c):
        layerTexts.append(
          "{\"type\": \"conv2d\", \"in_channels\": \(c.inputChannels), \"out_channels\": \(c.outputChannels), \"kernel\": \(c.kernel), \"padding\": \(c.padding),\n   \"weight\": \(numbers(c.weight._rowMajor)),\n   \"bias\": \(numbers(c.bias))}"
        )
      case .pooling(let p):
        layerTexts.append("{\"type\": \"\(layer.typeName)\", \"size\": \(p.size)}")
      case .activation(let a):
        layerTexts.append("{\"type\": \"activation\", \"function\": \"\(a.rawValue)\"}")
      }
    }
    let meta = metadata.keys.sorted().map { "\(quoted($0)): \(quoted(metadata[$0] ?? ""))" }.joined(
      separator: ", ")
    return """
      {"format": "\(Self.weightFileFormat)", "version": \(Self.weightFileVersion), "name": \(quoted(name)),
       "input": [\(inputShape.channels), \(inputShape.height), \(inputShape.width)],
       "layers": [
        \(layerTexts.joined(separator: ",\n  "))
       ],
       "metadata": {\(meta)},
       "checksum": "\(parameterChecksum)"}

      """
  }

  /// Writes the weight file atomically (temporary file in the same directory, then rename).
  /// - Throws: ``NetworkError/unreadableFile(path:reason:)`` when the file cannot be written.
  /// Links are written through to their target and character devices streamed to
  /// (``OutputFile``); a network with a non-finite weight is refused (it could not be read back).
  public func save(to path: String) throws(NetworkError) {
    if let index = flatParameters.firstIndex(where: { !$0.isFinite }) {
      throw .invalidData(
        "cannot write '\(path)': parameter \(index) of the network is not finite")
    }
    do {
      try OutputFile.write(weightFileText(), to: path)
    } catch {
      throw .invalidData(error.description)
    }
  }

  /// Reads a weight file.
  /// - Throws: ``NetworkError/unreadableFile(path:reason:)`` when it cannot be read, otherwise as
  ///   ``init(weightFileText:)``.
  public static func load(from path: String) throws(NetworkError) -> SequentialNetwork {
    guard let data = FileManager.default.contents(atPath: path) else {
      let exists = FileManager.default.fileExists(atPath: path)
      throw .unreadableFile(
        path: path, reason: exists ? "permission denied or not a file" : "no such file")
    }
    var network = try SequentialNetwork(weightFileData: data)
    network.sourcePath = path
    return network
  }

  /// Parses and checks a weight file.
  /// - Throws: ``NetworkError/corrupted(_:)`` (not JSON, truncated, missing or mistyped field,
  ///   checksum mismatch), ``NetworkError/unsupportedFormat(_:)`` (wrong magic or version),
  ///   ``NetworkError/wrongShape(_:)`` (a layer's arrays or sizes do not fit), or
  ///   ``NetworkError/unknownName(kind:name:known:)`` (an activation or layer type nobody knows).
  public init(weightFileData data: Data) throws(NetworkError) {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw .corrupted("not valid JSON (truncated or damaged)")
    }
    guard let root = object as? [String: Any] else {
      throw .corrupted("the top level is not a JSON object")
    }
    guard let format = root["format"] as? String else {
      throw .corrupted("missing the \"format\" string")
    }
    guard format == Self.weightFileFormat else {
      throw .unsupportedFormat("format is '\(format)', expected '\(Self.weightFileFormat)'")
    }
    guard let version = _integer(root["version"]) else {
      throw .corrupted("missing the integer \"version\"")
    }
    guard version == Self.weightFileVersion else {
      throw .unsupportedFormat(
        "version \(version), this build reads version \(Self.weightFileVersion)")
    }
    guard let input = root["input"] as? [Any], input.count == 3,
      case let dims = input.compactMap(_integer),
      dims.count == 3, dims.allSatisfy({ $0 > 0 })
    else { throw .corrupted("\"input\" must be [channels, height, width] with positive integers") }
    guard let layerObjects = root["layers"] as? [Any] else {
      throw .corrupted("missing the \"layers\" array")
    }
    var layers: [NetworkLayer] = []
    for (index, item) in layerObjects.enumerated() {
      guard let layer = item as? [String: Any] else {
        throw .corrupted("layer \(index) is not a JSON object")
      }
      layers.append(try Self._parseLayer(layer, index: index))
    }
    var metadata: [String: String] = [:]
    if let meta = root["metadata"] {
      guard let dict = meta as? [String: Any] else {
        throw .corrupted("\"metadata\" is not a JSON object")
      }
      for (key, value) in dict { metadata[key] = "\(value)" }
    }
    let name = (root["name"] as? String) ?? "network"
    let network = try SequentialNetwork(
      inputShape: FeatureShape(channels: dims[0], height: dims[1], width: dims[2]), layers: layers,
      name: name,
      metadata: metadata)
    if let checksum = root["checksum"] {
      guard let stated = checksum as? String else {
        throw .corrupted("\"checksum\" is not a string")
      }
      let actual = network.parameterChecksum
      guard stated == actual else {
        throw .corrupted(
          "checksum mismatch: the file says \(stated), the weights hash to \(actual)")
      }
    }
    self = network
  }

  static func _parseLayer(_ layer: [String: Any], index: Int) throws(NetworkError) -> NetworkLayer {
    guard let type = layer["type"] as? String else {
      throw .corrupted("layer \(index) has no \"type\" string")
    }
    func int(_ key: String) throws(NetworkError) -> Int {
      guard let value = _integer(layer[key]), value >= 0 else {
        throw .corrupted(
          "layer \(index) (\(type)): missing or invalid non-negative integer \"\(key)\"")
      }
      return value
    }
    func numbers(_ key: String, expected: Int, detail: String) throws(NetworkError) -> [Double] {
      guard let array = layer[key] as? [Any] else {
        throw .corrupted("layer \(index) (\(type)): missing the \"\(key)\" array")
      }
      var values: [Double] = []
      values.reserveCapacity(array.count)
      for item in array {
        guard let number = item as? NSNumber, let value = _exactDouble(number), value.isFinite
        else {
          throw .corrupted(
            "layer \(index) (\(type)): \"\(key)\" holds a value that is not a finite number")
        }
        values.append(value)
      }
      guard values.count == expected else {
        throw .wrongShape(
          "layer \(index) (\(type)): \"\(key)\" has \(values.count) values, expected \(expected) (\(detail))"
        )
      }
      return values
    }
    switch type {
    case "dense":
      let (inputs, outputs) = (try int("in"), try int("out"))
      guard inputs > 0, outputs > 0 else {
        throw .wrongShape("layer \(index) (dense): in and out must be positive")
      }
      let weight = try numbers(
        "weight", expected: inputs * outputs, detail: "\(outputs) × \(inputs)")
      let bias = try numbers("bias", expected: outputs, detail: "\(outputs)")
      return .dense(
        DenseLayer(weight: Matrix(rowMajor: weight, rows: outputs, columns: inputs), bias: bias))
    case "conv2d":
      let (cin, cout, kernel, padding) = (
        try int("in_channels"), try int("out_channels"), try int("kernel"), try int("padding")
      )
      guard cin > 0, cout > 0, kernel > 0 else {
        throw .wrongShape("layer \(index) (conv2d): channels and kernel must be positive")
      }
      let fanIn = cin * kernel * kernel
      let weight = try numbers(
        "weight", expected: cout * fanIn, detail: "\(cout) × \(cin) × \(kernel) × \(kernel)")
      let bias = try numbers("bias", expected: cout, detail: "\(cout)")
      return .convolution(
        ConvolutionLayer(
          weight: Matrix(rowMajor: weight, rows: cout, columns: fanIn), bias: bias, kernel: kernel,
          padding: padding))
    case "avgpool", "maxpool":
      let size = try int("size")
      guard size > 0 else { throw .wrongShape("layer \(index) (\(type)): size must be positive") }
      return .pooling(PoolingLayer(type == "avgpool" ? .average : .maximum, size: size))
    case "activation":
      guard let function = layer["function"] as? String else {
        throw .corrupted("layer \(index) (activation): missing the \"function\" string")
      }
      return .activation(try Activation(named: function))
    default:
      throw .unknownName(
        kind: "layer type", name: type,
        known: ["dense", "conv2d", "avgpool", "maxpool", "activation"])
    }
  }
}

/// An integer from a JSON number that has no fractional part.
private func _integer(_ value: Any?) -> Int? {
  guard let number = value as? NSNumber else { return nil }
  let d = number.doubleValue
  guard d == d.rounded(), abs(d) < 1e15 else { return nil }
  return Int(d)
}

/// The double a JSON number denotes. corelibs-foundation parses JSON reals into `NSDecimalNumber`,
/// whose `doubleValue` is off by an ulp about half the time; its decimal `description` parsed by
/// `Double(_:)` (correctly rounded) recovers the exact value, so save → load round-trips.
private func _exactDouble(_ number: NSNumber) -> Double? {
  Double(number.description) ?? number.doubleValue
}
