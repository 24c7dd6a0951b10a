/// The working storage of polar successive-cancellation decoding: one row-major buffer per
/// level of the recursion (level ℓ holds a subproblem of L/2^ℓ rows of m values, 2L − 1 rows in
/// all) with an availability flag per row.
///
/// Level 0 holds the received coded blocks (shortened positions as arrived zeros). A node at
/// level ℓ writes its minus child's observation into level ℓ + 1, decodes it, keeps the
/// re-encoded minus codeword in its own lower half, writes the plus child's observation, decodes
/// it, and finally replaces its rows by its own codeword — which its parent needs next.
struct _DecoderLevels {
  let length: Int
  let columns: Int
  /// Row offset of each level in `values` and `available`.
  let offsets: [Int]
  var values: [Double]
  var available: [Bool]

  init(length: Int, columns: Int) {
    self.length = length
    self.columns = columns
    var offsets: [Int] = []
    var (offset, size) = (0, length)
    while size >= 1 {
      offsets.append(offset)
      offset += size
      size /= 2
    }
    self.offsets = offsets
    values = [Double](repeating: 0, count: offset * columns)
    available = [Bool](repeating: false, count: offset)
  }

  /// Level 0 from the survivors' results (column-major |T| × m); positions ≥ N are known zeros.
  mutating func load(_ results: Matrix, survivors: [Int], workers: Int) {
    let (m, count) = (columns, survivors.count)
    values.withUnsafeMutableBufferPointer { v in
      results.storage.withUnsafeBufferPointer { y in
        for (r, n) in survivors.enumerated() {
          for j in 0..<m { v[n * m + j] = y[r + j * count] }
        }
      }
    }
    for n in survivors { available[n] = true }
    for n in workers..<length { available[n] = true }
  }

  /// Decodes the whole tree; data block k (the k-th information position) goes to row k of the
  /// column-major K × m matrix at `out`.
  mutating func decode(
    information prefix: [Int], hadamard: Bool, into out: UnsafeMutablePointer<Double>,
    dataBlocks: Int
  ) {
    let (m, offsets) = (columns, offsets)
    values.withUnsafeMutableBufferPointer { v in
      available.withUnsafeMutableBufferPointer { a in
        guard let v = v.baseAddress, let a = a.baseAddress else { return }
        prefix.withUnsafeBufferPointer { prefix in
          func node(level: Int, first: Int, size: Int) {
            let buffer = v + offsets[level] * m
            let information = prefix[first + size] - prefix[first]
            if information == 0 {
              buffer.update(repeating: 0, count: size * m)
              return
            }
            if size == 1 {
              let k = prefix[first]
              for j in 0..<m { out[k + j * dataBlocks] = buffer[j] }
              return
            }
            let half = size / 2
            let flags = a + offsets[level]
            let child = v + offsets[level + 1] * m
            let childFlags = a + offsets[level + 1]
            for i in 0..<half {
              let (lo, hi, c) = (buffer + i * m, buffer + (i + half) * m, child + i * m)
              let both = flags[i] && flags[i + half]
              childFlags[i] = both
              if !both {
                c.update(repeating: 0, count: m)
              } else if hadamard {
                for j in 0..<m { c[j] = 0.5 * (lo[j] + hi[j]) }
              } else {
                for j in 0..<m { c[j] = lo[j] - hi[j] }
              }
            }
            node(level: level + 1, first: first, size: half)
            for i in 0..<half {
              let (lo, hi, c) = (buffer + i * m, buffer + (i + half) * m, child + i * m)
              let (hasLo, hasHi) = (flags[i], flags[i + half])
              childFlags[i] = hasLo || hasHi
              for j in 0..<m {
                let minus = c[j]
                let plus: Double
                if hadamard {
                  plus = hasLo ? lo[j] - minus : (hasHi ? minus - hi[j] : 0)
                } else {
                  plus = hasHi ? hi[j] : (hasLo ? lo[j] - minus : 0)
                }
                lo[j] = minus
                c[j] = plus
              }
            }
            node(level: level + 1, first: first + half, size: half)
            for i in 0..<half {
              let (lo, hi, c) = (buffer + i * m, buffer + (i + half) * m, child + i * m)
              if hadamard {
                for j in 0..<m {
                  let (minus, plus) = (lo[j], c[j])
                  lo[j] = minus + plus
                  hi[j] = minus - plus
                }
              } else {
                for j in 0..<m {
                  lo[j] += c[j]
                  hi[j] = c[j]
                }
              }
            }
          }
          node(level: 0, first: 0, size: length)
        }
      }
    }
  }
}
