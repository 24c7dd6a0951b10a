import ArgumentParser
import CodedComputing

/// `coded schemes`: the scheme table (``SchemeKind``) as CSV, for scripts that must agree with
/// the CLI's names (the Python reference checks its list against it).
struct SchemesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schemes",
    abstract: "List the coding schemes --scheme accepts, as CSV: name,summary.")

  func run() throws {
    print("name,summary")
    for kind in SchemeKind.allCases {
      print("\(kind.rawValue),\"\(kind.summary.replacingOccurrences(of: "\"", with: "\"\""))\"")
    }
  }
}
