/// A parity-model code (Kosaian, Rashmi & Venkataraman, "Parity models: erasure-coded resilience
/// for prediction serving systems", SOSP 2019): k queries, r = 1 parity, k + 1 workers.
///
/// Workers 0…k−1 run the base model F on the k queries themselves; worker k runs a **parity
/// model** F_P — the base architecture with its own, learned weights — on the parity query
/// P = encoder(X₀, …, X_{k−1}) (``ParityEncoder``). F_P is trained so that F_P(P) ≈ Σᵢ F(Xᵢ), so
/// when data worker j straggles its output is rebuilt by subtraction,
/// F̂(Xⱼ) = F_P(P) − Σ_{i≠j} F(Xᵢ). Any k of the k + 1 outputs decode; with all k data outputs
/// the parity output is ignored (the code is systematic).
///
/// As a ``CodingScheme`` the code encodes k × d queries into (k + 1) × d worker inputs (the
/// queries, then P) and decodes the survivors' outputs; ``round(queries:base:parity:stoppingRule:)``
/// builds the round that runs the two different workloads.
///
/// ```swift
/// let code = try ParityModelCode(queryCount: 2, encoder: .sum, inputShape: base.inputShape)
/// let outcome = try await pool.run(try code.round(queries: x, base: base, parity: parity))
/// let logits = try code.decode(outcome.outputs, survivors: outcome.survivors)   // 2 × 10
/// ```
public struct ParityModelCode: CodingScheme {
  public var name: String { "parity" }
  /// k, the queries coded together.
  public let inputCount: Int
  /// k + 1.
  public var workerCount: Int { inputCount + 1 }
  /// k: any k of the k + 1 outputs decode.
  public var minimumSurvivors: Int { inputCount }
  public let encoder: ParityEncoder
  /// The shape of one query; nil (sum only) accepts queries of any length.
  public let inputShape: FeatureShape?

  /// - Throws: ``ParityModelError/unsupportedQueryCount(_:)`` when k is outside {2, 3, 4} or the
  ///   encoder cannot tile k images of `inputShape` (concat needs a shape).
  public init(queryCount k: Int, encoder: ParityEncoder, inputShape: FeatureShape? = nil)
    throws(ParityModelError)
  {
    guard let inputShape else {
      guard encoder == .sum else {
        throw .unsupportedQueryCount("the concat encoder needs the image shape to tile")
      }
      try encoder.validate(queryCount: k, shape: FeatureShape(flat: 1))
      self.inputCount = k
      self.encoder = encoder
      self.inputShape = nil
      return
    }
    try encoder.validate(queryCount: k, shape: inputShape)
    self.inputCount = k
    self.encoder = encoder
    self.inputShape = inputShape
  }

  /// The worker inputs: the k queries unchanged, then the parity query ((k + 1) × d).
  /// - Complexity: O(k · d).
  public func encode(_ inputs: Matrix) throws(CodingError) -> Matrix {
    let shape = inputShape ?? FeatureShape(flat: inputs.columns)
    guard inputs.rows == inputCount, inputs.columns == shape.count else {
      throw .wrongShape(
        what: "parity-code inputs", expected: "\(inputCount) × \(shape.count)",
        actual: "\(inputs.rows) × \(inputs.columns)")
    }
    let rows = (0..<inputCount).map { inputs.row($0) }
    let parity = encoder._encode(rows: rows, shape: shape)
    var coded = Matrix(rows: workerCount, columns: inputs.columns)
    for j in 0..<inputs.columns {
      for i in 0..<inputCount { coded[i, j] = inputs[i, j] }
      coded[inputCount, j] = parity[j]
    }
    return coded
  }

  /// The k base outputs: the data workers' own outputs, and a missing one rebuilt as
  /// F_P(P) − Σ_{i≠j} F(Xᵢ).
  /// - Parameters:
  ///   - results: one output per survivor, in the order of `survivors`.
  ///   - survivors: distinct worker indices in 0…k; at least k of them.
  /// - Throws: ``CodingError/tooFewSurvivors(scheme:survivors:minimum:)`` with fewer than k,
  ///   ``CodingError/invalidSurvivors(_:)`` for repeated or out-of-range indices.
  /// - Complexity: O(k · m).
  public func decode(_ results: Matrix, survivors: [Int]) throws(CodingError) -> Matrix {
    guard results.rows == survivors.count else {
      throw .wrongShape(
        what: "results", expected: "\(survivors.count) rows", actual: "\(results.rows) rows")
    }
    guard Set(survivors).count == survivors.count,
      survivors.allSatisfy({ (0...inputCount).contains($0) })
    else { throw .invalidSurvivors("indices must be distinct and in 0...\(inputCount)") }
    guard survivors.count >= inputCount else {
      throw .tooFewSurvivors(scheme: name, survivors: survivors.count, minimum: inputCount)
    }
    let m = results.columns
    var estimates = Matrix(rows: inputCount, columns: m)
    var present = [Bool](repeating: false, count: inputCount)
    var parityRow: Int? = nil
    for (row, worker) in survivors.enumerated() {
      if worker == inputCount {
        parityRow = row
      } else {
        present[worker] = true
        for j in 0..<m { estimates[worker, j] = results[row, j] }
      }
    }
    guard let missing = present.firstIndex(of: false) else { return estimates }
    guard let parityRow else {
      throw .tooFewSurvivors(scheme: name, survivors: survivors.count, minimum: inputCount)
    }
    for j in 0..<m {
      var rebuilt = results[parityRow, j]
      for i in 0..<inputCount where i != missing { rebuilt -= estimates[i, j] }
      estimates[missing, j] = rebuilt
    }
    return estimates
  }

  /// The round that runs this code on a worker pool: the k queries on the base model, the parity
  /// query on the parity model (`Round(inputs:workloads:assignment:…)`, assignment [0, …, 0, 1]).
  /// The stopping rule defaults to any k arrivals.
  /// - Throws: ``CodingError`` when the queries are not k × d.
  public func round(
    queries: Matrix, base: any Workload, parity: any Workload, stoppingRule: StoppingRule? = nil,
    deadline: Duration? = nil
  ) throws(CodingError) -> Round {
    Round(
      inputs: try encode(queries), workloads: [base, parity],
      assignment: Array(repeating: 0, count: inputCount) + [1],
      stoppingRule: stoppingRule ?? .count(inputCount), deadline: deadline)
  }
}

extension SchemeFactory {
  /// A parity-model code for requests with N = K + 1 and K ∈ {2, 3, 4}; `options["encoder"]`
  /// (`sum`, the default, or `concat`) and the query shape `options["shape"]` as `C,H,W`
  /// (default: flat). The parity workload itself is the caller's: see
  /// ``ParityModelCode/round(queries:base:parity:stoppingRule:deadline:)``.
  public static var parity: SchemeFactory {
    SchemeFactory(name: "parity") { request throws(CodingError) in
      guard request.workerCount == request.inputCount + 1 else {
        throw .invalidParameter(
          "a parity-model code has N = K + 1 workers (r = 1), got K = \(request.inputCount), N = \(request.workerCount)"
        )
      }
      let encoderName = request.options["encoder"] ?? "sum"
      guard let encoder = ParityEncoder(rawValue: encoderName) else {
        throw .invalidParameter("unknown parity encoder '\(encoderName)' (known: sum, concat)")
      }
      var shape: FeatureShape? = nil
      if let text = request.options["shape"] {
        let dims = text.split(separator: ",").compactMap { Int($0) }
        guard dims.count == 3, dims.allSatisfy({ $0 > 0 }) else {
          throw .invalidParameter(
            "parity shape must be C,H,W with positive integers, got '\(text)'")
        }
        shape = FeatureShape(channels: dims[0], height: dims[1], width: dims[2])
      }
      do {
        return try ParityModelCode(
          queryCount: request.inputCount, encoder: encoder, inputShape: shape)
      } catch {
        throw .invalidParameter("\(error)")
      }
    }
  }
}
