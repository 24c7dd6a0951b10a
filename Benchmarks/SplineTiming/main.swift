// spline-timing: pure-compute timings of the smoothing-spline engine, for
// scripts/compare_spline_speed.py and Guides/SmoothingSpline-Performance.md.
//
//   spline-timing --data FILE --at FILE (--lambda V | --lambda gcv) [--repeats R] [--output FILE]
//                 [--coding-threads T] [--phases]
//   spline-timing --bound --n N --columns C [--repeats R]
//
// With --data it reads the CSVs once (timed separately), then times fit + evaluate (or GCV + fit
// + evaluate) `repeats` times and prints one CSV line on stdout:
//   parse_seconds,compute_seconds_min,compute_seconds_median,lambda,evaluations,first_call_seconds
// (first_call_seconds: the first of the timed calls, which pays the process's first-use costs —
// the worker threads' start and fresh pages for the results and scratch memory).
// --phases also prints, on stderr, the minimum of each phase and every call's time.
// --output writes the fitted values (CSV with the data's header) so callers can check agreement.
// --bound times the one-pass memory bound: a kernel that reads the bytes a fit + evaluation
// must read (knots, data, points) and writes the bytes it must write (the p × c output),
// with a freshly allocated output each time (as the fit pays), and prints
//   bytes,seconds_min,gigabytes_per_second
import CodedComputing
import Foundation

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("error: \(message)\n".utf8))
  exit(1)
}

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Reads a numeric CSV with a header: (header fields, one array per column), with the library's
/// reader (`CSVTable.read`: chunked, parallel, correctly rounded), as `coded spline` reads it.
func readCSV(_ path: String) -> (header: [String], columns: [[Double]]) {
  do {
    let table = try CSVTable.read(contentsOf: path)
    return (table.header, (0..<table.values.columns).map { table.values.column($0) })
  } catch {
    fail("\(error)")
  }
}

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
  guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
  return arguments[i + 1]
}
let repeats = Int(option("--repeats") ?? "5") ?? 5
setBLASThreadCount(Int(option("--blas-threads") ?? "1") ?? 1)
// --coding-threads T limits the library's own kernels (0: one per processor, the default).
setCodingThreadCount(Int(option("--coding-threads") ?? "0") ?? 0)

if arguments.contains("--bound") {
  guard let n = Int(option("--n") ?? ""), let c = Int(option("--columns") ?? "1") else {
    fail("--bound needs --n N [--columns C]")
  }
  let p = n
  let knots = (0..<n).map { Double($0) }
  let data = (0..<(n * c)).map { Double($0 & 1023) }
  let points = knots.map { $0 + 0.5 }
  var best = Double.infinity
  var checksum = 0.0
  for _ in 0..<max(repeats, 3) {
    let start = now()
    var out = [Double](unsafeUninitializedCapacity: p * c) { buffer, count in
      knots.withUnsafeBufferPointer { t in
        points.withUnsafeBufferPointer { z in
          data.withUnsafeBufferPointer { y in
            for col in 0..<c {
              let base = col * n
              for i in 0..<n { buffer[base + i] = t[i] + z[i] + y[base + i] }
            }
          }
        }
      }
      count = p * c
    }
    best = min(best, now() - start)
    checksum += out[out.count / 2]
    out[0] = 0
  }
  let bytes = 8 * (n + p + n * c + p * c)
  print("\(bytes),\(best),\(Double(bytes) / best / 1e9)")
  if checksum.isNaN { print(checksum) }
  exit(0)
}

guard let dataPath = option("--data"), let atPath = option("--at") else {
  fail("usage: spline-timing --data FILE --at FILE --lambda V|gcv [--repeats R]")
}
let lambdaOption = option("--lambda") ?? "gcv"
let parseStart = now()
let (header, dataColumns) = readCSV(dataPath)
let (_, atColumns) = readCSV(atPath)
let knots = dataColumns[0]
let n = knots.count
let columnCount = dataColumns.count - 1
var storage = [Double]()
storage.reserveCapacity(n * columnCount)
for c in 1..<dataColumns.count { storage += dataColumns[c] }
let data = Matrix(rows: n, columns: columnCount, columnMajor: storage)
let points = atColumns[0]
let parseSeconds = now() - parseStart

// --curve LO:HI:STEP prints log10 λ, GCV score, degrees of freedom and, for data generated as
// sin(2πt) + noise (scripts/compare_spline_speed.py), the mean squared error of the fit at the
// knots against sin(2πt): the "oracle" criterion that GCV tries to approximate.
if let curve = option("--curve") {
  let parts = curve.split(separator: ":").compactMap { Double($0) }
  guard parts.count == 3 else { fail("--curve LO:HI:STEP") }
  print("log10_lambda,gcv,df,mse_vs_truth")
  var u = parts[0]
  while u <= parts[1] + 1e-9 {
    let lambda = pow(10, u)
    do {
      let (score, df) = try SplineSmoother.gcvScore(knots: knots, data: data, lambda: lambda)
      let fitted = try SplineSmoother(knots: knots, lambda: lambda).fit(data).values
      var mse = 0.0
      for c in 0..<columnCount {
        for i in 0..<n {
          let e = fitted[i, c] - sin(2 * Double.pi * knots[i])
          mse += e * e
        }
      }
      print("\(u),\(score),\(df),\(mse / Double(n * columnCount))")
    } catch {
      print("\(u),nan,nan,nan  # \(error)")
    }
    u += parts[2]
  }
  exit(0)
}

var times = [Double]()
var result = Matrix(rows: 0, columns: 0)
var lambda = Double.nan
var evaluations = 0
// --phases: the minimum of each phase (smoother, fit, evaluate) on stderr.
var phases = [(Double, Double, Double)]()
do {
  for _ in 0..<repeats {
    let start = now()
    let smoother: SplineSmoother
    if lambdaOption == "gcv" {
      let (s, gcv) = try SplineSmoother.byGCV(knots: knots, data: data)
      smoother = s
      evaluations = gcv.evaluations
    } else {
      guard let value = Double(lambdaOption) else { fail("bad --lambda \(lambdaOption)") }
      smoother = try SplineSmoother(knots: knots, lambda: value)
    }
    let built = now()
    let fitted = try smoother.fit(data)
    let fitDone = now()
    result = fitted.evaluate(at: points)
    times.append(now() - start)
    phases.append((built - start, fitDone - built, now() - fitDone))
    lambda = smoother.lambda
  }
} catch {
  fail("\(error)")
}
let firstCall = times.first ?? .nan
if arguments.contains("--phases") {
  let each = times.map { String(format: "%.5f", $0) }.joined(separator: " ")
  FileHandle.standardError.write(Data("each call (s): \(each)\n".utf8))
}
times.sort()
if arguments.contains("--phases") {
  let best = phases.reduce((Double.infinity, Double.infinity, Double.infinity)) {
    (min($0.0, $1.0), min($0.1, $1.1), min($0.2, $1.2))
  }
  FileHandle.standardError.write(
    Data("phases (min, s): smoother \(best.0) fit \(best.1) evaluate \(best.2)\n".utf8))
}
print(
  "\(parseSeconds),\(times[0]),\(times[times.count / 2]),\(lambda),\(evaluations),\(firstCall)")
if let outputPath = option("--output") {
  var text = "x," + header.dropFirst().joined(separator: ",") + "\n"
  text.reserveCapacity(points.count * (columnCount + 1) * 24)
  for q in 0..<points.count {
    text += "\(points[q])"
    for c in 0..<columnCount { text += ",\(result[q, c])" }
    text += "\n"
  }
  do { try text.write(toFile: outputPath, atomically: true, encoding: .utf8) } catch {
    fail("cannot write \(outputPath): \(error)")
  }
}
