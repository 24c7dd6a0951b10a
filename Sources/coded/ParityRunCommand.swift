import ArgumentParser
import CodedComputing
import Foundation

/// `coded parity run`: parity-model rounds on a worker pool — the in-process pool or the ranks of
/// an MPI job (`--backend mpi`), where the base model and the parity model travel as `model:PATH`
/// descriptors with their weight checksums.
struct ParityRunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract:
      "Parity-model rounds on the in-process or MPI pool: k test queries and their parity query per round; CSV.",
    discussion: """
      The test set in file order is cut into groups of k; round g sends the k queries to workers \
      0…k−1 (the base model) and their parity query to worker k (the parity model), waits for \
      every worker that does not fail, and decodes from the survivors minus the --withhold \
      worker: a missing data output is rebuilt as F_P(P) − Σ of the others. Prints one row: \
      k,encoder,groups,queries,withheld,failed_workers,rebuilt,base_accuracy,accuracy,\
      seconds_per_round. With --backend mpi run it as `mpirun -np K+2 coded parity run … \
      --backend mpi`: rank 0 is the master and prints, ranks 1…k+1 load both weight files \
      (same path on every host, checked against the master's checksums) and compute.
      """)

  @Option(help: "The base model's weight file.") var model: String
  @Option(help: "The parity model's weight file.") var parity: String
  @Option(help: "Queries per parity query: 2, 3 or 4.") var k: Int
  @Option(help: "Encoder: sum or concat (default: the parity model's metadata, else sum).")
  var encoder: String?
  @Option(help: "Directory with test.csv (default: the base model's metadata).")
  var data: String?
  @Option(help: "Rounds (groups of k test queries; default: every whole group).")
  var groups: Int?
  @Option(
    help:
      "A worker (0…k) whose result is dropped in every round, as if it straggled: degraded mode.")
  var withhold: Int?
  @Option(
    name: .customLong("decoded-output"),
    help: "Also write the decoded logits (groups·k rows, one per query) to this CSV.")
  var decodedOutput: String?
  @Option(
    name: .customLong("round-deadline"), parsing: .unconditional,
    help: "Seconds one round may take before the run ends with an error (default 120).")
  var roundDeadline: Double?

  @OptionGroup var backend: BackendOptions
  @OptionGroup var format: FormatOptions

  func run() async throws {
    try await reportingErrors {
      try _checkQueryCount(k)
      if let withhold, !(0...k).contains(withhold) {
        throw CLIFailure("--withhold must be a worker in 0…\(k), got \(withhold)")
      }
      if let groups, groups < 1 { throw CLIFailure("--groups must be at least 1, got \(groups)") }
      if let roundDeadline, !(roundDeadline > 0 && roundDeadline <= 1e6) {
        throw CLIFailure(
          "--round-deadline must be a number of seconds in (0, 10⁶], got \(roundDeadline)")
      }
      // Under --backend mpi only rank 0 runs the body; ranks 1…k+1 rebuild both networks from
      // their descriptors.
      try await backend.withPool(workers: k + 1) { pool in try await runRounds(pool) }
    }
  }

  private func runRounds(_ pool: any WorkerPool) async throws {
    setBLASThreadCount(1)
    try checkOutput(decodedOutput)
    let (base, parityModel, kind) = try _loadParityModels(
      model: model, parity: parity, k: k, encoder: encoder)
    let directory = try _parityDataDirectory(data, base: base, path: model)
    let test = try LabeledDataset.load(
      csv: (directory as NSString).appendingPathComponent("test.csv"))
    guard test.features.columns == base.inputShape.count else {
      throw CLIFailure(
        "the images in '\(directory)/test.csv' have \(test.features.columns) pixels, the model '\(model)' takes \(base.inputShape.count) (\(base.inputShape))"
      )
    }
    let available = test.count / k
    guard available >= 1 else {
      throw CLIFailure("k = \(k) is more than the \(test.count) test images")
    }
    let rounds = min(groups ?? available, available)
    let code = try ParityModelCode(queryCount: k, encoder: kind, inputShape: base.inputShape)
    let deadline = Duration.seconds(roundDeadline ?? 120)

    let (decoded, failed, rebuilt, seconds) = try await Self.rounds(
      rounds, code: code, test: test, base: base, parity: parityModel, withhold: withhold,
      deadline: deadline, pool: pool)
    let used = test.features.selectingRows(Array(0..<(rounds * k)))
    let labels = Array(test.labels[0..<(rounds * k)])
    let baseCorrect = zip(try base.predict(used), labels).filter { $0 == $1 }.count
    let correct = zip(Self.argmax(decoded), labels).filter { $0 == $1 }.count
    if let decodedOutput {
      let header = (0..<decoded.columns).map { "y\($0)" }
      try CSVTable(header: header, values: decoded).write(to: decodedOutput)
    }
    let queries = Double(rounds * k)
    let row = [
      "\(k)", kind.rawValue, "\(rounds)", "\(rounds * k)", withhold.map(String.init) ?? "",
      csvField(failed.sorted().map(String.init).joined(separator: ",")), "\(rebuilt)",
      csvNumber(Double(baseCorrect) / queries), csvNumber(Double(correct) / queries),
      csvNumber(seconds / Double(rounds)),
    ]
    try emitRows(
      [
        "k,encoder,groups,queries,withheld,failed_workers,rebuilt,base_accuracy,accuracy,seconds_per_round",
        row.joined(separator: ","),
      ], output: nil, format: format.resolved)
  }

  /// The first maximum of every row (the predicted class of decoded logits).
  static func argmax(_ logits: Matrix) -> [Int] {
    (0..<logits.rows).map { r in
      (0..<logits.columns).reduce(0) { best, c in logits[r, c] > logits[r, best] ? c : best }
    }
  }

  /// Runs the rounds: group g's queries and their parity query on `pool`, waiting for every
  /// worker that does not fail (when some fail, the round is run again waiting for the others,
  /// as the experiments do), decoding from the survivors other than `withhold`.
  /// - Returns: the decoded logits (one row per query), the workers that failed, how many
  ///   outputs were rebuilt from the parity, and the seconds spent in rounds.
  static func rounds(
    _ rounds: Int, code: ParityModelCode, test: LabeledDataset, base: SequentialNetwork,
    parity: SequentialNetwork, withhold: Int?, deadline: Duration, pool: any WorkerPool
  ) async throws -> (decoded: Matrix, failed: Set<Int>, rebuilt: Int, seconds: Double) {
    let k = code.inputCount
    var decoded = Matrix(rows: rounds * k, columns: base.outputCount)
    var failed = Set<Int>()
    var rebuilt = 0
    var seconds = 0.0
    for g in 0..<rounds {
      let queries = test.features.selectingRows(Array((g * k)..<((g + 1) * k)))
      var quorum = k + 1 - failed.count
      let start = ContinuousClock.now
      var outcome: PoolOutcome
      while true {
        let round = try code.round(
          queries: queries, base: base, parity: parity, stoppingRule: .count(quorum),
          deadline: deadline)
        do {
          outcome = try await pool.run(round)
          break
        } catch {
          guard case .quorumNotReached(_, _, let failures) = error, failures >= 1,
            k + 1 - failures < quorum, k + 1 - failures >= 1,
            ContinuousClock.now - start < deadline
          else {
            throw CLIFailure("parity round \(g): \(error)")
          }
          quorum = k + 1 - failures
        }
      }
      seconds += (ContinuousClock.now - start).inSeconds
      failed.formUnion(outcome.failures.keys)
      let kept = outcome.survivors.enumerated().filter { $0.element != withhold }
      let survivors = kept.map(\.element)
      guard survivors.count >= k else {
        let missing = Set(0...k).subtracting(survivors).sorted().map(String.init)
        throw CLIFailure(
          "parity round \(g): workers \(missing.joined(separator: ", ")) are missing (failed or withheld); the parity code needs \(k) of its \(k + 1) outputs"
        )
      }
      let estimates = try code.decode(
        outcome.outputs.selectingRows(kept.map(\.offset)), survivors: survivors)
      rebuilt += survivors.contains(k) && survivors.count == k ? 1 : 0
      for i in 0..<k {
        for j in 0..<estimates.columns { decoded[g * k + i, j] = estimates[i, j] }
      }
    }
    return (decoded, failed, rebuilt, seconds)
  }
}
