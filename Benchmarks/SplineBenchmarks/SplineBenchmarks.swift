import Benchmark
import CodedComputing

let benchmarks: @Sendable () -> Void = {
}
