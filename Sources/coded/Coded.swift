import ArgumentParser
import CodedComputing

@main
struct Coded: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "coded",
    abstract: "Approximate coded computing: smoothing splines, LeTCC, BACC, LCC.",
    subcommands: [
      SplineCommand.self, RunCommand.self, SweepCommand.self, TimingCommand.self, TrainCommand.self,
      InferCommand.self, ForwardSpeedCommand.self, SchemesCommand.self, BLASCommand.self,
      ParityCommand.self, PolarCommand.self, LTCommand.self, BlackBoxCommand.self,
    ])
}
