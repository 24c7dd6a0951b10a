/// The BLAS/LAPACK CodedComputing runs on, its kernels and the processor's.
///
/// Every dense product (BACC, LCC, the networks, coded inference) and every solve goes through
/// one BLAS, loaded on first use. Debian's OpenBLAS 0.3.21 does not know processors newer than
/// itself and falls back to its SSE3 "Prescott" kernels on them, 4–7× below the machine's GEMM
/// rate; when `OPENBLAS_CORETYPE` is unset the library then selects the kernels cpuid says the
/// processor runs (AVX-512: `SkylakeX`, or `Cooperlake` with BF16; AVX2: `Haswell`, or `Zen` on
/// AMD) before the first BLAS call. A set `OPENBLAS_CORETYPE` is always kept; a fallback that
/// remains is reported once on standard error (``warning``).
///
/// ```swift
/// let blas = BLASInfo.current
/// print(blas.vendor, blas.coreName ?? "-", blas.threadCount)   // OpenBLAS SkylakeX 2
/// if blas.isFallback { print(blas.warning ?? "") }
/// ```
///
/// Library choice: `CODEDCOMPUTING_BLAS` (a shared library with CBLAS) and
/// `CODEDCOMPUTING_LAPACK` (default: the same file) when set; else `libopenblas.so.0`; else the
/// system's `libblas.so.3` and `liblapack.so.3` (reference BLAS, BLIS, …).
public struct BLASInfo: Sendable, Equatable, CustomStringConvertible {
  /// The file the CBLAS routines come from (symbolic links resolved).
  public var libraryPath: String
  /// The file the LAPACK routines come from.
  public var lapackPath: String
  /// `OpenBLAS`, `BLIS`, `reference` (Netlib's, by its Debian path) or `other`.
  public var vendor: String
  /// OpenBLAS's `openblas_get_config()` or BLIS's version; empty when the library has none.
  public var version: String
  /// The OpenBLAS core whose kernels run (`SkylakeX`, `Haswell`, `Prescott`, …); nil elsewhere.
  public var coreName: String?
  /// The threads the BLAS uses for one call (see ``setBLASThreadCount(_:)``).
  public var threadCount: Int
  /// `OPENBLAS_CORETYPE` as it was when the library loaded; nil when unset.
  public var userCoreType: String?
  /// The core OpenBLAS had picked when CodedComputing replaced it by ``coreName``; nil when it
  /// made no change.
  public var correctedFrom: String?
  /// The processor's brand string (cpuid), e.g. `AMD EPYC`.
  public var cpuModel: String
  /// The widest vector kernels the processor and operating system run: `AVX-512`, `AVX2`, `AVX`
  /// or `SSE`.
  public var cpuKernels: String
  /// The OpenBLAS cores that match the processor, best first (empty below AVX2).
  public var matchingCores: [String]

  /// Whether OpenBLAS runs kernels older than AVX2 on a processor with AVX2 or AVX-512.
  public var isFallback: Bool {
    guard let coreName else { return false }
    return Self.isFallback(core: coreName, processorLevel: Self.level(of: cpuKernels))
  }

  /// The BLAS in use now (loads it if nothing has yet).
  public static var current: BLASInfo { BLASInfo(_BLASLibrary.shared) }

  /// What to tell a user whose BLAS still runs a fallback; nil when it does not.
  public var warning: String? {
    guard isFallback, let coreName else { return nil }
    let better = matchingCores.first ?? "Haswell"
    let cause =
      if let userCoreType {
        "OPENBLAS_CORETYPE=\(userCoreType) is set and kept; unset it or set OPENBLAS_CORETYPE=\(better)"
      } else {
        "selecting \(better) was not possible (OpenBLAS built without DYNAMIC_ARCH, or loaded "
          + "before CodedComputing); set OPENBLAS_CORETYPE=\(better) before the process starts"
      }
    return "warning: BLAS \(libraryPath) runs OpenBLAS's \(coreName) kernels on this \(cpuKernels) "
      + "processor (\(cpuModel)): dense products run several times below the machine; \(cause)"
  }

  public var description: String {
    var parts = ["\(vendor) \(libraryPath)"]
    if let coreName { parts.append("core \(coreName)") }
    if let correctedFrom { parts.append("selected over \(correctedFrom)") }
    if let userCoreType { parts.append("OPENBLAS_CORETYPE=\(userCoreType)") }
    parts.append("\(threadCount) thread\(threadCount == 1 ? "" : "s")")
    parts.append("CPU \(cpuModel) (\(cpuKernels))")
    return parts.joined(separator: ", ")
  }

  // MARK: OpenBLAS cores by instruction set

  /// OpenBLAS 0.3.x x86-64 cores by the widest kernels they run: 4 AVX-512, 3 AVX2, 2 AVX, 1
  /// SSE. A core not listed is taken as newer than this table (never a fallback).
  static let coreLevels: [String: Int] = [
    "sapphirerapids": 4, "cooperlake": 4, "skylakex": 4,
    "haswell": 3, "zen": 3,
    "sandybridge": 2, "bulldozer": 2, "piledriver": 2, "steamroller": 2, "excavator": 2,
    "prescott": 1, "core2": 1, "penryn": 1, "dunnington": 1, "nehalem": 1, "atom": 1, "nano": 1,
    "opteron": 1, "opteron_sse3": 1, "barcelona": 1, "bobcat": 1, "katmai": 1, "coppermine": 1,
    "northwood": 1, "banias": 1, "athlon": 1,
  ]

  static func level(of kernels: String) -> Int {
    ["SSE": 1, "AVX": 2, "AVX2": 3, "AVX-512": 4][kernels] ?? 1
  }

  /// A core below AVX2 on a processor with AVX2 or more.
  static func isFallback(core: String, processorLevel: Int) -> Bool {
    guard let level = coreLevels[core.lowercased()] else { return false }
    return processorLevel >= 3 && level < 3
  }

  /// The cores to try, best first, for a processor (what OpenBLAS picks on CPUs it knows).
  static func coresMatching(_ cpu: _BLASLibrary.Processor) -> [String] {
    switch cpu.level {
    case 4: return (cpu.hasBF16 ? ["Cooperlake"] : []) + ["SkylakeX", "Haswell"]
    case 3: return cpu.vendor == "AuthenticAMD" ? ["Zen", "Haswell"] : ["Haswell"]
    default: return []
    }
  }
}

extension BLASInfo {
  /// The report on a loaded library.
  init(_ library: _BLASLibrary) {
    let cpu = library.cpu
    self.init(
      libraryPath: library.libraryPath, lapackPath: library.lapackPath, vendor: library.vendor,
      version: library.version, coreName: library.coreName, threadCount: library.threadCount,
      userCoreType: library.userCoreType, correctedFrom: library.correctedFrom,
      cpuModel: cpu.model.isEmpty ? cpu.vendor : cpu.model,
      cpuKernels: ["SSE", "SSE", "AVX", "AVX2", "AVX-512"][cpu.level],
      matchingCores: Self.coresMatching(cpu))
  }
}
