import Foundation

/// Adam's moment estimates (Kingma & Ba 2015; β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸) for one parameter
/// vector, stepped in place. The arithmetic is the same, operation for operation, wherever a
/// network is trained, so seeded runs are bit-for-bit reproducible.
struct _AdamState {
  var firstMoment: [Double]
  var secondMoment: [Double]
  var step = 0

  init(parameterCount: Int) {
    firstMoment = [Double](repeating: 0, count: parameterCount)
    secondMoment = [Double](repeating: 0, count: parameterCount)
  }

  /// θ ← θ − η·m̂/(√v̂ + ε) after updating the moments with `gradient`.
  mutating func update(_ parameters: inout [Double], gradient: [Double], learningRate: Double) {
    precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count)
    step += 1
    let (beta1, beta2, epsilon) = (0.9, 0.999, 1e-8)
    let correction1 = 1 - Foundation.pow(beta1, Double(step))
    let correction2 = 1 - Foundation.pow(beta2, Double(step))
    for i in parameters.indices {
      firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * gradient[i]
      secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * gradient[i] * gradient[i]
      let mHat = firstMoment[i] / correction1
      let vHat = secondMoment[i] / correction2
      parameters[i] -= learningRate * mHat / (vHat.squareRoot() + epsilon)
    }
  }
}
