import CodedComputing
import Foundation
import Testing

/// The vectorised tanh and sigmoid of `Activation.forward` against glibc (`Activation.apply`).
@Suite("Vectorised activations")
struct ActivationKernelTests {
  /// |got − want| in units of the last place of want.
  static func ulps(_ got: Double, _ want: Double) -> Double {
    if got == want { return 0 }
    return abs(got - want) / want.magnitude.ulp
  }

  /// Values spread over [−limit, limit] plus tiny and subnormal magnitudes, both signs.
  static func sweep(limit: Double, count: Int) -> [Double] {
    var values: [Double] = []
    for i in 0..<count {
      let t = Double(i) / Double(count - 1)
      values.append(-limit + 2 * limit * t)
      values.append((i % 2 == 0 ? 1 : -1) * Foundation.pow(10, -320 + 320 * t))
    }
    return values
  }

  func forward(_ activation: Activation, _ values: [Double]) -> [Double] {
    activation.forward(Matrix(rows: values.count, columns: 1, columnMajor: values)).storage
  }

  @Test("tanh is within 2 ulp of glibc over [−40, 40] and down to subnormals (measured: 2.0)")
  func tanhWithinTwoUlps() {
    let values = Self.sweep(limit: 40, count: 200_001)
    let got = forward(.tanh, values)
    let worst = zip(got, values).map { Self.ulps($0, Foundation.tanh($1)) }.max() ?? .nan
    #expect(worst <= 2, "worst \(worst) ulp")
  }

  @Test("sigmoid is within 4 ulp of glibc over [−708, 760] (measured: 4.0, near x = −36.8)")
  func sigmoidWithinFourUlps() {
    let values = Self.sweep(limit: 760, count: 200_001).filter { $0 >= -708 }
    let got = forward(.sigmoid, values)
    let worst = zip(got, values).map { Self.ulps($0, Activation.sigmoid.apply($1)) }.max() ?? .nan
    #expect(worst <= 4, "worst \(worst) ulp")
  }

  @Test("special values: signed zeros, infinities, NaN, the branch point 0.625 and saturation")
  func specialValues() {
    let values: [Double] = [
      0, -0.0, .infinity, -.infinity, .nan, 5e-324, 0.625, 0.625.nextDown, 22, -23, 710,
    ]
    let t = forward(.tanh, values)
    #expect(t[0] == 0 && t[0].sign == .plus)
    #expect(t[1] == 0 && t[1].sign == .minus)
    #expect(t[2] == 1 && t[3] == -1)
    #expect(t[4].isNaN)
    #expect(t[5] == 5e-324)
    for i in 6..<values.count { #expect(Self.ulps(t[i], Foundation.tanh(values[i])) <= 2) }
    let s = forward(.sigmoid, values)
    #expect(s[0] == 0.5 && s[1] == 0.5 && s[2] == 1 && s[3] == 0 && s[4].isNaN)
    #expect(forward(.sigmoid, [-800, -708.5, 40, 800]) == [0, 0, 1, 1])
  }

  @Test("forward of every odd length (the kernels' vector tails) matches the scalar form")
  func tails() {
    for count in 1...19 {
      let values = (0..<count).map { Double($0) * 0.37 - 3 }
      for activation in [Activation.tanh, .sigmoid] {
        let got = forward(activation, values)
        for (y, x) in zip(got, values) { #expect(Self.ulps(y, activation.apply(x)) <= 4) }
      }
    }
  }
}
