import CodedComputing
import Foundation

/// Size checks made before anything is allocated: a product of sizes that overflows an Int, or
/// an estimate of the memory a command needs above what the machine has available, is an
/// `error:` line naming the options to change and how much would be needed — never a crash.

/// The memory the kernel says can be allocated without swapping (`MemAvailable` in
/// /proc/meminfo), or the physical memory when that is unknown.
func availableMemoryBytes() -> Double {
  if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
    let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
    let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
  {
    return kilobytes * 1024
  }
  return Double(ProcessInfo.processInfo.physicalMemory)
}

/// "1.5 GB", "68 EB": bytes in decimal units, for messages.
func formatBytes(_ bytes: Double) -> String {
  let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
  var value = bytes
  var unit = 0
  while value >= 1000 && unit < units.count - 1 {
    value /= 1000
    unit += 1
  }
  if unit == 0 { return "\(Int(value)) bytes" }
  return String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
}

/// A requirement: `doubles` 8-byte numbers (summed over terms, each a product of sizes), named.
struct SizeRequirement {
  /// What needs the memory, e.g. "the N × d coded inputs".
  let what: String
  /// The options whose values set the size, e.g. "--workers or --dim".
  let options: String
  /// Terms of the number of doubles, each a product of sizes.
  let terms: [[Int]]
}

/// Checks that every product fits an Int and that the total fits in the available memory
/// (with a quarter kept for everything else).
/// - Throws: ``CLIFailure`` naming how much would be needed and which options to lower.
func checkMemory(_ requirement: SizeRequirement) throws {
  var total = 0.0
  for term in requirement.terms {
    var product = 1
    var exact = 1.0
    var overflowed = false
    for factor in term {
      exact *= Double(max(factor, 0))
      let (next, overflow) = product.multipliedReportingOverflow(by: max(factor, 0))
      if overflow { overflowed = true } else { product = next }
    }
    let (_, bytesOverflow) = product.multipliedReportingOverflow(by: 8)
    if overflowed || bytesOverflow {
      throw CLIFailure(
        "\(requirement.what) would need \(term.map(String.init).joined(separator: " × ")) = \(String(format: "%.3g", exact)) numbers (\(formatBytes(exact * 8))), more than any machine can address: lower \(requirement.options)")
    }
    total += exact
  }
  let bytes = total * 8
  let available = availableMemoryBytes()
  if bytes > 0.75 * available {
    throw CLIFailure(
      "\(requirement.what) would need about \(formatBytes(bytes)); this machine has \(formatBytes(available)) available: lower \(requirement.options)")
  }
}

/// The memory of one coded computation (run, sweep, timing): inputs K × d, coded inputs and
/// results N × d (and their copies in the pool), decoded K × d, and the dense N × K operators of
/// BACC and LCC.
/// `stragglers` adds the straggler sets a trial can draw (worst-window: N windows of S).
func checkSizes(inputCount: Int, workers: Int, dimension: Int, stragglers: Int = 0) throws {
  try checkMemory(
    SizeRequirement(
      what: "a coded computation with K = \(inputCount), N = \(workers), d = \(dimension)",
      options: "--K, --workers or --dim",
      terms: [
        [4, workers, dimension], [2, inputCount, dimension], [2, workers, inputCount], [64, workers],
        [workers, stragglers],
      ]))
}
