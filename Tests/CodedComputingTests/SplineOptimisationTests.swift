import Foundation
import Testing

@testable import CodedComputing

@Suite("Route choice on non-uniform knots")
struct SplineRouteTests {
  /// 900 Chebyshev (2nd kind, N = 1000) knots, the first 100 dropped (a straggler window), data
  /// t·sin 4t + 0.01·N(0, 1) from SplitMix64 seed 5. Reference: the same penalised problem solved
  /// in 40-digit arithmetic (mpmath 1.3.0: banded Cholesky of R + λM, then g = y − λQγ), fitted
  /// values at knots 0, 1, 2, 450, 897, 898, 899.
  static let reference: [Double: [Double]] = [
    1e-8: [-0.5852032262740443, -0.5845556880172972, -0.5836953537771716, 0.09839359034924683,
           -0.7582918651501923, -0.7583359266544893, -0.758350614427235],
    1e-6: [-0.589321980918222, -0.5855507607770233, -0.5817371533445275, 0.09337619620657146,
           -0.7581370817487957, -0.7581932531699126, -0.7582119770443176],
    1e-4: [-0.5881311577221421, -0.584472352611552, -0.5807783315707097, 0.09278792790225805,
           -0.7578967215734652, -0.7579480661597231, -0.7579651810782853],
  ]

  @Test("Chebyshev knots fit to 1e-12 of a 40-digit solution", arguments: [1e-8, 1e-6, 1e-4])
  func chebyshevAccuracy(lambda: Double) throws {
    let knots = Array(NodeFamily.chebyshevSecondKind.nodes(count: 1000)[100...])
    var generator = SplitMix64(seed: 5)
    let y = knots.map { $0 * sin(4 * $0) + 0.01 * standardNormal(using: &generator) }
    let spline = try SmoothingSpline(knots: knots, data: y, lambda: lambda)
    let expected = try #require(Self.reference[lambda])
    for (i, index) in [0, 1, 2, 450, 897, 898, 899].enumerated() {
      #expect(abs(spline.values[index, 0] - expected[i]) <= 1e-12)
    }
    // These decoders are cheap again: the bulk spacing (not the 1/N² end spacing) sets the route.
    #expect(!(try SplineSmoother(knots: knots, lambda: lambda))._usesQR)
  }
}
