import CodedComputing
import Foundation
import Testing

/// The `lt-symbols` descriptor of ``LTSumProducer`` (issues 15 and 17): what an MPI worker rank
/// rebuilds to stream the same symbols as an in-process worker.
@Suite("LT producer descriptors")
struct LTDescriptorTests {
  static let inputs = uniformInputs(count: 200, dimension: 2, range: -1...1, seed: 5)

  static func producer(_ strategy: LTStrategy, workload: any Workload = BuiltinFunction.xsinx)
    throws -> LTSumProducer
  {
    var code: LTCode? = nil
    var quota: [Int]? = nil
    switch strategy {
    case .fixedLT(let r), .rateless(let r):
      code = try LTCode(functionCount: inputs.rows, groupSize: r, c: 0.07, delta: 0.3)
      if case .fixedLT = strategy { quota = [3, 2, 2, 1] }
    default: break
    }
    return LTSumProducer(
      strategy: strategy, inputs: inputs, workload: workload, workers: 4, code: code,
      quota: quota, seed: 0xDEAD_BEEF_1234)
  }

  @Test(
    "the descriptor round-trips through JSON and the registry into a producer of identical symbols",
    arguments: ["rateless", "rateless:3", "lt1", "ltr:2", "one", "uncoded", "replication:2"])
  func roundTrip(_ name: String) throws {
    let original = try Self.producer(try LTStrategy(parsing: name))
    let descriptor = try #require(original.descriptor)
    #expect(descriptor.kind == "lt-symbols")
    let decoded = try WorkloadDescriptor(json: descriptor.encoded())
    #expect(decoded == descriptor)
    // The producer itself, rebuilt.
    let rebuilt = try LTSumProducer(descriptor: decoded)
    #expect(rebuilt.strategy == original.strategy && rebuilt.seed == original.seed)
    #expect(rebuilt.code == original.code && rebuilt.quota == original.quota)
    #expect(rebuilt.inputs == original.inputs && rebuilt.workers == original.workers)
    // The workload every process's registry builds: [worker, index] ↦ result, [] when done.
    let workload = try WorkloadRegistry.make(decoded)
    #expect(try workload.outputDimension(inputDimension: 2) == 2)
    for worker in 0..<4 {
      for index in 0..<40 {
        let expected = try original.produce(worker: worker, index: index)
        let streamed = try workload.evaluate([Double(worker), Double(index)])
        // Bit for bit: the same symbols summed in the same order.
        #expect(streamed == (expected ?? []), "\(name) worker \(worker) index \(index)")
        #expect(try rebuilt.produce(worker: worker, index: index) == expected)
      }
    }
  }

  @Test("a producer of a closure workload has no descriptor; malformed descriptors are refused")
  func refusals() throws {
    let closure = ClosureWorkload(name: "closure") { $0 }
    #expect(try Self.producer(.rateless(groupSize: 1), workload: closure).descriptor == nil)
    var descriptor = try #require(try Self.producer(.rateless(groupSize: 1)).descriptor)
    descriptor.values.removeLast()
    #expect(throws: WorkloadError.self) { try WorkloadRegistry.make(descriptor) }
    let workload = try WorkloadRegistry.make(try #require(Self.producer(.uncoded).descriptor))
    #expect(throws: WorkloadError.self) { try workload.evaluate([0.5, 1]) }
  }

  @Test("runLTRound on a pool that rebuilds every producer from its descriptor decodes the sum")
  func descriptorPool() async throws {
    let result = try await runLTRound(
      .rateless(groupSize: 1), workload: BuiltinFunction.xsinx, inputs: Self.inputs,
      pool: InProcessWorkerPool(requiresDescriptors: true), workers: 4, seed: 3,
      maximumResults: 2000)
    let sum = try #require(result.sum)
    let direct = try LTSumProducer.directSum(of: BuiltinFunction.xsinx, inputs: Self.inputs)
    // Rounding only, amplified by peeling in an arrival order that varies from run to run: the
    // tail passes 1e-12 now and then (1.3e-12 seen under load), hence 1e-10.
    #expect(relativeGap(sum, direct) <= 1e-10)
  }
}
