import ArgumentParser
import CodedComputing
import Foundation

/// `coded infer`: coded inference of trained networks on a labelled test set (LeTCC paper, Table 1).
struct InferCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "infer",
    abstract:
      "Coded inference: encode groups of K test images into N coded images, run the network, decode the logits.",
    discussion: """
      For every model, K, N and scheme, the test images are cut into groups of K; each group is encoded
      coordinate-wise in pixel space into N coded images, the network runs on all of them in one batched
      forward pass, S workers per group straggle, and the survivors' logits are decoded. Prints (or writes
      atomically with --output) one CSV row per (model, scheme, K, N, S) with the RMSE of the decoded
      logits against the network's own logits, the decoded and the network's own accuracy on the same
      images, their ratio (relative accuracy) and the time spent. Definitions: Guides/CodedInference.md.
      """)

  @Option(parsing: .unconditional, help: "Weight files (comma-separated), as written by `coded train`.") var model: String
  @Option(parsing: .unconditional, help: "Directory with test.csv (header label,x0,...), or a CSV file.") var data: String
  @Option(name: .customLong("K"), parsing: .unconditional, help: "Images per coded computation, comma-separated.")
  var inputCounts: String = "10,20"
  @Option(parsing: .unconditional, help: "Workers N, comma-separated (overrides --redundancy).") var workers: String?
  @Option(parsing: .unconditional, help: "N = r·K for each r, comma-separated.") var redundancy: String = "2,5,10,20"
  @Option(parsing: .unconditional, help: "Stragglers S, comma-separated (overrides --straggler-fractions).") var stragglers:
    String?
  @Option(name: .customLong("straggler-fractions"), parsing: .unconditional, help: "S = ⌊f·N⌋ for each f, comma-separated.")
  var stragglerFractions: String = "0,0.1,0.2"
  @Option(parsing: .unconditional, help: "Schemes, comma-separated: letcc, bacc, replication, uncoded (N = K only), lcc.")
  var schemes: String = "letcc,bacc,replication"
  @Option(name: .customLong("straggler-model"), parsing: .unconditional, help: "random or worst-window.") var stragglerModel:
    String = "random"
  @Option(parsing: .unconditional, help: "Node layout: equispaced, chebyshev or midpoints.") var nodes: String = "chebyshev"
  @Option(
    name: .customLong("encoder-lambda"), parsing: .unconditional, help: "LeTCC encoder λ: a number >= 0, gcv or optimal.")
  var encoderLambda: String = "0"
  @Option(
    name: .customLong("decoder-lambda"), parsing: .unconditional, help: "LeTCC decoder λ: a number >= 0, gcv or optimal.")
  var decoderLambda: String = "optimal"
  @Option(parsing: .unconditional, help: "Seed for the straggler sets.") var seed: UInt64 = 0
  @Option(parsing: .unconditional, help: "Write the CSV here (atomically) instead of stdout.") var output: String?

  func run() async throws {
    try await reportingErrors { try await withProgress("coded infer") { try _run() } }
  }

  private func _run() throws {
    try checkOutput(output)
    setBLASThreadCount(1)
    let modelPaths = model.split(separator: ",").map {
      String($0).trimmingCharacters(in: .whitespaces)
    }
    guard !modelPaths.isEmpty, modelPaths.allSatisfy({ !$0.isEmpty }) else {
      throw CLIFailure("--model needs at least one file")
    }
    var isDirectory: ObjCBool = false
    let testPath =
      FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory)
        && isDirectory.boolValue
      ? (data as NSString).appendingPathComponent("test.csv") : data
    let split = _splitNote(near: testPath)
    let test = try LabeledDataset.load(csv: testPath)
    let ks = try parseIntegerList(inputCounts, option: "--K")
    guard ks.allSatisfy({ $0 >= 2 }) else {
      throw CLIFailure("--K values must be at least 2, got '\(inputCounts)'")
    }
    let schemeKinds = try schemes.split(separator: ",").map {
      try parseChoice(
        String($0).trimmingCharacters(in: .whitespaces), what: "scheme", as: SchemeKind.self)
    }
    let model: StragglerModel
    switch stragglerModel {
    case "random": model = .random
    case "worst-window": model = .worstWindow
    default:
      throw CLIFailure("unknown straggler model '\(stragglerModel)' (known: random, worst-window)")
    }
    guard let layout = NodeLayout(rawValue: nodes) else {
      throw CLIFailure("unknown node layout '\(nodes)' (known: equispaced, chebyshev, midpoints)")
    }
    let encoderChoice = try SmoothingChoice(parsing: encoderLambda, what: "--encoder-lambda")
    let lambda = try SmoothingChoice(parsing: decoderLambda)
    let fractions = try _doubleList(stragglerFractions, option: "--straggler-fractions")
    guard fractions.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
      throw CLIFailure("--straggler-fractions must be in [0, 1), got '\(stragglerFractions)'")
    }
    let explicitStragglers = try stragglers.map { try parseIntegerList($0, option: "--stragglers") }
    let explicitWorkers = try workers.map { try parseIntegerList($0, option: "--workers") }
    let ratios = try parseIntegerList(redundancy, option: "--redundancy")
    guard ratios.allSatisfy({ $0 >= 1 }) else {
      throw CLIFailure("--redundancy values must be at least 1, got '\(redundancy)'")
    }

    var lines = [Self.header]
    for path in modelPaths {
      let network = try SequentialNetwork.load(from: path)
      guard test.features.columns == network.inputShape.count else {
        throw CLIFailure(
          "the images in '\(testPath)' have \(test.features.columns) pixels, the network '\(path)' takes \(network.inputShape.count) (\(network.inputShape))"
        )
      }
      let testAccuracy = try network.accuracy(on: test)
      let activations = network.activations
      let smooth =
        activations.allSatisfy(\.isSmooth)
        && !network.layers.contains { layer in
          if case .pooling(let p) = layer { return p.kind == .maximum }
          return false
        }
      for k in ks {
        let ns = explicitWorkers ?? ratios.map { $0 * k }
        for n in ns {
          let ss =
            explicitStragglers
            ?? Array(Set(fractions.map { Int((Double(n) * $0).rounded(.down)) })).sorted()
          for kind in schemeKinds {
            if kind == .uncoded && n != k { continue }
            let rows = try runCodedInference(
              CodedInferenceSetup(
                network: network, data: test, scheme: kind.factory, inputCount: k, workerCount: n,
                stragglerCounts: ss,
                stragglerModel: model, layout: layout, encoderLambda: encoderChoice,
                decoderLambda: lambda, seed: seed))
            for r in rows {
              for (name, value) in [
                ("rmse", r.rmse), ("logit_rms", r.logitRMS), ("decoded_accuracy", r.decodedAccuracy),
              ] where !value.isFinite {
                throw CLIFailure(
                  "\(kind.rawValue) K=\(r.inputCount) N=\(r.workerCount) S=\(r.stragglers): the \(name) is \(value), not a finite number (the decoded logits overflowed)")
              }
              lines.append(
                [
                  path, network.name, activations.map(\.rawValue).joined(separator: "+"),
                  smooth ? "1" : "0",
                  csvNumber(testAccuracy), kind.rawValue, "\(r.inputCount)", "\(r.workerCount)",
                  "\(r.stragglers)",
                  model.description, layout.rawValue, encoderChoice.description, lambda.description,
                  csvNumber(r.decoderLambdaUsed), "\(r.groups)", "\(r.images)", csvNumber(r.rmse),
                  csvNumber(r.logitRMS),
                  csvNumber(r.decodedAccuracy), csvNumber(r.ownAccuracy),
                  csvNumber(r.relativeAccuracy),
                  csvNumber(r.agreement), csvNumber(r.encodeSeconds), csvNumber(r.computeSeconds),
                  csvNumber(r.decodeSeconds), "\(seed)", testPath, split, network.parameterChecksum,
                ].joined(separator: ","))
            }
          }
        }
      }
    }
    guard lines.count > 1 else {
      throw CLIFailure(
        "nothing to run: no (K, N, scheme) combination applies (uncoded needs N = K: add --redundancy 1 or --workers equal to --K)")
    }
    let text = lines.joined(separator: "\n") + "\n"
    if let output {
      try writeAtomically(text, to: output)
    } else {
      print(text, terminator: "")
    }
  }

  static let header = [
    "model_file", "model", "activation", "smooth", "test_accuracy", "scheme", "K", "N", "S",
    "straggler_model",
    "nodes", "encoder_lambda", "decoder_lambda", "decoder_lambda_used", "groups", "images", "rmse",
    "logit_rms",
    "decoded_accuracy", "own_accuracy", "relative_accuracy", "agreement", "encode_seconds",
    "compute_seconds",
    "decode_seconds", "seed", "data", "split", "model_checksum",
  ].joined(separator: ",")
}

/// The `split:` line of the README.txt beside a data file (written by scripts/export_digits.py),
/// with commas replaced so it fits one CSV field; "unrecorded" when there is none.
func _splitNote(near path: String) -> String {
  let readme = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
    "README.txt")
  guard let text = try? String(contentsOfFile: readme, encoding: .utf8),
    let line = text.split(separator: "\n").first(where: { $0.hasPrefix("split:") })
  else { return "unrecorded" }
  return line.dropFirst("split:".count).trimmingCharacters(in: .whitespaces).replacingOccurrences(
    of: ",", with: ";")
}

/// Parses a comma-separated list of finite numbers, naming the option on failure.
func _doubleList(_ text: String, option: String) throws -> [Double] {
  try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
    let token = item.trimmingCharacters(in: .whitespaces)
    guard let value = Double(token), value.isFinite else {
      throw CLIFailure("\(option): '\(token)' is not a finite number (in '\(text)')")
    }
    return value
  }
}
