import ArgumentParser
import CodedComputing
import Foundation

/// A user-facing failure: printed as one `error:` line on stderr, exit code 1.
struct CLIFailure: Error, CustomStringConvertible {
  let description: String
  init(_ message: String) { description = message }
}

/// Runs `body`, turning any thrown error into `error: …` on stderr and exit code 1.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
  do {
    return try await body()
  } catch let exit as ExitCode {
    throw exit
  } catch {
    printError("error: \(error)")
    throw ExitCode(1)
  }
}

func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Writes `text` to `path`: atomically for regular files, through links, streamed to devices and
/// FIFOs (``OutputFile``).
func writeAtomically(_ text: String, to path: String) throws {
  try OutputFile.write(text, to: path)
}

/// Checks an output destination before any work, so a long run cannot fail at the end.
func checkOutput(_ path: String?) throws {
  if let path { _ = try OutputFile.check(path) }
}

/// Parses a comma-separated list of integers, naming the option on failure.
func parseIntegerList(_ text: String, option: String) throws -> [Int] {
  let items = text.split(separator: ",", omittingEmptySubsequences: false)
    .map { $0.trimmingCharacters(in: .whitespaces) }
  var values: [Int] = []
  for item in items {
    guard let value = Int(item) else {
      throw CLIFailure("\(option): '\(item)' is not an integer (in '\(text)')")
    }
    values.append(value)
  }
  return values
}

/// Formats a number for CSV: shortest representation that reads back exactly.
func csvNumber(_ x: Double) -> String {
  if x.isNaN { return "nan" }
  return "\(x)"
}

/// The schemes with their one-line summaries, for help texts (from ``SchemeKind``'s table).
let schemeHelp = SchemeKind.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "\n")

/// What to change when numbers outgrow a Double in an experiment.
let overflowAdvice =
  "values outgrew a Double (about ±1.8e308): lower --noise, --input-range (or the --inputs values) or --adversary-magnitude"

/// An experiment's error, with the options to change when it comes from numbers that overflowed
/// (a non-finite value met by a decoder, a failed factorisation, every worker answering a
/// non-finite value).
func explainExperimentError(_ error: any Error) -> any Error {
  guard let failure = error as? ExperimentError else { return error }
  switch failure {
  case .coding(.approximation(.nonFinite)), .coding(.approximation(.linearAlgebra)),
    .coding(.approximation(.outOfRange)), .coding(.linearAlgebra), .pool(.quorumNotReached):
    return CLIFailure("\(failure); \(overflowAdvice)")
  default:
    return error
  }
}

/// Refuses a result whose MSE statistics are not finite instead of printing them.
func checkFinite(_ result: ExperimentResult) throws {
  for (name, value) in [
    ("mse", result.mse), ("mse_std", result.mseStandardDeviation), ("mse_min", result.mseMin),
    ("mse_max", result.mseMax),
  ] where !value.isFinite {
    throw CLIFailure("the \(name) is \(value), not a finite number: \(overflowAdvice)")
  }
}

/// Runs `body`; when it lasts longer than a second, says so on stderr (`note:` lines, first after
/// 1 s, then every 10 s) with `what` and the elapsed time, so a long run is never silent.
func withProgress<T>(_ what: String, _ body: () async throws -> T) async rethrows -> T {
  let clock = ContinuousClock()
  let start = clock.now
  let reporter = Task.detached {
    var wait = Duration.seconds(1)
    while !Task.isCancelled {
      do { try await Task.sleep(for: wait) } catch { return }
      if Task.isCancelled { return }
      let seconds = Int((clock.now - start) / .seconds(1))
      printError("note: still running \(what) (\(seconds) s)")
      wait = .seconds(10)
    }
  }
  defer { reporter.cancel() }
  return try await body()
}

/// What one experiment costs, for progress notes: the decodes per trial of its straggler model.
func experimentCost(_ setup: ExperimentSetup) -> String {
  let base = "\(setup.scheme.name) N=\(setup.workers) S=\(setup.stragglers)"
  if case .worstWindow = setup.stragglerModel {
    let windows = max(setup.workers - setup.stragglers + 1, 1)
    return "\(base), worst-window: \(windows) windows × \(setup.trials) trials, one decode each"
  }
  return "\(base), \(setup.trials) trials"
}
