/// The one loop shape every polar computation shares: the natural-order butterfly.
///
/// For a vector v of length L = 2ⁿ the stages run with half-width h = L/2, L/4, …, 1; at each
/// stage every block of 2h entries combines its entries i and i + h (i in the lower half) into
/// (minus, plus) = `combine(v[i], v[i + h])`, the minus value stored at i. After the last stage
/// entry i holds the value of virtual index i: bit b of i (most significant first) records the
/// branch taken at level b, 0 = minus, 1 = plus (DESIGN.md, "Polar"). Arıkan 2009, Section VI;
/// Pilanci & Bartan 2019 for the real-valued run-time version.
///
/// Instances: erasure availability (minus = a ∧ b, plus = a ∨ b, on 64-bit words), run times
/// (max, min), CDFs (F_a·F_b, 1 − (1 − F_a)(1 − F_b)), Bhattacharyya parameters
/// (z_a + z_b − z_a·z_b, z_a·z_b) and the encoder itself (rows of a row-major block matrix).
enum _PolarButterfly {
  /// Runs the butterfly on `values` (length a power of two) with a scalar combine.
  /// - Complexity: L/2·log₂L calls of `combine`.
  @inlinable
  static func transform<T>(
    _ values: inout [T], _ combine: (T, T) -> (minus: T, plus: T)
  ) {
    let length = values.count
    precondition(length > 0 && length & (length - 1) == 0, "butterfly length \(length) is not 2ⁿ")
    values.withUnsafeMutableBufferPointer { v in
      var half = length / 2
      while half >= 1 {
        var block = 0
        while block < length {
          for i in block..<(block + half) {
            let (minus, plus) = combine(v[i], v[i + half])
            v[i] = minus
            v[i + half] = plus
          }
          block += 2 * half
        }
        half /= 2
      }
    }
  }

  /// The availability butterfly on a packed bit set (bit j of word w = position 64w + j):
  /// minus = a ∧ b (needs both halves), plus = a ∨ b (either half). After it, bit i says whether
  /// virtual index i is recoverable by successive cancellation.
  /// - Complexity: ⌈L/64⌉·log₂L word operations — O(L) for any L < 2⁶⁴.
  static func availability(_ words: inout [UInt64], length: Int) {
    precondition(length > 0 && length & (length - 1) == 0, "butterfly length \(length) is not 2ⁿ")
    precondition(words.count == (length + 63) / 64, "\(words.count) words for \(length) bits")
    var half = length / 2
    while half >= 64 {
      let wordHalf = half / 64
      var block = 0
      while block < words.count {
        for w in block..<(block + wordHalf) {
          let (a, b) = (words[w], words[w + wordHalf])
          words[w] = a & b
          words[w + wordHalf] = a | b
        }
        block += 2 * wordHalf
      }
      half /= 2
    }
    while half >= 1 {
      let lower = _lowerHalfMask(half)
      for w in words.indices {
        let a = words[w] & lower
        let b = (words[w] >> UInt64(half)) & lower
        words[w] = (a & b) | ((a | b) << UInt64(half))
      }
      half /= 2
    }
    if length < 64 { words[0] &= (1 << UInt64(length)) - 1 }
  }

  /// The bits j of a 64-bit word with j & h == 0 (the lower half of every block of 2h).
  static func _lowerHalfMask(_ half: Int) -> UInt64 {
    var mask: UInt64 = 0
    for j in 0..<64 where j & half == 0 { mask |= 1 << UInt64(j) }
    return mask
  }

  /// The encoder on a row-major L × m block matrix (row i at `rows[i·m ..< (i+1)·m]`), in place:
  /// Arıkan (lo, hi) ↦ (lo + hi, hi); Hadamard (lo, hi) ↦ (lo + hi, lo − hi).
  /// - Complexity: L/2·log₂L·m additions (Hadamard: twice that).
  static func encode(
    _ rows: UnsafeMutablePointer<Double>, length: Int, columns m: Int, hadamard: Bool
  ) {
    var half = length / 2
    while half >= 1 {
      var block = 0
      while block < length {
        for i in block..<(block + half) {
          combine(rows + i * m, rows + (i + half) * m, columns: m, hadamard: hadamard)
        }
        block += 2 * half
      }
      half /= 2
    }
  }

  /// One kernel application to a pair of rows, in place: Arıkan (lo, hi) ↦ (lo + hi, hi);
  /// Hadamard (lo, hi) ↦ (lo + hi, lo − hi). Branch-free over the m values, so it vectorises.
  @inline(__always)
  static func combine(
    _ lo: UnsafeMutablePointer<Double>, _ hi: UnsafeMutablePointer<Double>, columns m: Int,
    hadamard: Bool
  ) {
    if hadamard {
      for j in 0..<m {
        let (a, b) = (lo[j], hi[j])
        lo[j] = a + b
        hi[j] = a - b
      }
    } else {
      for j in 0..<m { lo[j] += hi[j] }
    }
  }
}
