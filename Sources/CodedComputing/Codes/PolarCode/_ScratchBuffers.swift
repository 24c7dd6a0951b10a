/// A few `[Double]` buffers kept between calls so that repeated encodes and decodes reuse their
/// memory instead of faulting in fresh pages (thread-safe; at most four buffers are kept).
final class _ScratchBuffers: Sendable {
  private let buffers = _Locked<[[Double]]>([])

  /// A buffer of at least `count` elements (contents unspecified when reused, zero when new).
  func take(_ count: Int) -> [Double] {
    let reused = buffers.withLock { list -> [Double]? in
      guard let index = list.firstIndex(where: { $0.count >= count }) else { return nil }
      return list.remove(at: index)
    }
    return reused ?? [Double](repeating: 0, count: count)
  }

  /// Hands a buffer back for later calls.
  func give(_ buffer: [Double]) {
    buffers.withLock { list in
      if list.count < 4 { list.append(buffer) }
    }
  }
}
