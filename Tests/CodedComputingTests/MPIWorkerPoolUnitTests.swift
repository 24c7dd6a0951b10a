import CodedComputing
import Testing

@testable import CodedComputingMPI

/// The parts of the MPI pool that need no running job: refusals before any message is sent, and
/// the message framing.
@Suite("MPI: MPIWorkerPool without a job")
struct MPIWorkerPoolUnitTests {
  /// A pool object for a pretend world of one master and two workers (no MPI call is made before
  /// the refusals tested here).
  let pool = try! MPIWorkerPool(world: MPIWorld(rank: 0, size: 3))

  @Test("a closure workload is refused with workloadNotSerialisable before anything is sent")
  func closureRefused() async {
    let f = ClosureWorkload(name: "my-closure") { $0 }
    await #expect(throws: PoolError.workloadNotSerialisable("my-closure")) {
      _ = try await pool.run(
        Round(inputs: Matrix(rows: [[1], [2]]), workload: f, stoppingRule: .count(2)))
    }
    #expect(pool.requiresDescriptors)
  }

  @Test("a round with more workers than worker ranks is refused with the mpirun command")
  func tooManyWorkers() async {
    do {
      _ = try await pool.run(
        Round(
          inputs: Matrix(rows: [[1], [2], [3]]), workload: BuiltinFunction.sin,
          stoppingRule: .count(3)))
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("mpirun -np 4"), "\(error)")
    }
  }

  @Test("a stream producer without a descriptor is refused")
  func streamProducerRefused() async {
    let producer = ClosureStreamProducer { _, _ in [1] }
    await #expect(
      throws: PoolError.workloadNotSerialisable("stream producer ClosureStreamProducer")
    ) {
      _ = try await pool.stream(
        StreamingRound(workers: 2, producer: producer, maximumResultsPerWorker: 1), initialState: 0
      ) { _, _ in .continue }
    }
  }

  @Test("messages read back exactly; truncated bytes are not a message")
  func framing() {
    let message = _Message(
      kind: .task, round: 7, worker: 3, a: 1_000_000, b: -42, c: 1, values: [1.5, -.pi, 0],
      bytes: Array("{\"kind\":\"builtin\"}".utf8))
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: message.encodedCount, alignment: 8)
    defer { buffer.deallocate() }
    message.write(to: buffer)
    #expect(_Message(reading: UnsafeRawBufferPointer(buffer)) == message)
    #expect(_Message(reading: UnsafeRawBufferPointer(rebasing: buffer.dropLast())) == nil)
  }

  @Test("wrong-length and non-finite answers are failures")
  func answerChecks() {
    // The library's one worker-output check (the in-process pools' wording), with the worker.
    #expect(_answerProblem([1, 2], expected: 2, worker: 1) == nil)
    #expect(
      _answerProblem([1], expected: 2, worker: 1)
        == "worker 1 (rank 2): the function returned 1 values, expected 2")
    #expect(
      _answerProblem([1, .nan], expected: 2, worker: 0)
        == "worker 0 (rank 1): the function returned a non-finite value (nan) at coordinate 1")
    #expect(
      _answerProblem([.infinity, 1], expected: 2, worker: 3)
        == "worker 3 (rank 4): the function returned a non-finite value (inf) at coordinate 0")
  }
}
