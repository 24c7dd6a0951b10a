import Foundation

/// ``LTSumProducer`` across process boundaries (issues 15 and 17): the producer describes itself
/// as an `lt-symbols` workload, which ``WorkloadRegistry`` knows in every process, so that a pool
/// of other processes (MPI ranks) regenerates exactly the symbols an in-process pool would.
extension LTSumProducer {
  /// The ``WorkloadRegistry`` kind of an LT sum producer.
  public static let descriptorKind = "lt-symbols"

  /// Everything a worker process needs to regenerate this producer's results: the strategy, W,
  /// the code's parameters (m, R, c, δ), the fixed-rate quota, the seed, the data points (in
  /// `values`, column-major) and f's own descriptor (JSON in the `workload` parameter).
  ///
  /// Nil when f has no descriptor (a closure) — such a producer runs in-process only. The
  /// rebuilt workload maps `[worker, index]` to ``produce(worker:index:)``, and to an empty array
  /// when the worker has no more (the streaming convention of process pools).
  public var descriptor: WorkloadDescriptor? {
    guard let inner = workload.descriptor else { return nil }
    var parameters: [String: String] = [
      "strategy": strategy.description,
      "workers": String(workers),
      "rows": String(inputs.rows),
      "columns": String(inputs.columns),
      "seed": String(seed),
      "workload": String(decoding: inner.encoded(), as: UTF8.self),
    ]
    if let code {
      parameters["functions"] = String(code.functionCount)
      parameters["groupSize"] = String(code.groupSize)
      // Swift's description of a Double reads back to the same Double.
      parameters["c"] = code.distribution.c.description
      parameters["delta"] = code.distribution.delta.description
    }
    if let quota { parameters["quota"] = quota.map(String.init).joined(separator: ",") }
    var values = inputs.storage
    if let recipe = inputRecipe {
      parameters["inputs"] = "uniform"
      parameters["inputLower"] = recipe.range.lowerBound.description
      parameters["inputUpper"] = recipe.range.upperBound.description
      parameters["inputSeed"] = String(recipe.seed)
      parameters["inputChecksum"] = String(LTInputRecipe.checksum(inputs.storage))
      values = []
    }
    return WorkloadDescriptor(
      kind: Self.descriptorKind, name: "\(strategy):\(inner)", parameters: parameters,
      values: values)
  }

  /// The producer an `lt-symbols` descriptor describes.
  ///
  /// - Throws: ``WorkloadError/failed(_:)`` for a descriptor of another kind or with missing or
  ///   malformed parameters; the inner workload's and the code's errors.
  public init(descriptor: WorkloadDescriptor) throws {
    guard descriptor.kind == Self.descriptorKind else {
      throw WorkloadError.failed(
        "descriptor of kind '\(descriptor.kind)' is not an \(Self.descriptorKind) descriptor")
    }
    let p = descriptor.parameters
    func integer(_ key: String) throws -> Int {
      guard let text = p[key], let value = Int(text) else {
        throw WorkloadError.failed(
          "\(Self.descriptorKind) descriptor: parameter '\(key)' is missing or not an integer")
      }
      return value
    }
    func real(_ key: String) throws -> Double {
      guard let text = p[key], let value = Double(text) else {
        throw WorkloadError.failed(
          "\(Self.descriptorKind) descriptor: parameter '\(key)' is missing or not a number")
      }
      return value
    }
    guard let strategyText = p["strategy"] else {
      throw WorkloadError.failed("\(Self.descriptorKind) descriptor: no strategy")
    }
    let strategy = try LTStrategy(parsing: strategyText)
    let rows = try integer("rows")
    let columns = try integer("columns")
    var recipe: LTInputRecipe? = nil
    let inputs: Matrix
    if let kind = p["inputs"] {
      guard kind == "uniform", rows >= 0, columns >= 0, descriptor.values.isEmpty else {
        throw WorkloadError.failed(
          "\(Self.descriptorKind) descriptor: unknown input recipe '\(kind)' or inline values")
      }
      let lower = try real("inputLower")
      let upper = try real("inputUpper")
      guard lower.isFinite, upper.isFinite, lower <= upper,
        let inputSeed = p["inputSeed"].flatMap({ UInt64($0) }),
        let checksum = p["inputChecksum"].flatMap({ UInt64($0) })
      else {
        throw WorkloadError.failed("\(Self.descriptorKind) descriptor: malformed input recipe")
      }
      let made = LTInputRecipe(rows: rows, columns: columns, range: lower...upper, seed: inputSeed)
      inputs = made.make()
      guard LTInputRecipe.checksum(inputs.storage) == checksum else {
        throw WorkloadError.failed(
          "\(Self.descriptorKind) descriptor: the regenerated inputs do not match the checksum")
      }
      recipe = made
    } else {
      guard rows >= 0, columns >= 0, rows * columns == descriptor.values.count else {
        throw WorkloadError.failed(
          "\(Self.descriptorKind) descriptor: \(descriptor.values.count) values for a \(rows) × \(columns) input"
        )
      }
      inputs = Matrix(rows: rows, columns: columns, columnMajor: descriptor.values)
    }
    guard let seed = p["seed"].flatMap({ UInt64($0) }) else {
      throw WorkloadError.failed("\(Self.descriptorKind) descriptor: no seed")
    }
    guard let innerText = p["workload"] else {
      throw WorkloadError.failed("\(Self.descriptorKind) descriptor: no workload")
    }
    let inner = try WorkloadRegistry.make(try WorkloadDescriptor(json: Data(innerText.utf8)))
    var code: LTCode? = nil
    if p["functions"] != nil {
      code = try LTCode(
        functionCount: try integer("functions"), groupSize: try integer("groupSize"),
        c: try real("c"), delta: try real("delta"))
    }
    var quota: [Int]? = nil
    if let text = p["quota"] {
      let parsed = text.split(separator: ",").map { Int($0) }
      guard parsed.allSatisfy({ $0 != nil }) else {
        throw WorkloadError.failed("\(Self.descriptorKind) descriptor: bad quota '\(text)'")
      }
      quota = parsed.map { $0! }
    }
    self.init(
      strategy: strategy,
      inputs: inputs, workload: inner, workers: try integer("workers"), code: code, quota: quota,
      seed: seed, inputRecipe: recipe)
  }

  /// The producer as a workload of `[worker, index]`, what a process pool's worker evaluates.
  public var streamWorkload: any Workload { _LTSymbolWorkload(producer: self) }
}

/// `[worker, index]` ↦ ``LTSumProducer/produce(worker:index:)`` (empty when the worker has no
/// more): the `lt-symbols` workload a worker process rebuilds.
struct _LTSymbolWorkload: Workload {
  let producer: LTSumProducer

  var name: String { LTSumProducer.descriptorKind }

  var descriptor: WorkloadDescriptor? { producer.descriptor }

  func outputDimension(inputDimension d: Int) throws -> Int {
    guard d == 2 else {
      throw WorkloadError.failed("\(name) takes [worker, index], two numbers; got \(d)")
    }
    // A double-double partial sum: w high parts, then w low parts.
    return 2 * (try producer.workload.outputDimension(inputDimension: producer.inputs.columns))
  }

  func evaluate(_ input: [Double]) throws -> [Double] {
    guard input.count == 2, let worker = Int(exactly: input[0]), let index = Int(exactly: input[1]),
      worker >= 0, index >= 0
    else {
      throw WorkloadError.failed("\(name) takes [worker, index] (whole numbers ≥ 0), got \(input)")
    }
    return try producer.produce(worker: worker, index: index) ?? []
  }
}
