/// Everything a scheme may need to be built for one experiment point: sizes, layout, and the
/// parameters some families read (the others ignore them).
public struct SchemeRequest: Sendable {
  /// K, the number of inputs.
  public var inputCount: Int
  /// N, the number of workers.
  public var workerCount: Int
  public var layout: NodeLayout
  /// LeTCC's encoder and decoder smoothing choices.
  public var encoderLambda: SmoothingChoice
  public var decoderLambda: SmoothingChoice
  /// σ, the workers' noise level (LeTCC's `optimal` λ schedule reads it).
  public var noiseLevel: Double
  /// S, the stragglers the code is planned for.
  public var plannedStragglers: Int
  /// D when f is a polynomial of degree D (``Workload/polynomialDegree``): LCC's threshold;
  /// exact linear codes need D = 1.
  public var functionDegree: Int?
  /// Family-specific settings by name (e.g. a polar construction), as text.
  public var options: [String: String]

  public init(
    inputCount: Int, workerCount: Int, layout: NodeLayout = .chebyshev,
    encoderLambda: SmoothingChoice = .fixed(0), decoderLambda: SmoothingChoice = .optimal,
    noiseLevel: Double = 0, plannedStragglers: Int = 0, functionDegree: Int? = nil,
    options: [String: String] = [:]
  ) {
    self.inputCount = inputCount
    self.workerCount = workerCount
    self.layout = layout
    self.encoderLambda = encoderLambda
    self.decoderLambda = decoderLambda
    self.noiseLevel = noiseLevel
    self.plannedStragglers = plannedStragglers
    self.functionDegree = functionDegree
    self.options = options
  }
}

/// Builds a coding scheme for a request: what experiment and inference setups carry, so that any
/// code — the library's or a user's — runs through the same harness.
///
/// ```swift
/// let copies = SchemeFactory(name: "copies") { request throws(CodingError) in
///   try ReplicationCode(inputCount: request.inputCount, workerCount: request.workerCount)
/// }
/// let result = try await runExperiment(ExperimentSetup(scheme: copies, workload: f, inputs: x,
///                                                      workers: 8, stragglers: 2, stragglerModel: .random))
/// ```
public struct SchemeFactory: Sendable, CustomStringConvertible {
  /// The scheme's name in CSV output.
  public var name: String
  let _make: @Sendable (SchemeRequest) throws(CodingError) -> any CodingScheme

  public init(
    name: String,
    _ make: @escaping @Sendable (SchemeRequest) throws(CodingError) -> any CodingScheme
  ) {
    self.name = name
    _make = make
  }

  /// The scheme for `request`.
  /// - Throws: ``CodingError`` for sizes or parameters the scheme cannot take.
  public func make(_ request: SchemeRequest) throws(CodingError) -> any CodingScheme {
    try _make(request)
  }

  public var description: String { name }
}

extension SchemeFactory {
  /// LeTCC (``SplineCode``).
  public static var letcc: SchemeFactory { SchemeKind.letcc.factory }
  /// BACC (``BerrutCode``).
  public static var bacc: SchemeFactory { SchemeKind.bacc.factory }
  /// LCC (``LagrangeCode``), with the request's polynomial degree.
  public static var lcc: SchemeFactory { SchemeKind.lcc.factory }
  /// Uncoded (N = K).
  public static var uncoded: SchemeFactory { SchemeKind.uncoded.factory }
  /// Replication (``ReplicationCode``).
  public static var replication: SchemeFactory { SchemeKind.replication.factory }
}
