internal import CLAPACK
import Dispatch

extension _BLASLibrary {
  /// C ← α·op(A)·op(B) + β·C (column-major), on ``threadCount`` threads.
  ///
  /// With OpenBLAS, CodedComputing runs the threads itself: OpenBLAS stays on one thread and a
  /// product of at least ``parallelFlops`` is cut into column blocks of C, one single-threaded
  /// `cblas_dgemm` per thread (Dispatch's `concurrentPerform`). On the shared 2-core machines of
  /// this project OpenBLAS 0.3.21's own thread server made BACC's two products (1000 × 100 × 784
  /// and 100 × 900 × 784) slower on two threads than on one (best of 200: 6.1 ms against 5.1),
  /// where the column split took 3.0 ms. Every column of C is computed by the same kernel over the
  /// same k-blocking as in one call, so the split does not change the result (checked on the
  /// `coded blas --check` cases, bit for bit). Other libraries keep their own threading.
  func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>?, lda: Int, b: UnsafePointer<Double>?, ldb: Int, beta: Double,
    c: UnsafeMutablePointer<Double>?, ldc: Int
  ) {
    // CBLAS enums: CblasColMajor 102, CblasNoTrans 111, CblasTrans 112.
    let ta: Int32 = transposeA ? 112 : 111
    let tb: Int32 = transposeB ? 112 : 111
    let parts = splitsGEMM ? min(threadCount, n / Self.minimumColumnsPerThread) : 1
    guard parts > 1, 2 * m * n * k >= Self.parallelFlops, let b, let c else {
      dgemm(
        102, ta, tb, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c,
        Int32(ldc))
      return
    }
    let shared = _SendablePointer((a, b, c))
    let dgemm = self.dgemm
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let (a, b, c) = shared.pointer
      // Block edges on multiples of 16 columns, a multiple of every OpenBLAS kernel's column
      // unrolling, so each column meets the kernel exactly as in one call.
      let first = part == 0 ? 0 : (n * part / parts) / 16 * 16
      let end = part == parts - 1 ? n : (n * (part + 1) / parts) / 16 * 16
      let width = end - first
      // Column j of op(B) starts at b + j·ldb, or at b + j when B is transposed.
      let bOffset = transposeB ? first : first * ldb
      dgemm(
        102, ta, tb, Int32(m), Int32(width), Int32(k), alpha, a, Int32(lda), b + bOffset,
        Int32(ldb), beta, c + first * ldc, Int32(ldc))
    }
  }

  /// The smallest product (flops) worth a second thread: about 50 µs of one core's GEMM.
  static let parallelFlops = 4_000_000
  /// No thread gets fewer columns of C than this.
  static let minimumColumnsPerThread = 32
}
