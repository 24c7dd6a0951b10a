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
    // A double-double partial sum: 2 high parts, then 2 low parts.
    #expect(try workload.outputDimension(inputDimension: 2) == 4)
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

  @Test(
    "with an input recipe the descriptor carries range, seed and checksum instead of the points")
  func recipe() throws {
    let recipe = LTInputRecipe(rows: 200, columns: 2, range: -1...1, seed: 5)
    #expect(recipe.make() == Self.inputs)
    #expect(recipe.matches(Self.inputs))
    let code = try LTCode(functionCount: 200, c: 0.07, delta: 0.3)
    func producer(_ recipe: LTInputRecipe?) -> LTSumProducer {
      LTSumProducer(
        strategy: .rateless(groupSize: 1), inputs: Self.inputs, workload: BuiltinFunction.xsinx,
        workers: 4, code: code, quota: nil, seed: 9, inputRecipe: recipe)
    }
    let described = try #require(producer(recipe).descriptor)
    let inline = try #require(producer(nil).descriptor)
    #expect(described.values.isEmpty && inline.values.count == 400)
    // A few hundred bytes against m·d numbers as JSON text.
    #expect(described.encoded().count < 1_000 && inline.encoded().count > 4_000)
    let rebuilt = try LTSumProducer(descriptor: try WorkloadDescriptor(json: described.encoded()))
    #expect(rebuilt.inputs == Self.inputs && rebuilt.inputRecipe == recipe)
    let workload = try WorkloadRegistry.make(described)
    for index in 0..<20 {
      let expected = try producer(nil).produce(worker: 1, index: index)
      #expect(try workload.evaluate([1, Double(index)]) == expected)
    }
    // Points regenerated differently from the master's (another seed, or a stale checksum) are
    // refused rather than silently summed.
    var other = described
    other.parameters["inputSeed"] = "6"
    #expect(throws: WorkloadError.self) { try WorkloadRegistry.make(other) }
    other = described
    other.parameters["inputChecksum"] = "1"
    #expect(throws: WorkloadError.self) { try WorkloadRegistry.make(other) }
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
    // Double-double partial sums and peeling: exact residuals, so the sum is the exact one
    // rounded once, like the direct sum (1e-10 before, when peeling amplified rounding).
    #expect(relativeGap(sum, direct) <= 1e-15)
  }
}
