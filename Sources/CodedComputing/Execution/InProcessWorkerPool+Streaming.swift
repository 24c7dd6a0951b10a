extension InProcessWorkerPool {
  /// Runs a streaming round on this process's threads: every worker produces results one after
  /// another, `consume` sees each in arrival order, and the round ends when `consume` says stop.
  ///
  /// The compute threads serve the N workers round-robin, one result at a time (a worker goes to
  /// the back of the queue after each result), so `maxConcurrentWorkers` threads stand for N
  /// concurrent workers; a worker's injected delay postpones its first result. `consume` runs
  /// under the round's lock, one call at a time, with the state the pool keeps for it; once it
  /// returns ``StreamDecision/stop``, each worker stops within the result it is computing (that
  /// result is dropped) and `stream` returns.
  ///
  /// ```swift
  /// let producer = ClosureStreamProducer { worker, index in [Double(worker), Double(index)] }
  /// let (outcome, seen) = try await InProcessWorkerPool().stream(
  ///   StreamingRound(workers: 4, producer: producer, maximumResultsPerWorker: 100),
  ///   initialState: 0
  /// ) { seen, _ in
  ///   seen += 1
  ///   return seen == 10 ? .stop : .continue
  /// }
  /// ```
  /// - Returns: how the stream ended (stopped, deadline, exhausted, cancelled), the results per
  ///   worker, the workers that failed, and the consumer's final state.
  /// - Throws: ``PoolError/invalidRound(_:)`` for a malformed round (no bound on its length,
  ///   delays of the wrong count); ``PoolError/workloadNotSerialisable(_:)`` when the pool
  ///   requires descriptors and the producer has none.
  /// - Complexity: one `produce` and one `consume` per delivered result, plus one lock round-trip
  ///   and one queue entry.
  public func stream<State: Sendable>(
    _ round: StreamingRound, initialState: State,
    consume: @escaping @Sendable (inout State, StreamedResult) -> StreamDecision
  ) async throws(PoolError) -> (outcome: StreamOutcome, state: State) {
    var round = round
    if round.injectedDelays == nil, let injectedDelays, injectedDelays.count == round.workers {
      round.injectedDelays = injectedDelays
    }
    try round.validate()
    if requiresDescriptors, round.producer.descriptor == nil {
      throw .workloadNotSerialisable("stream producer \(type(of: round.producer))")
    }
    let stream = _StreamRound(round: round, initialState: initialState, consume: consume)
    let threads = _ComputeThreads(
      threadCount: Swift.min(maxConcurrentWorkers, round.workers), name: "coded-stream"
    ) { [stream] n in
      stream.step(worker: n)
    }
    let timer = _startWorkers(
      round.workers, delays: round.injectedDelays, deadline: round.deadline, start: stream.start,
      threads: threads, onDeadline: { stream.end(.deadline) })
    await withTaskCancellationHandler {
      await stream.waitUntilEnded()
    } onCancel: {
      stream.end(.cancelled)
    }
    timer?.close()
    threads.close()
    return stream.result()
  }
}
