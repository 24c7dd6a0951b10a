extension SchemeKind {
  /// The exact linear codes (``PolarCode``, ``MDSCode``) from a request; they refuse any f that
  /// is not linear (``Workload/polynomialDegree`` must be 1).
  ///
  /// Polar options (``SchemeRequest/options``): `construction` (`bec:EPS`, `deadline:T`, `mean`;
  /// default `bec:0.5`), `kernel` (`arikan`, `hadamard`), `latency` (a law, for `deadline` and
  /// `mean`). MDS: `seed` of the generator (default 0).
  func _makeLinear(_ request: SchemeRequest) throws(CodingError) -> any CodingScheme {
    guard request.functionDegree == 1 else {
      let degree =
        request.functionDegree.map { "a polynomial of degree \($0)" } ?? "not a polynomial"
      throw .invalidParameter(
        "\(rawValue) codes linear work exactly and needs a linear f (polynomial degree 1); the function is \(degree)"
      )
    }
    let (k, n) = (request.inputCount, request.workerCount)
    if self == .mds {
      let seed = try request.options["seed"].map { (text: String) throws(CodingError) -> UInt64 in
        guard let seed = UInt64(text) else {
          throw .invalidParameter("mds seed '\(text)' is not an integer")
        }
        return seed
      }
      return try MDSCode(dataBlocks: k, workers: n, seed: seed ?? 0)
    }
    let construction = try PolarConstruction(parsing: request.options["construction"] ?? "bec:0.5")
    let kernelName = request.options["kernel"] ?? "arikan"
    guard let kernel = PolarCode.Kernel(rawValue: kernelName) else {
      throw .invalidParameter("unknown polar kernel '\(kernelName)' (known: arikan, hadamard)")
    }
    var latency: LatencyModel?
    if let text = request.options["latency"] {
      do { latency = try LatencyModel(parsing: text) } catch {
        throw .invalidParameter(error.description)
      }
    }
    return try PolarCode(
      dataBlocks: k, workers: n, construction: construction, latency: latency, kernel: kernel)
  }
}

extension SchemeFactory {
  /// Polar codes (``PolarCode``); linear f only.
  public static var polar: SchemeFactory { SchemeKind.polar.factory }
  /// The systematic real MDS code (``MDSCode``); linear f only.
  public static var mds: SchemeFactory { SchemeKind.mds.factory }
}
