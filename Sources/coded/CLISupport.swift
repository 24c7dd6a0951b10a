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

/// Writes `text` to `path` atomically (the library's temporary-file-then-rename).
func writeAtomically(_ text: String, to path: String) throws {
  try CSVTable.writeAtomically(text, to: path)
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
