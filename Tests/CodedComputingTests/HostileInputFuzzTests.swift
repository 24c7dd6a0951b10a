import Foundation
import Testing

@testable import CodedComputing

/// A seeded property-based fuzz harness over the CSV reader and the spline entry points
/// (issue 11, §6). Each test draws cases from SplitMix64 until its case count or its time budget
/// (2 s) runs out, so CI time stays bounded; a failure names the seed and case to replay.
///
/// Properties: the reader either returns a table of finite numbers whose shape matches its header,
/// which formats and reads back to the same table, or throws a ``CSVError`` — never crashes or
/// hangs; a spline either throws an ``ApproximationError`` or gives finite values at its knots,
/// interpolates at λ = 0, and is unchanged (to the bit) when its knots are scaled by a power of two
/// and λ by the cube of it.
@Suite("Fuzz: CSV reader and spline entry points")
struct HostileInputFuzzTests {
  static let budget: Duration = .seconds(2)

  /// Calls `body(case number, generator)` for cases 1, 2, … until `limit` cases or ``budget``;
  /// returns how many ran. The generator is SplitMix64(seed), so a case replays from its seed.
  static func fuzz(
    seed: UInt64, limit: Int, _ body: (Int, inout SplitMix64) throws -> Void
  ) rethrows -> Int {
    var generator = SplitMix64(seed: seed)
    let clock = ContinuousClock()
    let start = clock.now
    var cases = 0
    while cases < limit && clock.now - start < budget {
      cases += 1
      try body(cases, &generator)
    }
    return cases
  }

  /// Pieces a hostile CSV is assembled from.
  static let tokens = [
    "1", "-2.5", "1e308", "-1e308", "1e309", "5e-324", "nan", "inf", "-inf", "0x1p3", "", " ", "\t",
    "\"q\"", ",", ",,", "\n", "\r\n", "\r", "\u{0}", "\u{FEFF}", "é", "1,2", "+3", "1e", ".", "-",
    "00012", "1_000", "١", String(repeating: "9", count: 400), "\u{1B}[31m",
  ]

  @Test("The CSV reader returns a consistent table or throws CSVError", arguments: [1, 2, 3])
  func csvReader(seed: UInt64) throws {
    let cases = Self.fuzz(seed: seed, limit: 3000) { number, generator in
      var text = ["t,y", "a", "x,y,z", "\"n\",m", ""].randomElement(using: &generator)!
      for _ in 0..<Int.random(in: 0..<30, using: &generator) {
        text += Self.tokens.randomElement(using: &generator)!
      }
      if Bool.random(using: &generator) {
        // Mostly well-formed rows with one damaged cell.
        text = "t,y\n" + (0..<5).map { "\($0),\(Double($0) * 0.5)" }.joined(separator: "\n")
        let insert = Self.tokens.randomElement(using: &generator)!
        let index = text.index(text.startIndex, offsetBy: Int.random(in: 0...text.count, using: &generator))
        text.insert(contentsOf: insert, at: index)
      }
      do {
        let table = try CSVTable.parse(text, source: "fuzz")
        #expect(table.values.columns == table.header.count, "seed \(seed) case \(number): \(text.debugDescription)")
        #expect(table.values.rows >= 1)
        let finite = table.values.storage.allSatisfy { $0.isFinite }
        #expect(finite, "seed \(seed) case \(number)")
        let again = try CSVTable.parse(table.formatted(), source: "again")
        #expect(again == table, "seed \(seed) case \(number): \(text.debugDescription)")
      } catch {
        // A CSVError with a one-line message that names the source.
        #expect(error is CSVError, "seed \(seed) case \(number): \(error)")
        #expect(!"\(error)".contains("\n"), "seed \(seed) case \(number): \(error)")
      }
    }
    #expect(cases >= 100)
  }

  /// A random finite double with a random binary exponent in ±`range`.
  static func anyScale(_ range: Int, using generator: inout SplitMix64) -> Double {
    Double(
      sign: .plus, exponent: Int.random(in: -range...range, using: &generator),
      significand: Double.random(in: 1..<2, using: &generator))
  }

  @Test("Splines: throw or give finite, interpolating, scale-equivariant fits", arguments: [7, 8, 9])
  func splines(seed: UInt64) throws {
    var fitted = 0
    let cases = Self.fuzz(seed: seed, limit: 2000) { number, generator in
      let n = Int.random(in: 2...12, using: &generator)
      // Spacings within a factor 10³ of each other, at a global scale anywhere in 2^±1000.
      let unit = Self.anyScale(1000, using: &generator)
      var knots = [Double.random(in: -1...1, using: &generator) * unit]
      for _ in 1..<n { knots.append(knots.last! + unit * Double.random(in: 0.001...1, using: &generator)) }
      let dataScale = Self.anyScale(1000, using: &generator)
      let data = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) * dataScale }
      let weights: [Double]? =
        Bool.random(using: &generator)
        ? nil : (0..<n).map { _ in Self.anyScale(40, using: &generator) * Self.anyScale(1, using: &generator) }
      let lambdaKind = Int.random(in: 0..<4, using: &generator)
      let lambda = [0, Self.anyScale(1000, using: &generator), .greatestFiniteMagnitude, 1e-3][lambdaKind]
      let label = "seed \(seed) case \(number): n \(n), unit \(unit), data \(dataScale), λ \(lambda)"
      do {
        let spline = try SmoothingSpline(knots: knots, data: data, weights: weights, lambda: lambda)
        fitted += 1
        let atKnots = spline.evaluate(at: knots).column(0)
        let finite = atKnots.allSatisfy { $0.isFinite }
        #expect(finite, "\(label)")
        if lambda == 0 {
          for (value, target) in zip(atKnots, data) {
            #expect(abs(value - target) <= 1e-6 * dataScale, "\(label)")
          }
        }
        // Knots ×2^k, λ ×2^3k: the same fit, bit for bit, when nothing leaves the Double range.
        let k = Int.random(in: -20...20, using: &generator) * 10
        let scaledLambda = Double(sign: .plus, exponent: 3 * k, significand: lambda)
        let scaledKnots = knots.map { Double(sign: .plus, exponent: k, significand: $0) }
        if lambda == 0 || scaledLambda.isNormal,
          scaledKnots.allSatisfy({ $0.isFinite && ($0 == 0 || $0.isNormal) }),
          knots.allSatisfy({ $0 == 0 || $0.isNormal })
        {
          let other = try SmoothingSpline(
            knots: scaledKnots, data: data, weights: weights, lambda: scaledLambda)
          #expect(other.values == spline.values, "\(label), k \(k), knots \(knots), weights \(String(describing: weights)), gap \(relativeGap(other.values, spline.values))")
        }
      } catch {
        // An ApproximationError: a message, not a crash.
        #expect(error is ApproximationError, "\(label): \(error)")
      }
    }
    #expect(fitted >= 50, "only \(fitted) of \(cases) cases fitted")
  }

  @Test("GCV ends and either chooses a finite λ > 0 or throws", arguments: [21, 22])
  func gcv(seed: UInt64) throws {
    var chosen = 0
    let cases = Self.fuzz(seed: seed, limit: 300) { number, generator in
      let n = Int.random(in: 3...30, using: &generator)
      let unit = Self.anyScale(1020, using: &generator)
      var knots = [0.0]
      for _ in 1..<n { knots.append(knots.last! + unit * Double.random(in: 0.01...1, using: &generator)) }
      guard knots.allSatisfy(\.isFinite) else { return }
      let dataScale = Self.anyScale(1020, using: &generator)
      let data = (0..<n).map { _ in Double.random(in: -1...1, using: &generator) * dataScale }
      do {
        let (_, result) = try SplineSmoother.byGCV(knots: knots, data: Matrix(column: data))
        #expect(result.lambda.isFinite && result.lambda >= 0, "seed \(seed) case \(number)")
        #expect(result.evaluations < 200)
        chosen += 1
      } catch {
        #expect(error is ApproximationError, "seed \(seed) case \(number): \(error)")
      }
    }
    // Knots at 2^±1020: λ fits a Double for roughly the middle third of the scales.
    #expect(chosen * 10 >= cases, "GCV chose λ in only \(chosen) of \(cases) cases")
  }
}
