/// The Carlini–Wagner style objective of an untargeted black-box attack on a classifier, seen
/// only through its outputs (Carlini & Wagner 2017; the zeroth-order form of Chen et al. 2017):
///
///     F(x) = ‖x − x₀‖² + c·max(0, Z_y(x) − max_{j≠y} Z_j(x) + κ),
///
/// where Z are the classifier's logits and y the true label of x₀. F is zero-order: every value
/// is one query of the model. The attack succeeds once the margin Z_y − max_{j≠y} Z_j is
/// negative (another class wins).
///
/// ```swift
/// let objective = AttackObjective(classifier: network, original: image, label: 3, constant: 2,
///                                 confidence: 0.1)
/// let value = try objective.evaluate(x)[0]
/// ```
public struct AttackObjective: Workload {
  /// The model, any workload ℝᵈ → ℝ^classes (logits or scores).
  public let classifier: any Workload
  /// x₀.
  public let original: [Double]
  /// y, the class x₀ belongs to.
  public let label: Int
  /// c > 0, the weight of the hinge.
  public let constant: Double
  /// κ ≥ 0, the margin the attack asks for.
  public let confidence: Double

  public init(
    classifier: any Workload, original: [Double], label: Int, constant: Double, confidence: Double
  ) {
    self.classifier = classifier
    self.original = original
    self.label = label
    self.constant = constant
    self.confidence = confidence
  }

  public var name: String { "cw-objective(\(classifier.name))" }
  public func outputDimension(inputDimension d: Int) throws -> Int {
    guard d == original.count else {
      throw WorkloadError.wrongInputDimension(expected: original.count, actual: d)
    }
    return 1
  }

  /// Z_y − max_{j≠y} Z_j for the classifier's output z.
  public func margin(_ logits: [Double]) -> Double {
    var best = -Double.infinity
    for (j, z) in logits.enumerated() where j != label { best = Swift.max(best, z) }
    return logits[label] - best
  }

  public func evaluate(_ x: [Double]) throws -> [Double] {
    let logits = try classifier.evaluate(x)
    var distance = 0.0
    for i in x.indices { distance += (x[i] - original[i]) * (x[i] - original[i]) }
    return [distance + constant * Swift.max(0, margin(logits) + confidence)]
  }
}
