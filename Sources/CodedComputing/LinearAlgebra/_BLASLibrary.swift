internal import CLAPACK
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The BLAS and LAPACK in use: loaded with `dlopen` the first time CodedComputing needs them,
/// with the handful of routines it calls resolved once.
///
/// Loading at run time instead of linking is what lets the library correct Debian's OpenBLAS
/// 0.3.21 (DYNAMIC_ARCH), which runs its SSE3 "Prescott" kernels on processors newer than itself
/// — 4–7× below the machine's GEMM rate. When `OPENBLAS_CORETYPE` is unset, the library was not
/// already loaded by someone else in the process, the core OpenBLAS picked is such a fallback and
/// cpuid shows AVX2 or AVX-512, the kernels matching the processor are selected
/// (`gotoblas_dynamic_quit`, then `gotoblas_dynamic_init` with the core named) before any BLAS call
/// has run. A set `OPENBLAS_CORETYPE` is never overridden; a fallback that remains is reported on
/// standard error once.
///
/// Search order: `CODEDCOMPUTING_BLAS` (a library with CBLAS) with `CODEDCOMPUTING_LAPACK`
/// (default: the same file); `libopenblas.so.0`; the system's `libblas.so.3` + `liblapack.so.3`
/// (reference BLAS, BLIS, … through Debian's alternatives).
///
/// `CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK=CORE` (for tests only) makes an OpenBLAS whose core
/// the environment left free start on CORE, as if it had picked it, so the correction can be tested
/// on a processor that OpenBLAS knows.
final class _BLASLibrary: @unchecked Sendable {
  /// Loaded on first use (a global `let` is initialised once, thread-safely).
  /// A fallback that remains is reported on standard error here, once.
  static let shared: _BLASLibrary = {
    let library = _BLASLibrary()
    _BLASThreadPolicy.shared.attach(library)
    if let warning = BLASInfo(library).warning {
      let line = warning + "\n"
      _ = line.withCString { write(2, $0, strlen($0)) }
    }
    return library
  }()

  let dgemm: cc_cblas_dgemm_fn
  let dgesv: cc_dgesv_fn
  let dpbtrf: cc_dpbtrf_fn
  let dpbtrs: cc_dpbtrs_fn
  /// `dgelss_` (minimum-norm least squares), when the LAPACK has it.
  let dgelss: cc_dgelss_fn?
  private let openblasSetThreads: cc_set_int_fn?
  private let openblasGetThreads: cc_int_fn?
  private let blisSetThreads: cc_set_long_fn?
  private let blisGetThreads: cc_long_fn?
  /// Whether ``gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`` runs the
  /// threads itself (OpenBLAS, kept on one thread) rather than the library.
  let splitsGEMM: Bool
  /// The thread count of the split (OpenBLAS).
  private let gemmThreads: Atomic<Int>

  let libraryPath: String
  let lapackPath: String
  let vendor: String
  let version: String
  let coreName: String?
  /// `OPENBLAS_CORETYPE` when the library loaded (nil: unset).
  let userCoreType: String?
  /// The core OpenBLAS picked before the correction, when one was made.
  let correctedFrom: String?
  let cpu: _BLASLibrary.Processor

  /// What cpuid says, in the terms OpenBLAS's cores are named by.
  struct Processor: Sendable, Equatable {
    /// 4 AVX-512, 3 AVX2 + FMA, 2 AVX, 1 SSE (what the OS lets run, from xgetbv).
    var level: Int
    var hasBF16: Bool
    var vendor: String
    var model: String
  }

  private init() {
    var features = cc_cpu_features()
    cc_cpu_features_read(&features)
    let cpu = Processor(
      level: features.avx512 != 0 ? 4 : features.avx2_fma != 0 ? 3 : features.avx != 0 ? 2 : 1,
      hasBF16: features.avx512_bf16 != 0,
      vendor: withUnsafeBytes(of: features.vendor) {
        String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
      },
      model: withUnsafeBytes(of: features.brand) {
        String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
      })
    self.cpu = cpu

    func symbol<T>(_ handle: UnsafeMutableRawPointer, _ name: String, as type: T.Type) -> T? {
      dlsym(handle, name).map { unsafeBitCast($0, to: type) }
    }
    var tried: [String] = []
    var chosen:
      (
        blas: UnsafeMutableRawPointer, lapack: UnsafeMutableRawPointer, wasLoaded: Bool,
        routines: (cc_cblas_dgemm_fn, cc_dgesv_fn, cc_dpbtrf_fn, cc_dpbtrs_fn)
      )?
    for (blasName, lapackName) in Self.candidates() {
      let wasLoaded = Self.isLoaded(blasName)
      guard let blas = dlopen(blasName, RTLD_NOW | RTLD_GLOBAL) else {
        tried.append("\(blasName): \(Self.lastError())")
        continue
      }
      guard let lapack = lapackName == blasName ? blas : dlopen(lapackName, RTLD_NOW | RTLD_GLOBAL)
      else {
        tried.append("\(lapackName): \(Self.lastError())")
        continue
      }
      guard let dgemm = symbol(blas, "cblas_dgemm", as: cc_cblas_dgemm_fn.self),
        let dgesv = symbol(lapack, "dgesv_", as: cc_dgesv_fn.self),
        let dpbtrf = symbol(lapack, "dpbtrf_", as: cc_dpbtrf_fn.self),
        let dpbtrs = symbol(lapack, "dpbtrs_", as: cc_dpbtrs_fn.self)
      else {
        tried.append("\(blasName) + \(lapackName): no cblas_dgemm, dgesv_, dpbtrf_ or dpbtrs_")
        continue
      }
      chosen = (blas, lapack, wasLoaded, (dgemm, dgesv, dpbtrf, dpbtrs))
      break
    }
    guard let chosen else {
      fatalError(
        """
        CodedComputing found no usable BLAS/LAPACK (install libopenblas0, or libblas3 and \
        liblapack3, or name a library with CBLAS in CODEDCOMPUTING_BLAS): \
        \(tried.joined(separator: "; "))
        """)
    }
    (dgemm, dgesv, dpbtrf, dpbtrs) = chosen.routines
    dgelss = symbol(chosen.lapack, "dgelss_", as: cc_dgelss_fn.self)
    openblasSetThreads = symbol(chosen.blas, "openblas_set_num_threads", as: cc_set_int_fn.self)
    openblasGetThreads = symbol(chosen.blas, "openblas_get_num_threads", as: cc_int_fn.self)
    blisSetThreads = symbol(chosen.blas, "bli_thread_set_num_threads", as: cc_set_long_fn.self)
    blisGetThreads = symbol(chosen.blas, "bli_thread_get_num_threads", as: cc_long_fn.self)
    libraryPath = Self.path(of: dlsym(chosen.blas, "cblas_dgemm"))
    lapackPath = Self.path(of: dlsym(chosen.lapack, "dpbtrf_"))

    let config = symbol(chosen.blas, "openblas_get_config", as: cc_string_fn.self)
    let corename = symbol(chosen.blas, "openblas_get_corename", as: cc_string_fn.self)
    let blisVersion = symbol(chosen.blas, "bli_info_get_version_str", as: cc_string_fn.self)
    let userCoreType = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
    self.userCoreType = userCoreType
    if let config {
      vendor = "OpenBLAS"
      version = config().map { String(cString: $0) } ?? ""
    } else if let blisVersion {
      vendor = "BLIS"
      version = blisVersion().map { String(cString: $0) } ?? ""
    } else {
      vendor = libraryPath.contains("/blas/") ? "reference" : "other"
      version = ""
    }
    // OpenBLAS runs on one thread; CodedComputing splits its products over as many as OpenBLAS
    // would have used (OPENBLAS_NUM_THREADS, else one per processor) — unless the host program
    // loaded OpenBLAS first: its threads are its own business.
    let getThreads = symbol(chosen.blas, "openblas_get_num_threads", as: cc_int_fn.self)
    let setThreads = symbol(chosen.blas, "openblas_set_num_threads", as: cc_set_int_fn.self)
    splitsGEMM = config != nil && !chosen.wasLoaded && getThreads != nil && setThreads != nil
    gemmThreads = Atomic(splitsGEMM ? max(1, Int(getThreads?() ?? 1)) : 1)
    if splitsGEMM { setThreads?(1) }
    guard let corename else {
      coreName = nil
      correctedFrom = nil
      return
    }
    func currentCore() -> String { corename().map { String(cString: $0) } ?? "" }
    let quit = symbol(chosen.blas, "gotoblas_dynamic_quit", as: cc_void_fn.self)
    let initialise = symbol(chosen.blas, "gotoblas_dynamic_init", as: cc_void_fn.self)
    var correctedFrom: String?
    if userCoreType == nil, !chosen.wasLoaded, let quit, let initialise {
      // Start over on `core`: the core is read from OPENBLAS_CORETYPE by gotoblas_dynamic_init
      // only, and the variable is unset again at once, so children see the user's environment.
      func select(_ core: String) {
        quit()
        setenv("OPENBLAS_CORETYPE", core, 1)
        initialise()
        unsetenv("OPENBLAS_CORETYPE")
      }
      if let simulated = getenv("CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK") {
        select(String(cString: simulated))
      }
      let picked = currentCore()
      if BLASInfo.isFallback(core: picked, processorLevel: cpu.level) {
        for core in BLASInfo.coresMatching(cpu)
        where dlsym(chosen.blas, "gotoblas_" + core.uppercased()) != nil {
          select(core)
          if currentCore().lowercased() == core.lowercased() {
            correctedFrom = picked
            break
          }
        }
        if correctedFrom == nil { select(picked) }
      }
    }
    self.correctedFrom = correctedFrom
    coreName = currentCore()
  }

  /// The thread count the BLAS will use for its next call (1 for a single-threaded library).
  var threadCount: Int {
    if splitsGEMM { return gemmThreads.load(ordering: .relaxed) }
    if let openblasGetThreads { return Int(openblasGetThreads()) }
    if let blisGetThreads { return Int(blisGetThreads()) }
    return 1
  }

  /// Sets the BLAS's own thread count where the library has a knob (OpenBLAS, BLIS), at once or,
  /// while a multi-threaded round runs, when it is over (``_BLASThreadPolicy``).
  func setThreadCount(_ count: Int) {
    _BLASThreadPolicy.shared.setThreadCount(count, on: self)
  }

  /// Sets the thread count now (``_BLASThreadPolicy`` decides when).
  func _applyThreadCount(_ count: Int) {
    if splitsGEMM {
      gemmThreads.store(count, ordering: .relaxed)
      // OpenBLAS itself stays on one thread, whoever changed it since.
      openblasSetThreads?(1)
    } else if let openblasSetThreads {
      openblasSetThreads(Int32(count))
    } else if let blisSetThreads {
      blisSetThreads(count)
    }
  }

  private static func candidates() -> [(String, String)] {
    if let blas = getenv("CODEDCOMPUTING_BLAS").map({ String(cString: $0) }), !blas.isEmpty {
      let lapack = getenv("CODEDCOMPUTING_LAPACK").map { String(cString: $0) } ?? ""
      return [(blas, lapack.isEmpty ? blas : lapack)]
    }
    return [
      ("libopenblas.so.0", "libopenblas.so.0"), ("libblas.so.3", "liblapack.so.3"),
      ("libopenblas.so", "libopenblas.so"),
    ]
  }

  private static func isLoaded(_ name: String) -> Bool {
    guard let handle = dlopen(name, RTLD_NOW | RTLD_NOLOAD) else { return false }
    dlclose(handle)
    return true
  }

  private static func lastError() -> String {
    dlerror().map { String(cString: $0) } ?? "not found"
  }

  /// The file a resolved symbol lives in, with symbolic links resolved.
  private static func path(of symbol: UnsafeMutableRawPointer?) -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard cc_symbol_file(symbol, &buffer, buffer.count) != 0 else { return "?" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
