import CodedComputing
import Foundation

// Accuracy of real-valued LT peeling vs m (issue 15): notebooks-data/lt-accuracy.csv.
//
//   swift run -c release lt-accuracy [--decades D] M...     # e.g. 1000 10000 100000 1000000
//
// Sources: x uniform in ±10 (D = 0), or ±10^u with u uniform in (−D, D) (a dynamic range of
// 2D decades). Symbols: RS(m, 0.03, 0.5) from SplitMix64(seed: 1), decoded one at a time until
// complete, with symbol values given (a) as plain double sums (left to right) and (b) as
// double-double sums (TwoSum accumulation, the way LTSumProducer sums). Columns: the worst
// absolute and relative error of a recovered source, and the relative error of the decoded sum
// against a double-double sum of the sources (this file's own TwoSum, not the library's).

func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
  let s = a + b
  let bb = s - a
  return (s, (a - (s - bb)) + (b - bb))
}

func add(_ hi: inout Double, _ lo: inout Double, _ x: Double) {
  let (s, e) = twoSum(hi, x)
  (hi, lo) = twoSum(s, lo + e)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var decades = 0.0
if let i = arguments.firstIndex(of: "--decades"), i + 1 < arguments.count {
  decades = Double(arguments[i + 1]) ?? 0
  arguments.removeSubrange(i...(i + 1))
}
print("sources,data,symbol_values,worst_abs_error,worst_relative_error,sum_relative_error,symbols")
for m in arguments.compactMap({ Int($0) }) {
  var g = SplitMix64(seed: UInt64(m))
  let x = (0..<m).map { _ -> Double in
    if decades == 0 { return Double.random(in: -10..<10, using: &g) }
    let sign: Double = Bool.random(using: &g) ? 1 : -1
    return sign * pow(10, Double.random(in: -decades..<decades, using: &g))
  }
  var referenceHi = 0.0
  var referenceLo = 0.0
  for v in x { add(&referenceHi, &referenceLo, v) }
  let data = decades == 0 ? "uniform(-10:10)" : "10^uniform(-\(decades):\(decades))"
  for doubleDouble in [false, true] {
    var generator = SplitMix64(seed: 1)
    var symbols = try LTCode(functionCount: m).makeSymbolGenerator()
    var decoder = LTPeelingDecoder(sourceCount: m, valueWidth: 1)
    while !decoder.isComplete {
      let symbol = symbols.next(using: &generator)
      var hi = 0.0
      var lo = 0.0
      for s in symbol {
        if doubleDouble { add(&hi, &lo, x[Int(s)]) } else { hi += x[Int(s)] }
      }
      try decoder.consume(sources: symbol, values: [hi], lowParts: [lo])
    }
    var worst = 0.0
    var worstRelative = 0.0
    for s in 0..<m {
      let error = abs((decoder.value(ofSource: s)?.first ?? .nan) - x[s])
      worst = max(worst, error)
      worstRelative = max(worstRelative, error / abs(x[s]))
    }
    let sum = decoder.sum?.first ?? .nan
    let kind = doubleDouble ? "double-double" : "double"
    print(
      "\(m),\(data),\(kind),\(worst),\(worstRelative),\(abs(sum - referenceHi) / abs(referenceHi)),"
        + "\(decoder.symbolsConsumed)")
  }
}
