import ArgumentParser
import CodedComputing

struct PolarDescentCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "descent", abstract: "Coded gradient descent (placeholder).")
  @OptionGroup var common: PolarCommonOptions
  func run() async throws {
    try await reportingErrors { throw CLIFailure("descent is not implemented yet") }
  }
}
