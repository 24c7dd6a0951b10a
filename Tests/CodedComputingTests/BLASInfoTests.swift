import Foundation
import Testing

@testable import CodedComputing

/// The BLAS loader: core classification, and the built `coded blas` run in subprocesses with the
/// environment each case needs (OPENBLAS_CORETYPE unset, set to a fallback, or another library).
@Suite("BLAS loading and kernel selection")
struct BLASInfoTests {
  @Test("the loaded BLAS reports itself")
  func currentReport() {
    let info = BLASInfo.current
    #expect(!info.libraryPath.isEmpty && info.libraryPath != "?")
    #expect(info.threadCount >= 1)
    #expect(["OpenBLAS", "BLIS", "reference", "other"].contains(info.vendor))
    if info.vendor == "OpenBLAS" { #expect(info.coreName != nil) }
    #expect(BLASInfo.csvHeader.split(separator: ",").count == 7)
    #expect(
      info.csvFields(gemmRate: 12.34).split(separator: ",", omittingEmptySubsequences: false).count
        == 7)
    #expect(info.csvFields(gemmRate: 12.34).hasSuffix(",12.3"))
  }

  @Test("SSE-era cores are fallbacks on AVX2/AVX-512 processors only; AVX2 cores never are")
  func fallbackClassification() {
    #expect(BLASInfo.isFallback(core: "Prescott", processorLevel: 4))
    #expect(BLASInfo.isFallback(core: "NEHALEM", processorLevel: 3))
    #expect(BLASInfo.isFallback(core: "Sandybridge", processorLevel: 3))
    #expect(!BLASInfo.isFallback(core: "Prescott", processorLevel: 2))
    #expect(!BLASInfo.isFallback(core: "Haswell", processorLevel: 4))
    #expect(!BLASInfo.isFallback(core: "SkylakeX", processorLevel: 4))
    #expect(!BLASInfo.isFallback(core: "SomeFutureLake", processorLevel: 4))
    let xeon = _BLASLibrary.Processor(level: 4, hasBF16: false, vendor: "GenuineIntel", model: "")
    let cooper = _BLASLibrary.Processor(level: 4, hasBF16: true, vendor: "GenuineIntel", model: "")
    let zen2 = _BLASLibrary.Processor(level: 3, hasBF16: false, vendor: "AuthenticAMD", model: "")
    let old = _BLASLibrary.Processor(level: 2, hasBF16: false, vendor: "GenuineIntel", model: "")
    #expect(BLASInfo.coresMatching(xeon) == ["SkylakeX", "Haswell"])
    #expect(BLASInfo.coresMatching(cooper) == ["Cooperlake", "SkylakeX", "Haswell"])
    #expect(BLASInfo.coresMatching(zen2) == ["Zen", "Haswell"])
    #expect(BLASInfo.coresMatching(old).isEmpty)
  }

  // MARK: Subprocesses

  struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
    /// The report row of `coded blas` as header → value.
    var report: [String: String] {
      let lines = stdout.split(separator: "\n").map(String.init)
      guard lines.count >= 2 else { return [:] }
      return Dictionary(
        uniqueKeysWithValues: zip(
          lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init),
          lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }
  }

  /// Runs `coded` with `environment` changes (nil removes a variable).
  func coded(_ arguments: [String], environment changes: [String: String?]) throws -> Run {
    let executable = try #require(
      CLISplineTests.executable, "the coded executable was not found; run `swift build` first")
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in changes { environment[key] = value }
    let (status, stdout, stderr) = try runProcess(executable, arguments, environment: environment)
    return Run(status: status, stdout: stdout, stderr: stderr)
  }

  /// `coded blas --check` values by case.
  func checkValues(_ environment: [String: String?], threads: Int = 1) throws -> [String: [Double]]
  {
    let run = try coded(
      ["blas", "--check", "--blas-threads", "\(threads)"], environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    var values: [String: [Double]] = [:]
    for line in run.stdout.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",")
      values[String(fields[0]), default: []].append(Double(String(fields[2])) ?? .nan)
    }
    return values
  }

  /// Every case of `other` within 1e-12 of the largest entry of the same case in `values`.
  func expectClose(_ values: [String: [Double]], _ other: [String: [Double]]) throws {
    for (name, value) in values {
      let second = try #require(other[name])
      let scale = value.map(abs).max() ?? 1
      let difference = zip(value, second).map { abs($0 - $1) }.max() ?? 0
      #expect(difference <= 1e-12 * scale, "\(name): \(difference / scale)")
    }
  }

  static var runsOpenBLASOnAVX2: Bool {
    let info = BLASInfo.current
    return info.vendor == "OpenBLAS" && BLASInfo.level(of: info.cpuKernels) >= 3
      && ProcessInfo.processInfo.environment["CODEDCOMPUTING_BLAS"] == nil
  }

  @Test(
    "with OPENBLAS_CORETYPE unset, a Prescott fallback is replaced by the CPU's kernels: no warning, same bits as the core set by hand, 1.5× the GEMM rate or more",
    .enabled(if: runsOpenBLASOnAVX2))
  func fallbackIsCorrected() throws {
    let corrected = try coded(
      ["blas", "--gemm-size", "800"],
      environment: [
        "OPENBLAS_CORETYPE": nil, "CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK": "Prescott",
      ])
    #expect(corrected.status == 0)
    #expect(corrected.stderr.isEmpty, "\(corrected.stderr)")
    let report = corrected.report
    let core = try #require(report["blas_core"])
    #expect(report["corrected_from"] == "Prescott")
    #expect(report["blas_fallback"] == "0")
    #expect(BLASInfo.current.matchingCores.contains(core))
    #expect(report["user_coretype"] == "")

    let fallback = try coded(
      ["blas", "--gemm-size", "800"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
    #expect(fallback.report["blas_core"] == "Prescott")
    #expect(fallback.report["blas_fallback"] == "1")
    #expect(fallback.report["user_coretype"] == "Prescott")
    #expect(fallback.stderr.hasPrefix("warning: BLAS "))
    #expect(fallback.stderr.contains("OPENBLAS_CORETYPE=Prescott is set and kept"))
    let fast = try #require(report["gemm_gflops"].flatMap(Double.init))
    let slow = try #require(fallback.report["gemm_gflops"].flatMap(Double.init))
    #expect(fast >= 1.5 * slow, "GEMM \(fast) GFLOP/s on \(core) against \(slow) on Prescott")

    // Bit for bit what the same core gives when the user names it, on every case.
    let switched = try checkValues([
      "OPENBLAS_CORETYPE": nil, "CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK": "Prescott",
    ])
    let named = try checkValues(["OPENBLAS_CORETYPE": core])
    #expect(switched.count == 9)
    for (name, values) in switched {
      #expect(values.map(\.bitPattern) == named[name]?.map(\.bitPattern), "\(name)")
    }
    // Against the Prescott kernels themselves: not the same bits (FMA, other blocking), the same
    // numbers to rounding (measured: ≤ 1.4e-15 of the largest entry for GEMM, 6e-14 for an
    // unconditioned 40 × 40 dgesv, 1.1e-13 for the spline).
    try expectClose(switched, try checkValues(["OPENBLAS_CORETYPE": "Prescott"]))
  }

  @Test(
    "a set OPENBLAS_CORETYPE is kept even when it is below the CPU",
    .enabled(if: runsOpenBLASOnAVX2))
  func userCoreTypeIsKept() throws {
    let run = try coded(
      ["blas", "--gemm-size", "0"],
      environment: [
        "OPENBLAS_CORETYPE": "Nehalem", "CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK": "Prescott",
      ])
    #expect(run.report["blas_core"] == "Nehalem")
    #expect(run.report["corrected_from"] == "")
    #expect(run.stderr.contains("OPENBLAS_CORETYPE=Nehalem is set and kept"))
  }

  @Test(
    "GEMM split over 2 and 3 threads: bit for bit one thread's result on Haswell kernels, within 1e-15 on others",
    .enabled(if: BLASInfo.current.vendor == "OpenBLAS"))
  func threadSplitKeepsResults() throws {
    let one = try checkValues([:])
    let core = BLASInfo.current.coreName ?? ""
    for threads in [2, 3] {
      let split = try checkValues([:], threads: threads)
      #expect(split.count == 9)
      for (name, values) in one {
        let other = try #require(split[name])
        if core.lowercased() == "haswell" {
          #expect(
            values.map(\.bitPattern) == other.map(\.bitPattern), "\(name), \(threads) threads")
        } else {
          let scale = values.map(abs).max() ?? 1
          let difference = zip(values, other).map { abs($0 - $1) }.max() ?? 0
          #expect(difference <= 1e-15 * scale, "\(name), \(threads) threads")
        }
      }
    }
  }

  static let referenceBLAS = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"
  static let referenceLAPACK = "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3"

  @Test(
    "Netlib's reference BLAS + LAPACK (not OpenBLAS) load and agree with the default BLAS",
    .enabled(
      if: FileManager.default.fileExists(atPath: referenceBLAS)
        && FileManager.default.fileExists(atPath: referenceLAPACK)))
  func referenceBLASWorks() throws {
    let environment: [String: String?] = [
      "CODEDCOMPUTING_BLAS": Self.referenceBLAS, "CODEDCOMPUTING_LAPACK": Self.referenceLAPACK,
    ]
    let run = try coded(["blas", "--gemm-size", "100"], environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.report["blas_vendor"] == "reference")
    #expect(run.report["blas_core"] == "")
    #expect(run.report["library"]?.hasPrefix("/usr/lib/x86_64-linux-gnu/blas/") == true)
    let reference = try checkValues(environment)
    #expect(reference.count == 9)
    try expectClose(reference, try checkValues([:]))
  }
}
