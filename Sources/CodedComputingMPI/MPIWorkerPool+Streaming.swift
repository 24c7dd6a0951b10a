import CodedComputing

extension MPIWorkerPool {
  /// Streaming rounds on MPI ranks: not available yet.
  /// - Throws: ``PoolError/backend(_:)`` always.
  public func stream<State: Sendable>(
    _ round: StreamingRound, initialState: State,
    consume: @escaping @Sendable (inout State, StreamedResult) -> StreamDecision
  ) async throws(PoolError) -> (outcome: StreamOutcome, state: State) {
    try round.validate()
    guard round.producer.descriptor != nil else {
      throw .workloadNotSerialisable("stream producer \(type(of: round.producer))")
    }
    throw .backend("streaming rounds are not supported by the MPI pool yet")
  }
}
