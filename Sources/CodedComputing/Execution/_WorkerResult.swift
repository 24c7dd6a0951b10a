/// What one worker produced: its f(x̃ₙ), or why it failed.
enum _WorkerResult: Sendable {
  case output([Double])
  case failure(String)
}
