// mpi-bench: measurements and self-checks of the MPI worker pool, run under mpirun.
//
//   mpirun -np 17 mpi-bench soak [--rounds 500] [--output-dir notebooks-data/mpi]
//   mpirun -np 65 mpi-bench overhead [--K 100] [--rounds 30] [--dim 784] [--output-dir …]
//   mpirun -np 5 mpi-bench stream
//
// Rank 0 is the master and prints; the other ranks are workers. Not a product.
import CodedComputing
import CodedComputingMPI
import Foundation

/// A stream "producer" as a workload (the MPI streaming convention): [worker, index] → [worker,
/// index, index²], or [] once index reaches the descriptor's `limit`.
struct CounterWorkload: Workload {
  let limit: Int
  var name: String { "counter" }
  func outputDimension(inputDimension d: Int) -> Int { 3 }
  func evaluate(_ input: [Double]) throws -> [Double] {
    guard input.count == 2 else {
      throw WorkloadError.wrongInputDimension(expected: 2, actual: input.count)
    }
    return Int(input[1]) < limit ? [input[0], input[1], input[1] * input[1]] : []
  }
  var descriptor: WorkloadDescriptor? {
    WorkloadDescriptor(
      kind: "mpi-bench-counter", name: "counter", parameters: ["limit": "\(limit)"])
  }
}

struct CounterProducer: StreamProducer {
  let workload: CounterWorkload
  func produce(worker: Int, index: Int) throws -> [Double]? {
    let values = try workload.evaluate([Double(worker), Double(index)])
    return values.isEmpty ? nil : values
  }
  var descriptor: WorkloadDescriptor? { workload.descriptor }
}

WorkloadRegistry.register(kind: "mpi-bench-counter") { descriptor in
  CounterWorkload(limit: Int(descriptor.parameters["limit"] ?? "") ?? 0)
}

/// The identity after sleeping `seconds`: a workload longer than the pool's silence limit.
struct SlowWorkload: Workload {
  let seconds: Double
  var name: String { "slow" }
  func outputDimension(inputDimension d: Int) -> Int { d }
  func evaluate(_ input: [Double]) throws -> [Double] {
    Thread.sleep(forTimeInterval: seconds)
    return input
  }
  var descriptor: WorkloadDescriptor? {
    WorkloadDescriptor(kind: "mpi-bench-slow", name: "slow", parameters: ["seconds": "\(seconds)"])
  }
}

WorkloadRegistry.register(kind: "mpi-bench-slow") { descriptor in
  SlowWorkload(seconds: Double(descriptor.parameters["seconds"] ?? "") ?? 0)
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("error: \(message)\n".utf8))
  exit(1)
}

/// `--name value` options after the mode.
let options: [String: String] = {
  var result: [String: String] = [:]
  var arguments = CommandLine.arguments.dropFirst(2).makeIterator()
  while let key = arguments.next() {
    guard key.hasPrefix("--"), let value = arguments.next() else { fail("bad option '\(key)'") }
    result[String(key.dropFirst(2))] = value
  }
  return result
}()

func option(_ name: String, _ fallback: Int) -> Int {
  guard let text = options[name] else { return fallback }
  guard let value = Int(text), value > 0 else {
    fail("--\(name) must be a positive integer, got '\(text)'")
  }
  return value
}

let mode = CommandLine.arguments.dropFirst().first ?? ""
guard ["soak", "overhead", "stream"].contains(mode) else {
  fail("usage: mpirun -np N+1 mpi-bench soak|overhead|stream [--option value …]")
}
guard MPIWorld.isLaunched else { fail("run under mpirun: mpirun -np N+1 mpi-bench \(mode)") }
let world: MPIWorld
do { world = try MPIWorld.initialize() } catch { fail("\(error)") }
if world.rank != 0 {
  MPIWorker(world: world).run()
  MPIWorld.finalize()
  exit(0)
}
let pool: MPIWorkerPool
do { pool = try MPIWorkerPool(world: world) } catch {
  MPIWorld.finalize()
  fail("\(error)")
}
let outputDirectory = options["output-dir"] ?? "notebooks-data/mpi"
do {
  switch mode {
  case "soak": try await soak(pool)
  case "overhead": try await overhead(pool)
  default: try await streamCheck(pool)
  }
} catch {
  pool.shutdown()
  MPIWorld.finalize()
  fail("\(error)")
}
pool.shutdown()
MPIWorld.finalize()
