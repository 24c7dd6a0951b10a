// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "CodedComputing",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "CodedComputing", targets: ["CodedComputing"]),
    .library(name: "CodedComputingMPI", targets: ["CodedComputingMPI"]),
    .executable(name: "coded", targets: ["coded"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(
      url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    // `swift package generate-documentation --target CodedComputing` (scripts/check_docs.sh).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // BLAS and LAPACK are loaded at run time (LinearAlgebra/_BLASLibrary.swift), not linked: the
    // C target holds the routines' types and a cpuid probe. Run-time packages: libopenblas0 (or
    // libblas3 + liblapack3, or any BLAS/LAPACK pair named by CODEDCOMPUTING_BLAS/_LAPACK).
    .target(name: "CLAPACK"),
    // Element-wise kernels (tanh, sigmoid) compiled for AVX-512, AVX2 and the baseline.
    .target(name: "CKernels"),
    .target(
      name: "CodedComputing",
      dependencies: ["CLAPACK", "CKernels"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
    ),
    // Open MPI (libopenmpi-dev): only CodedComputingMPI imports it, so CodedComputing stays
    // MPI-free.
    .systemLibrary(
      name: "CMPI",
      pkgConfig: "ompi-c",
      providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
    ),
    .target(
      name: "CodedComputingMPI",
      dependencies: ["CodedComputing", "CMPI"]
    ),
    .executableTarget(
      name: "coded",
      dependencies: [
        "CodedComputing",
        "CodedComputingMPI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Pure-compute timings for scripts/compare_spline_speed.py (not a product).
    .executableTarget(
      name: "spline-timing",
      dependencies: ["CodedComputing"],
      path: "Benchmarks/SplineTiming"
    ),
    // LT peeling accuracy vs m, plain and double-double symbol values (not a product).
    .executableTarget(
      name: "lt-accuracy",
      dependencies: ["CodedComputing"],
      path: "Benchmarks/LTAccuracy"
    ),
    // MPI pool soak, overhead and streaming checks, run under mpirun (not a product).
    .executableTarget(
      name: "mpi-bench",
      dependencies: ["CodedComputing", "CodedComputingMPI"],
      path: "Benchmarks/MPIBench"
    ),
    .testTarget(
      name: "CodedComputingTests",
      dependencies: ["CodedComputing", "CodedComputingMPI"]
    ),
  ]
)

// Benchmarks live in their own tree (Benchmarks/<Suite>/<Suite>.swift); `swift package benchmark`
// runs them.
for suite in [
  "SplineBenchmarks", "CodingBenchmarks", "PoolBenchmarks", "NNBenchmarks", "PolarBenchmarks",
  "LTBenchmarks",
  "BlackBoxBenchmarks",
] {
  package.targets.append(
    .executableTarget(
      name: suite,
      dependencies: [
        "CodedComputing",
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/\(suite)",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  )
}
