/// Successive-cancellation erasure decoding of a real polar code, in place on one row-major
/// L × m buffer (the received coded blocks) with an availability flag per row and level.
///
/// A node owns rows [first, first + M). Before its minus child it rewrites each pair (lo, hi)
/// = (row i, row i + M/2) so that the lower half holds the minus observation and the upper half
/// the plus observation where it is already known:
///
/// | arrived | Arıkan (lo, hi) | Hadamard (lo, hi) |
/// |---|---|---|
/// | both | (y_a − y_b, y_b) | ((y_a + y_b)/2, (y_a − y_b)/2) |
/// | only a | (–, y_a): after the minus child, hi ← y_a − x⁻ | same |
/// | only b | (–, y_b) | (–, y_b): after the minus child, hi ← x⁻ − y_b |
///
/// The minus child decodes the lower half in place and leaves its codeword x⁻ there; the plus
/// child then decodes the upper half and leaves x⁺; the node's own codeword is
/// (x⁻ + x⁺, x⁺) (Hadamard: (x⁻ + x⁺, x⁻ − x⁺)), computed only when its parent needs it (not on
/// the path of plus branches from the root). Subtrees without information positions are zero
/// (their codeword is 0). Two passes over each level instead of three, and no buffer but the
/// input: at N = 1024, m = 64 the working set is 512 KiB.
struct _SuccessiveCancellation {
  let length: Int
  let columns: Int
  /// Row offset of each level's flags (level ℓ holds L/2^ℓ flags).
  let flagOffsets: [Int]
  var values: [Double]
  var flags: [Bool]

  /// - Parameter buffer: storage for the L × m values, reused (its contents do not matter: only
  ///   arrived rows are read before being written, and ``load(_:survivors:workers:)`` zeroes the
  ///   shortened rows).
  init(length: Int, columns: Int, buffer: [Double]) {
    self.length = length
    self.columns = columns
    var offsets: [Int] = []
    var (offset, size) = (0, length)
    while size >= 1 {
      offsets.append(offset)
      offset += size
      size /= 2
    }
    flagOffsets = offsets
    values =
      buffer.count >= length * columns ? buffer : [Double](repeating: 0, count: length * columns)
    flags = [Bool](repeating: false, count: offset)
  }

  /// The received rows (column-major |T| × m results of the survivors); positions ≥ N are
  /// known zeros.
  mutating func load(_ results: Matrix, survivors: [Int], workers: Int) {
    values.withUnsafeMutableBufferPointer { v in
      guard let base = v.baseAddress else { return }
      results._scatterRows(to: survivors, into: base)
    }
    for n in survivors { flags[n] = true }
    for n in workers..<length { flags[n] = true }
    values.withUnsafeMutableBufferPointer { v in
      guard let base = v.baseAddress, workers < length else { return }
      (base + workers * columns).update(repeating: 0, count: (length - workers) * columns)
    }
  }

  /// Decodes the tree; data block k (the k-th information position) goes to row k of the
  /// row-major K × m buffer at `out`.
  /// - Precondition: the arrived set is decodable (every information leaf recoverable).
  mutating func decode(
    information prefix: [Int], hadamard: Bool, into out: UnsafeMutablePointer<Double>
  ) {
    let (m, offsets) = (columns, flagOffsets)
    values.withUnsafeMutableBufferPointer { v in
      flags.withUnsafeMutableBufferPointer { f in
        guard let v = v.baseAddress, let f = f.baseAddress else { return }
        prefix.withUnsafeBufferPointer { prefix in
          func node(level: Int, first: Int, size: Int, needsCodeword: Bool) {
            let rows = v + first * m
            if prefix[first + size] == prefix[first] {
              rows.update(repeating: 0, count: size * m)
              return
            }
            if size == 1 {
              (out + prefix[first] * m).update(from: rows, count: m)
              return
            }
            let half = size / 2
            let own = f + offsets[level]
            let child = f + offsets[level + 1]
            for i in 0..<half {
              let (lo, hi) = (rows + i * m, rows + (i + half) * m)
              let (hasLo, hasHi) = (own[i], own[i + half])
              child[i] = hasLo && hasHi
              if hasLo && hasHi {
                if hadamard {
                  for j in 0..<m {
                    let (a, b) = (lo[j], hi[j])
                    lo[j] = 0.5 * (a + b)
                    hi[j] = 0.5 * (a - b)
                  }
                } else {
                  for j in 0..<m { lo[j] -= hi[j] }
                }
              } else if hasLo {
                hi.update(from: lo, count: m)
              }
            }
            node(level: level + 1, first: first, size: half, needsCodeword: true)
            for i in 0..<half {
              let (lo, hi) = (rows + i * m, rows + (i + half) * m)
              let (hasLo, hasHi) = (own[i], own[i + half])
              child[i] = hasLo || hasHi
              if hasLo && !hasHi {
                for j in 0..<m { hi[j] -= lo[j] }
              } else if hadamard && hasHi && !hasLo {
                for j in 0..<m { hi[j] = lo[j] - hi[j] }
              }
            }
            node(level: level + 1, first: first + half, size: half, needsCodeword: needsCodeword)
            guard needsCodeword else { return }
            for i in 0..<half {
              _PolarButterfly.combine(
                rows + i * m, rows + (i + half) * m, columns: m, hadamard: hadamard)
            }
          }
          node(level: 0, first: 0, size: length, needsCodeword: false)
        }
      }
    }
  }
}
