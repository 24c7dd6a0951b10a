import ArgumentParser
import CodedComputing

@main
struct Coded: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "coded",
    abstract: "Approximate coded computing: smoothing splines, LeTCC, BACC, LCC.",
    subcommands: [TrainCommand.self])
}
