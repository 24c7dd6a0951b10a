import ArgumentParser
import CodedComputing
import Foundation

/// `coded forward-speed`: images per second of a network's forward pass, one image at a time and
/// in batches (scripts/nn_forward_speed.py runs it beside NumPy in the same run).
struct ForwardSpeedCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "forward-speed",
    abstract: "Time a network's forward pass (images/s), single images and batched through GEMM.")

  @Option(parsing: .unconditional, help: "Weight file.") var model: String
  @Option(parsing: .unconditional, help: "Directory with test.csv, or a CSV file (header label,x0,...).") var data: String
  @Option(
    name: .customLong("batch-sizes"), parsing: .unconditional, help: "Batch sizes, comma-separated (1 = one image per call)."
  )
  var batchSizes: String = "1,32,450"
  @Option(parsing: .unconditional, help: "Minimum seconds to time each batch size (repeats the whole pass until reached).")
  var seconds: Double = 1
  @Option(name: .customLong("blas-threads"), parsing: .unconditional, help: "OpenBLAS threads.") var blasThreads: Int = 1
  @Option(
    name: .customLong("logits-output"),
    parsing: .unconditional, help: "Also write the logits of every test image to this CSV.")
  var logitsOutput: String?

  func run() async throws {
    try await reportingErrors { try _run() }
  }

  private func _run() throws {
    guard blasThreads >= 1 else {
      throw CLIFailure("--blas-threads must be at least 1, got \(blasThreads)")
    }
    guard seconds > 0, seconds.isFinite else {
      throw CLIFailure("--seconds must be positive, got \(seconds)")
    }
    try checkOutput(logitsOutput)
    setBLASThreadCount(blasThreads)
    var isDirectory: ObjCBool = false
    let path =
      FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory)
        && isDirectory.boolValue
      ? (data as NSString).appendingPathComponent("test.csv") : data
    let test = try LabeledDataset.load(csv: path)
    let network = try SequentialNetwork.load(from: model)
    guard test.features.columns == network.inputShape.count else {
      throw NetworkError.wrongInputDimension(
        expected: network.inputShape.count, actual: test.features.columns)
    }
    let sizes = try parseIntegerList(batchSizes, option: "--batch-sizes")
    guard sizes.allSatisfy({ $0 >= 1 }) else {
      throw CLIFailure("--batch-sizes must be positive, got '\(batchSizes)'")
    }
    let batchesBySize = sizes.map { size in
      stride(from: 0, to: test.count, by: size).map { start in
        test.features.selectingRows(Array(start..<min(start + size, test.count)))
      }
    }
    if let logitsOutput {
      let logits = try network.logits(test.features)
      let header = (0..<logits.columns).map { "logit\($0)" }.joined(separator: ",")
      let rows = logits.rowArrays.map { $0.map(csvNumber).joined(separator: ",") }
      try writeAtomically(([header] + rows).joined(separator: "\n") + "\n", to: logitsOutput)
    }
    let machine = BLASInfo.current.csvFields(gemmRate: BLASInfo.measureGEMMRate())
    // cpu_seconds: the process's CPU time over the same passes, which the load of a shared
    // machine inflates far less than the wall clock.
    print(
      "implementation,model,batch_size,images,seconds,images_per_second,blas_threads,checksum,"
        + BLASInfo.csvHeader + ",cpu_seconds")
    let clock = ContinuousClock()
    for (size, batches) in zip(sizes, batchesBySize) {
      var images = 0
      var checksum = 0.0
      // Warm-up pass (page in, BLAS buffers).
      for batch in batches { _ = try network.logits(batch) }
      let start = clock.now
      let cpuStart = processCPUSeconds()
      var elapsed = 0.0
      repeat {
        for batch in batches {
          let logits = try network.logits(batch)
          checksum += logits.storage[0]
          images += batch.rows
        }
        let (s, atto) = (clock.now - start).components
        elapsed = Double(s) + Double(atto) * 1e-18
      } while elapsed < seconds
      let cpu = processCPUSeconds() - cpuStart
      let rate = Double(images) / elapsed
      print(
        "swift,\(network.name),\(size),\(images),\(elapsed),\(rate),\(blasThreads),\(checksum),"
          + "\(machine),\(cpu)")
    }
  }
}

/// The CPU time this process has used, in seconds (all its threads).
func processCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
