import CodedComputing

extension MPIWorkerPool {
  /// Runs a streaming round on the worker ranks: each worker produces results one after another
  /// and sends each as soon as it is made; `consume` sees them in arrival order on the master and
  /// stops the round by returning ``StreamDecision/stop``, after which the workers are told to
  /// abandon it (results still in flight are dropped by round number).
  ///
  /// **The producer crosses the process boundary as a workload.** Its
  /// ``StreamProducer/descriptor`` must name a kind registered with ``WorkloadRegistry`` in every
  /// process, whose workload maps `[worker, index]` (two numbers) to the worker's result number
  /// `index`, and to an empty array when the worker has no more: worker n's k-th result is
  /// `evaluate([Double(n), Double(k)])`. A worker keeps at most eight results in flight, so a
  /// fast producer cannot flood the master.
  ///
  /// ```swift
  /// WorkloadRegistry.register(kind: "symbols") { d in SymbolWorkload(d) }   // in every rank
  /// let (outcome, decoder) = try await pool.stream(
  ///   StreamingRound(workers: n, producer: symbols, maximumResultsPerWorker: 500),
  ///   initialState: PeelingDecoder(m)) { decoder, result in decoder.add(result) ? .stop : .continue }
  /// ```
  /// - Returns: how the stream ended, the results per worker, the failures (errors, bad answers,
  ///   deaths) and the consumer's final state.
  /// - Throws: ``PoolError/invalidRound(_:)`` for a malformed round,
  ///   ``PoolError/workloadNotSerialisable(_:)`` for a producer without a descriptor,
  ///   ``PoolError/backend(_:)`` when the round has more workers than the world has worker ranks.
  public func stream<State: Sendable>(
    _ round: StreamingRound, initialState: State,
    consume: @escaping @Sendable (inout State, StreamedResult) -> StreamDecision
  ) async throws(PoolError) -> (outcome: StreamOutcome, state: State) {
    try round.validate()
    guard let descriptor = round.producer.descriptor else {
      throw .workloadNotSerialisable("stream producer \(type(of: round.producer))")
    }
    guard round.workers <= workerCount else {
      throw .backend(
        "the streaming round has N = \(round.workers) workers but the MPI world has only \(workerCount) worker ranks; start it with mpirun -np \(round.workers + 1)"
      )
    }
    let key = _descriptorKey(descriptor)
    let (master, timeout) = (_master, unresponsiveTimeout)
    let cancelled = _Flag()
    let result = await withTaskCancellationHandler {
      await _onThread(name: "coded-mpi-stream") {
        () -> Result<_Sendable<(outcome: StreamOutcome, state: State)>, PoolError> in
        master.withLock {
          guard !master.isShutDown else { return .failure(.backend("the MPI pool was shut down")) }
          return .success(
            _Sendable(
              master.runStream(
                round, descriptor: key, initialState: initialState, consume: consume,
                unresponsiveTimeout: timeout, isCancelled: { cancelled.isSet })))
        }
      }
    } onCancel: {
      cancelled.set()
    }
    return try result.get().value
  }
}

/// A tuple made sendable by its contents (a `StreamOutcome` and a `Sendable` state).
struct _Sendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
