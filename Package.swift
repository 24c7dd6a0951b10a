// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "CodedComputing",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "CodedComputing", targets: ["CodedComputing"]),
    .executable(name: "coded", targets: ["coded"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    .systemLibrary(
      name: "CLAPACK",
      pkgConfig: "lapack",
      providers: [.apt(["liblapack-dev", "liblapacke-dev", "libopenblas-dev"])]
    ),
    .target(
      name: "CodedComputing",
      dependencies: ["CLAPACK"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
    ),
    .executableTarget(
      name: "coded",
      dependencies: [
        "CodedComputing",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Pure-compute timings for scripts/compare_spline_speed.py (not a product).
    .executableTarget(
      name: "spline-timing",
      dependencies: ["CodedComputing"],
      path: "Benchmarks/SplineTiming"
    ),
    .testTarget(
      name: "CodedComputingTests",
      dependencies: ["CodedComputing"]
    ),
  ]
)

// Benchmarks live in their own tree (Benchmarks/<Suite>/<Suite>.swift); `swift package benchmark` runs them.
for suite in ["SplineBenchmarks", "CodingBenchmarks", "PoolBenchmarks", "NNBenchmarks", "BlackBoxBenchmarks"] {
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
