@testable import CodedComputing
import Foundation
import Synchronization
import Testing

/// The highest value seen, across threads.
private final class Highest: Sendable {
  let value = Atomic<Int>(0)
  func record(_ x: Int) { value.max(x, ordering: .relaxed) }
  var current: Int { value.load(ordering: .relaxed) }
}

/// A network evaluated on a 64-row batch made from the worker's input (so each evaluation is a
/// GEMM of 64 × 256 × 256, above the size CodedComputing splits over threads), recording the BLAS
/// thread count each evaluation saw.
private struct RecordingNetwork: Workload {
  let network: SequentialNetwork
  let highestThreadCount = Highest()

  var name: String { "recording-network" }

  func outputDimension(inputDimension d: Int) throws -> Int { network.outputCount * 64 }

  func evaluate(_ input: [Double]) throws -> [Double] {
    highestThreadCount.record(BLASInfo.current.threadCount)
    var batch = Matrix(rows: 64, columns: input.count)
    for r in 0..<64 {
      for c in 0..<input.count { batch[r, c] = input[c] * (1 + Double(r) / 64) }
    }
    return try network.logits(batch).storage
  }
}

@Suite("BLAS threads under concurrent workers")
struct BLASThreadPolicyTests {
  static func network(inputs: Int, hidden: Int) throws -> SequentialNetwork {
    var generator = SplitMix64(seed: 21)
    return try SequentialNetwork(
      inputShape: FeatureShape(channels: 1, height: 1, width: inputs),
      layers: [
        .dense(DenseLayer(inputs: inputs, outputs: hidden, using: &generator)),
        .activation(.tanh),
        .dense(DenseLayer(inputs: hidden, outputs: hidden, using: &generator)),
        .activation(.tanh),
        .dense(DenseLayer(inputs: hidden, outputs: 10, using: &generator)),
      ], name: "wide")
  }

  @Test("a multi-worker round runs BLAS on one thread, gives the one-thread results, and ends")
  func roundRunsSingleThreadedBLAS() async throws {
    let before = _BLASThreadPolicy.shared.requestedThreadCount
    defer { setBLASThreadCount(before) }
    setBLASThreadCount(2)
    let workload = RecordingNetwork(network: try Self.network(inputs: 256, hidden: 256))
    var generator = SplitMix64(seed: 5)
    let inputs = randomMatrix(rows: 8, columns: 256, using: &generator)
    let pool = InProcessWorkerPool(maxConcurrentWorkers: 4)
    // The deadline bounds the test if BLAS hangs: the round then throws instead of returning.
    let outcome = try await pool.run(
      Round(inputs: inputs, workload: workload, stoppingRule: .count(8), deadline: .seconds(120)))
    #expect(outcome.survivors == Array(0..<8))
    // Every evaluation inside the round saw one BLAS thread, though 2 were asked for.
    #expect(workload.highestThreadCount.current == 1)
    // The outputs are those of the same evaluations outside any round.
    for n in 0..<8 {
      let alone = try workload.evaluate(inputs.row(n))
      let pooled = (0..<outcome.outputs.columns).map { outcome.outputs[n, $0] }
      #expect(relativeGap(pooled, alone) <= 1e-12)
    }
    // Outside rounds (other suites run theirs concurrently) the 2 asked for is what stands.
    #expect(_BLASThreadPolicy.shared.requestedThreadCount == 2)
  }

  static let openBLAS = "/usr/lib/x86_64-linux-gnu/libopenblas.so.0"

  @Test(
    "OpenBLAS on 2 threads of its own (host-loaded) under a 16-worker network round: finishes",
    .enabled(if: FileManager.default.fileExists(atPath: openBLAS)))
  func hostOpenBLASWithTwoThreadsFinishes() throws {
    let executable = try #require(
      CLISplineTests.executable, "the coded executable was not found; run `swift build` first")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "coded-blas-policy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let model = directory.appendingPathComponent("wide.json").path
    try Self.network(inputs: 512, hidden: 512).save(to: model)
    // LD_PRELOAD: OpenBLAS is in the process before CodedComputing, so the library leaves its
    // threads to it (no GEMM split): OpenBLAS's own 2 threads, called from the pool's workers.
    var environment = ProcessInfo.processInfo.environment
    environment["LD_PRELOAD"] = Self.openBLAS
    environment["OPENBLAS_NUM_THREADS"] = "2"
    environment["CODEDCOMPUTING_BLAS"] = nil
    let run = try runProcess(
      executable,
      [
        "run", "--scheme", "bacc", "--workers", "16", "--stragglers", "2", "--function",
        "model:\(model)", "--K", "8", "--dim", "512", "--trials", "5",
      ], environment: environment, timeout: 300)
    #expect(!run.timedOut, "coded run did not finish within 300 s")
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.last?.hasPrefix("bacc,wide,8,16,2,") == true)
  }
}

/// Runs `executable` with output to files and kills it after `timeout` seconds.
private func runProcess(
  _ executable: URL, _ arguments: [String], environment: [String: String], timeout: Double
) throws -> (status: Int32, stdout: String, stderr: String, timedOut: Bool) {
  let directory = FileManager.default.temporaryDirectory
  let outURL = directory.appendingPathComponent("coded-out-\(UUID().uuidString)")
  let errURL = directory.appendingPathComponent("coded-err-\(UUID().uuidString)")
  FileManager.default.createFile(atPath: outURL.path, contents: nil)
  FileManager.default.createFile(atPath: errURL.path, contents: nil)
  defer {
    try? FileManager.default.removeItem(at: outURL)
    try? FileManager.default.removeItem(at: errURL)
  }
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.environment = environment
  process.standardOutput = try FileHandle(forWritingTo: outURL)
  process.standardError = try FileHandle(forWritingTo: errURL)
  try process.run()
  let end = Date().addingTimeInterval(timeout)
  while process.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.05) }
  let timedOut = process.isRunning
  if timedOut {
    process.terminate()
    Thread.sleep(forTimeInterval: 0.5)
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }
  process.waitUntilExit()
  return (
    process.terminationStatus, (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
    (try? String(contentsOf: errURL, encoding: .utf8)) ?? "", timedOut
  )
}
