import Foundation

/// One row of a degraded-mode comparison (`coded parity evaluate`).
public struct DegradedModeResult: Sendable, Equatable {
  /// `parity`, `learned`, `letcc`, `bacc`, `replication` or `default`.
  public var scheme: String
  /// k, queries coded together.
  public var queryCount: Int
  /// Workers per group of k queries (redundancy = workers / k).
  public var workerCount: Int
  /// The base model's accuracy on the G·k test queries scored.
  public var baseAccuracy: Double
  /// The accuracy of the rebuilt (degraded-mode) predictions.
  public var degradedAccuracy: Double
  /// RMSE of the rebuilt logits against the base model's logits.
  public var rmse: Double
  /// Wall-clock seconds to serve one query with one worker lost: encoding, every worker's forward
  /// pass and one decode per group, divided by G·k.
  public var secondsPerQuery: Double
  /// The rebuilt predictions scored.
  public var cases: Int
}

/// What to compare in degraded mode: a base model, its test set and the training-set constants
/// the `default` scheme returns.
public struct DegradedModeSetup: Sendable {
  public var base: SequentialNetwork
  public var test: LabeledDataset
  /// k ∈ {2, 3, 4}.
  public var queryCount: Int
  public var encoder: ParityEncoder
  /// The parity model (nil: no `parity` row).
  public var parity: SequentialNetwork?
  /// The learned code (nil: no `learned` row).
  public var learned: LearnedCode?
  /// The `default` scheme's constant class: the most frequent training class.
  public var defaultClass: Int
  /// The `default` scheme's constant logits for the RMSE: the mean of the base model's training logits.
  public var defaultLogits: [Double]

  public init(
    base: SequentialNetwork, test: LabeledDataset, queryCount: Int, encoder: ParityEncoder,
    parity: SequentialNetwork?, learned: LearnedCode? = nil, defaultClass: Int,
    defaultLogits: [Double]
  ) {
    self.base = base
    self.test = test
    self.queryCount = queryCount
    self.encoder = encoder
    self.parity = parity
    self.learned = learned
    self.defaultClass = defaultClass
    self.defaultLogits = defaultLogits
  }

  /// The `default` constants from a training set: its most frequent class (smallest on ties) and
  /// the base model's mean logits on it.
  /// - Throws: ``ParityModelError/invalidInput(_:)`` when the training data do not fit the base model.
  public static func defaults(base: SequentialNetwork, train: LabeledDataset)
    throws(ParityModelError)
    -> (defaultClass: Int, defaultLogits: [Double])
  {
    guard train.features.columns == base.inputShape.count, train.count >= 1 else {
      throw .invalidInput(
        "the training images have \(train.features.columns) pixels, the base model takes \(base.inputShape.count) (\(base.inputShape))"
      )
    }
    var counts = [Int](repeating: 0, count: max(train.classCount, 1))
    for label in train.labels { counts[label] += 1 }
    let mostFrequent =
      counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) } ?? 0
    let logits: Matrix
    do { logits = try base.logits(train.features) } catch { throw .network(error) }
    let mean = (0..<logits.columns).map { c in logits.column(c).reduce(0, +) / Double(logits.rows) }
    return (mostFrequent, mean)
  }
}

/// Degraded-mode accuracy of every scheme at r = 1 on the same test queries (DESIGN.md, "Parity
/// models"): the test set in file order cut into G = ⌊n/k⌋ groups of k.
///
/// - `parity`: k + 1 workers; every (group, position j) rebuilt in turn by subtraction.
/// - `learned`: k + 1 workers; every (group, position j) rebuilt by the learned decoder.
/// - `letcc`, `bacc`: K = k, N = k + 1 (same redundancy), every single-worker loss in turn; all k
///   decoded outputs of each loss are scored (none is systematic), so G·k·(k + 1) predictions.
///   Chebyshev nodes, encoder λ = 0, decoder λ `optimal` (as `coded infer`) — except at k = 2,
///   where two survivors are too few for `optimal` (it needs three) and LeTCC's decoder
///   interpolates (λ = 0: the line through the two survivors).
/// - `replication`: 2k workers; a lost copy is replaced by its twin, so degraded = base accuracy.
/// - `default`: k workers, no redundancy; an unavailable prediction is the most frequent training
///   class (its RMSE is against the mean training logits).
///
/// - Throws: ``ParityModelError`` when the test images do not fit, the parity model does not
///   match the base model, or a comparison scheme refuses the sizes.
/// - Complexity: one forward pass of the base model over G·k queries, G·(k + 1) coded queries per
///   interpolating scheme, G parity queries; O(G·k²·m) for subtraction decoding.
public func runDegradedModeComparison(_ setup: DegradedModeSetup) throws(ParityModelError)
  -> [DegradedModeResult]
{
  let (base, k) = (setup.base, setup.queryCount)
  let code = try ParityModelCode(
    queryCount: k, encoder: setup.encoder, inputShape: base.inputShape)
  guard setup.test.features.columns == base.inputShape.count else {
    throw .invalidInput(
      "the test images have \(setup.test.features.columns) pixels, the base model takes \(base.inputShape.count) (\(base.inputShape))"
    )
  }
  let groups = setup.test.count / k
  guard groups >= 1 else {
    throw .invalidInput("k = \(k) is more than the \(setup.test.count) test images")
  }
  if let parity = setup.parity { try ParityModelCode.checkCompatible(parity: parity, base: base) }
  let used = setup.test.features.selectingRows(Array(0..<(groups * k)))
  let labels = Array(setup.test.labels[0..<(groups * k)])
  let clock = ContinuousClock()
  let queries = Double(groups * k)

  let baseStart = clock.now
  let baseLogits: Matrix
  do { baseLogits = try base.logits(used) } catch { throw .network(error) }
  let baseSeconds = (clock.now - baseStart).inSeconds
  let basePredictions = baseLogits._rowArgmax()
  let baseAccuracy = _accuracy(basePredictions, labels)
  func row(
    _ scheme: String, workers: Int, _ score: (accuracy: Double, rmse: Double, cases: Int),
    seconds: Double
  )
    -> DegradedModeResult
  {
    DegradedModeResult(
      scheme: scheme, queryCount: k, workerCount: workers, baseAccuracy: baseAccuracy,
      degradedAccuracy: score.accuracy, rmse: score.rmse, secondsPerQuery: seconds / queries,
      cases: score.cases)
  }
  var results: [DegradedModeResult] = []

  if let parity = setup.parity {
    let start = clock.now
    let samples = (0..<used.rows).map { used.row($0) }
    var parityQueries = Matrix(rows: groups, columns: used.columns)
    for g in 0..<groups {
      let p = code.encoder._encode(
        rows: Array(samples[(g * k)..<((g + 1) * k)]), shape: base.inputShape)
      for j in 0..<used.columns { parityQueries[g, j] = p[j] }
    }
    let parityLogits: Matrix
    do { parityLogits = try parity.logits(parityQueries) } catch { throw .network(error) }
    let decodeStart = clock.now
    let score = ParityModelCode.degradedMode(
      queryCount: k, baseOutputs: baseLogits, parityOutputs: parityLogits, labels: labels)
    let decodeSeconds = (clock.now - decodeStart).inSeconds
    // Serving decodes once per group; the scoring above decoded every one of the k positions.
    let seconds = (decodeStart - start).inSeconds + baseSeconds + decodeSeconds / Double(k)
    results.append(row("parity", workers: k + 1, score, seconds: seconds))
  }

  if let learned = setup.learned {
    guard learned.queryCount == k else {
      throw .mismatchedArchitecture("the learned code is for k = \(learned.queryCount), not \(k)")
    }
    let start = clock.now
    let score: (accuracy: Double, rmse: Double, cases: Int)
    let decodeSeconds: Double
    do {
      let (decoderInput, _) = try learned._degradedDecoderInput(
        base: base, images: used, baseLogits: baseLogits)
      let decodeStart = clock.now
      let rebuilt = try learned.decoder.logits(decoderInput)
      decodeSeconds = (clock.now - decodeStart).inSeconds
      score = _scoreRebuilt(rebuilt, baseLogits: baseLogits, labels: labels)
    } catch { throw .network(error) }
    let total = (clock.now - start).inSeconds
    let seconds = total - decodeSeconds + decodeSeconds / Double(k) + baseSeconds
    results.append(row("learned", workers: k + 1, score, seconds: seconds))
  }

  for factory in [SchemeFactory.letcc, .bacc] {
    let start = clock.now
    let n = k + 1
    let scheme: any CodingScheme
    do {
      scheme = try factory.make(
        SchemeRequest(
          inputCount: k, workerCount: n, decoderLambda: n - 1 >= 3 ? .optimal : .fixed(0),
          plannedStragglers: 1, functionDegree: base.polynomialDegree))
    } catch { throw .coding(error) }
    var coded = Matrix(rows: groups * n, columns: used.columns)
    do {
      for g in 0..<groups {
        let block = try scheme.encode(used.selectingRows(Array((g * k)..<((g + 1) * k))))
        for j in 0..<used.columns { for w in 0..<n { coded[g * n + w, j] = block[w, j] } }
      }
    } catch { throw .coding(error) }
    let codedLogits: Matrix
    do { codedLogits = try base.logits(coded) } catch { throw .network(error) }
    let decodeStart = clock.now
    var rebuilt = Matrix(rows: groups * k * n, columns: base.outputCount)
    var truthRows: [Int] = []
    truthRows.reserveCapacity(groups * k * n)
    do {
      for g in 0..<groups {
        for lost in 0..<n {
          let survivors = (0..<n).filter { $0 != lost }
          let estimates = try scheme.decode(
            codedLogits.selectingRows(survivors.map { g * n + $0 }), survivors: survivors)
          for i in 0..<k {
            let r = truthRows.count
            for c in 0..<base.outputCount { rebuilt[r, c] = estimates[i, c] }
            truthRows.append(g * k + i)
          }
        }
      }
    } catch { throw .coding(error) }
    let decodeSeconds = (clock.now - decodeStart).inSeconds
    let score = _scoreRebuilt(
      rebuilt, baseLogits: baseLogits.selectingRows(truthRows), labels: truthRows.map { labels[$0] }
    )
    let seconds = (decodeStart - start).inSeconds + decodeSeconds / Double(n)
    results.append(row(factory.name, workers: n, score, seconds: seconds))
  }

  do {
    let start = clock.now
    let copies: Matrix
    do { copies = try base.logits(used) } catch { throw .network(error) }
    let score = _scoreRebuilt(copies, baseLogits: baseLogits, labels: labels)
    results.append(
      row(
        "replication", workers: 2 * k, score, seconds: baseSeconds + (clock.now - start).inSeconds))
  }

  do {
    let start = clock.now
    var constant = Matrix(rows: groups * k, columns: base.outputCount)
    for r in 0..<constant.rows {
      for c in 0..<constant.columns { constant[r, c] = setup.defaultLogits[c] }
    }
    let correct = labels.filter { $0 == setup.defaultClass }.count
    var score = _scoreRebuilt(constant, baseLogits: baseLogits, labels: labels)
    score.accuracy = Double(correct) / queries
    results.append(
      row("default", workers: k, score, seconds: baseSeconds + (clock.now - start).inSeconds))
  }
  return results
}
