import Foundation

/// One coded-inference experiment: a trained classifier, a labelled test set, a scheme and a grid
/// of straggler counts for one (K, N).
///
/// The test images are cut, in file order, into G = ⌊count/K⌋ groups of K (the last count mod K
/// images are left out). Each group is one coded computation: the K images (K × d, pixel space)
/// are encoded coordinate-wise into N coded images, the network runs on all G·N coded images in
/// one batched forward pass, S workers per group straggle, and the scheme decodes the survivors'
/// logits into K × m estimates of the network's logits on the true images
/// (Moradi, Tahmasebi & Maddah-Ali 2024, §6 and Table 1).
public struct CodedInferenceSetup: Sendable {
  public var network: SequentialNetwork
  public var data: LabeledDataset
  public var scheme: SchemeFactory
  /// K, images per coded computation.
  public var inputCount: Int
  /// N, workers (coded images) per computation.
  public var workerCount: Int
  /// The S values to score; the forward pass is shared by all of them.
  public var stragglerCounts: [Int]
  /// `random` (a fresh uniform S-subset per group) or `worstWindow` (per group, the window of S
  /// consecutive workers whose loss gives the largest squared logit error).
  public var stragglerModel: StragglerModel
  public var layout: NodeLayout
  public var encoderLambda: SmoothingChoice
  public var decoderLambda: SmoothingChoice
  public var seed: UInt64

  public init(
    network: SequentialNetwork, data: LabeledDataset, scheme: SchemeFactory, inputCount: Int,
    workerCount: Int,
    stragglerCounts: [Int], stragglerModel: StragglerModel = .random,
    layout: NodeLayout = .chebyshev,
    encoderLambda: SmoothingChoice = .fixed(0), decoderLambda: SmoothingChoice = .optimal,
    seed: UInt64 = 0
  ) {
    self.network = network
    self.data = data
    self.scheme = scheme
    self.inputCount = inputCount
    self.workerCount = workerCount
    self.stragglerCounts = stragglerCounts
    self.stragglerModel = stragglerModel
    self.layout = layout
    self.encoderLambda = encoderLambda
    self.decoderLambda = decoderLambda
    self.seed = seed
  }
}

/// The scores of one (scheme, K, N, S) point, defined in Guides/CodedInference.md.
public struct CodedInferenceResult: Sendable, Equatable {
  /// The scheme's name.
  public var scheme: String
  public var inputCount: Int
  public var workerCount: Int
  public var stragglers: Int
  /// G, the number of coded computations (groups of K images).
  public var groups: Int
  /// G·K, the images scored.
  public var images: Int
  /// √( (1/(G·K·m)) Σ_images Σ_logits (f̂ − f)² ): f the network's logits on the true image,
  /// f̂ the decoded ones.
  public var rmse: Double
  /// √( (1/(G·K·m)) Σ f² ), the scale the RMSE is measured against.
  public var logitRMS: Double
  /// The fraction of the G·K images whose decoded argmax equals the label.
  public var decodedAccuracy: Double
  /// The fraction of the same G·K images the network itself classifies correctly.
  public var ownAccuracy: Double
  /// decodedAccuracy / ownAccuracy.
  public var relativeAccuracy: Double { decodedAccuracy / ownAccuracy }
  /// The fraction of images whose decoded argmax equals the network's own argmax.
  public var agreement: Double
  /// Mean decoder λ used by LeTCC (NaN for other schemes).
  public var decoderLambdaUsed: Double
  /// Seconds to encode all G groups (shared by every S).
  public var encodeSeconds: Double
  /// Seconds for the network on all G·N coded images, one batched forward pass (shared by every S).
  public var computeSeconds: Double
  /// Seconds to pick stragglers and decode all G groups for this S.
  public var decodeSeconds: Double
}

/// Why a coded-inference experiment cannot run.
public enum CodedInferenceError: Error, Equatable, Sendable, CustomStringConvertible {
  case invalidSetup(String)
  case coding(CodingError)
  case network(NetworkError)

  public var description: String {
    switch self {
    case .invalidSetup(let message): return message
    case .coding(let error): return error.description
    case .network(let error): return error.description
    }
  }
}

/// Runs coded inference for one (scheme, K, N) and every S in `setup.stragglerCounts`.
///
/// The straggler sets for a given S are drawn from `SplitMix64(seed: setup.seed ^ S)` group by
/// group, so every scheme at the same (K, N, S) and seed loses exactly the same workers.
///
/// ```swift
/// let rows = try runCodedInference(CodedInferenceSetup(
///   network: net, data: test, scheme: .letcc, inputCount: 10, workerCount: 100, stragglerCounts: [0, 10, 20]))
/// ```
/// - Throws: ``CodedInferenceError`` when K < 2, S ≥ N, there are fewer than K images, the images
///   do not fit the network, or the scheme rejects the sizes.
/// - Complexity: one forward pass over G·N coded images (GEMM), G encodes, and G decodes per S
///   (N − S + 1 per group for worst-window).
public func runCodedInference(_ setup: CodedInferenceSetup) throws(CodedInferenceError)
  -> [CodedInferenceResult]
{
  let (k, n) = (setup.inputCount, setup.workerCount)
  let network = setup.network
  guard k >= 2 else { throw .invalidSetup("K must be at least 2, got \(k)") }
  guard setup.data.features.columns == network.inputShape.count else {
    throw .network(
      .wrongInputDimension(expected: network.inputShape.count, actual: setup.data.features.columns))
  }
  let groups = setup.data.count / k
  guard groups >= 1 else {
    throw .invalidSetup("K = \(k) is more than the \(setup.data.count) test images")
  }
  for s in setup.stragglerCounts where s < 0 || s >= n {
    throw .invalidSetup("S = \(s) must be in 0..<N = \(n)")
  }
  let scheme: any CodingScheme
  do {
    scheme = try setup.scheme.make(
      SchemeRequest(
        inputCount: k, workerCount: n, layout: setup.layout, encoderLambda: setup.encoderLambda,
        decoderLambda: setup.decoderLambda, plannedStragglers: setup.stragglerCounts.max() ?? 0,
        functionDegree: network.polynomialDegree))
  } catch { throw .coding(error) }
  let m = network.outputCount
  let clock = ContinuousClock()

  // The network's own logits on the true images, and the images group by group.
  let used = Array(0..<(groups * k))
  let images = setup.data.features.selectingRows(used)
  let ownLogits: Matrix
  do { ownLogits = try network.logits(images) } catch { throw .network(error) }
  let ownPredictions = ownLogits._rowArgmax()
  let labels = Array(setup.data.labels[0..<(groups * k)])

  // Encode every group; stack the coded images (group g's worker w is row g·N + w).
  var coded = Matrix(rows: groups * n, columns: images.columns)
  let encodeStart = clock.now
  for g in 0..<groups {
    let block: Matrix
    do { block = try scheme.encode(images.selectingRows(Array((g * k)..<((g + 1) * k)))) } catch {
      throw .coding(error)
    }
    for j in 0..<block.columns {
      for w in 0..<n { coded[g * n + w, j] = block[w, j] }
    }
  }
  let encodeSeconds = (clock.now - encodeStart).inSeconds

  let computeStart = clock.now
  let codedLogits: Matrix
  do { codedLogits = try network.logits(coded) } catch { throw .network(error) }
  let computeSeconds = (clock.now - computeStart).inSeconds

  var logitSquares = 0.0
  for v in ownLogits.storage { logitSquares += v * v }
  let logitRMS = (logitSquares / Double(groups * k * m)).squareRoot()

  var results: [CodedInferenceResult] = []
  for s in setup.stragglerCounts {
    var generator = SplitMix64(seed: setup.seed ^ UInt64(s))
    var squaredError = 0.0
    var correct = 0
    var agree = 0
    var kernel = _TrialKernel(scheme: scheme)
    let decodeStart = clock.now
    for g in 0..<groups {
      let sets = setup.stragglerModel.stragglerSets(workers: n, stragglers: s, using: &generator)
      var worst: (error: Double, estimates: Matrix)? = nil
      for stragglerSet in sets {
        let lost = Set(stragglerSet)
        let survivors = (0..<n).filter { !lost.contains($0) }
        let received = codedLogits.selectingRows(survivors.map { g * n + $0 })
        let estimates: Matrix
        do { estimates = try kernel.decode(received, survivors: survivors) } catch {
          throw .coding(error)
        }
        var error = 0.0
        for j in 0..<m {
          for i in 0..<k {
            let d = estimates[i, j] - ownLogits[g * k + i, j]
            error += d * d
          }
        }
        if error > (worst?.error ?? -1) { worst = (error, estimates) }
      }
      guard let chosen = worst else { continue }
      squaredError += chosen.error
      let predictions = chosen.estimates._rowArgmax()
      for i in 0..<k {
        if predictions[i] == labels[g * k + i] { correct += 1 }
        if predictions[i] == ownPredictions[g * k + i] { agree += 1 }
      }
    }
    let decodeSeconds = (clock.now - decodeStart).inSeconds
    let total = Double(groups * k)
    results.append(
      CodedInferenceResult(
        scheme: setup.scheme.name, inputCount: k, workerCount: n, stragglers: s, groups: groups,
        images: groups * k,
        rmse: (squaredError / (total * Double(m))).squareRoot(), logitRMS: logitRMS,
        decodedAccuracy: Double(correct) / total, ownAccuracy: _accuracy(ownPredictions, labels),
        agreement: Double(agree) / total,
        decoderLambdaUsed: kernel.meanLambda,
        encodeSeconds: encodeSeconds, computeSeconds: computeSeconds, decodeSeconds: decodeSeconds))
  }
  return results
}
