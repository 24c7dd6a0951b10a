#if canImport(Glibc)
  import Glibc
#endif

/// An array of `count` copies of `value` whose storage is marked for transparent huge pages
/// before it is first touched (Linux `madvise(MADV_HUGEPAGE)` on its 2 MiB-aligned interior;
/// a no-op elsewhere). For the decoder's big, randomly accessed arrays (tens to hundreds of MiB
/// at m′ = 10⁶): 2 MiB pages cut both the page faults of first touch and the TLB misses of
/// random access. `capacity` (≥ count) reserves room to append to.
func _hugePageArray<T>(repeating value: T, count: Int, capacity: Int? = nil) -> [T] {
  let reserved = Swift.max(count, capacity ?? count)
  return [T](unsafeUninitializedCapacity: reserved) { buffer, initialized in
    if let base = buffer.baseAddress {
      _adviseHugePages(UnsafeMutableRawPointer(base), bytes: reserved * MemoryLayout<T>.stride)
      base.initialize(repeating: value, count: count)
    }
    initialized = count
  }
}

/// Marks the 2 MiB-aligned part of `bytes` bytes at `pointer` for huge pages (small buffers:
/// nothing).
func _adviseHugePages(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
  #if canImport(Glibc)
    let huge = 1 << 21
    guard bytes >= 2 * huge else { return }
    let address = Int(bitPattern: pointer)
    let start = (address + huge - 1) & ~(huge - 1)
    let end = (address + bytes) & ~(huge - 1)
    if end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) {
      _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    }
  #endif
}
