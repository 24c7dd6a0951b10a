/// A Luby-transform (LT) code over m functions for a sum Σⱼ fⱼ(x) or a product A·x
/// (Luby 2002; Mallick, Smith & Joshi, SIGMETRICS 2020 and ISTC 2021).
///
/// The m functions (or rows of A) are cut into m′ = ⌈m/r⌉ consecutive *groups* of r (the last
/// may be shorter); group g is the source x_g = Σ_{j ∈ group g} fⱼ. r = 1 is plain LT ("LT-1"),
/// r > 1 is "LT-r". An encoded *symbol* is the sum of d distinct sources, d drawn from the
/// Robust Soliton RS(m′, c, δ) (``RobustSoliton``) and the d sources uniformly among the m′
/// without replacement. Computing a symbol costs d·r function evaluations (fewer when it holds
/// the short last group): ``cost(of:)``.
///
/// Symbols are drawn by ``LTSymbolGenerator``; they are decoded in arrival order by
/// ``LTPeelingDecoder``. ``encodeRows(of:symbols:)`` builds the coded rows of the matrix–vector
/// variant (a symbol's row is the sum of its sources' rows of A, so a worker's inner product with
/// x is the symbol's value).
///
/// ```swift
/// let code = try LTCode(functionCount: 1000)            // r = 1, c = 0.03, δ = 0.5
/// var symbols = code.makeSymbolGenerator()
/// var generator = SplitMix64(seed: 1)
/// let symbol = symbols.next(using: &generator)         // distinct group indices
/// ```
public struct LTCode: Sendable, Hashable {
  /// m, the number of functions (or rows of A).
  public let functionCount: Int
  /// r, the number of consecutive functions per source.
  public let groupSize: Int
  /// The degree distribution over the m′ sources.
  public let distribution: RobustSoliton

  /// m′ = ⌈m/r⌉, the number of sources the code sees.
  public var sourceCount: Int { distribution.sourceCount }

  /// - Parameters:
  ///   - functionCount: m ≥ 1.
  ///   - groupSize: r ≥ 1 (r > m is taken as r = m: one source).
  ///   - c: Robust Soliton c > 0; default 0.03.
  ///   - delta: Robust Soliton δ in (0, 1); default 0.5.
  /// - Throws: ``LTError/invalidParameter(name:value:requirement:)`` naming a bad value.
  /// - Complexity: O(m/r) (the alias table).
  public init(functionCount: Int, groupSize: Int = 1, c: Double = 0.03, delta: Double = 0.5)
    throws(LTError)
  {
    guard functionCount >= 1 else {
      throw .invalidParameter(
        name: "number of sources m", value: "\(functionCount)", requirement: "at least 1")
    }
    guard groupSize >= 1 else {
      throw .invalidParameter(
        name: "group size r", value: "\(groupSize)", requirement: "at least 1")
    }
    let r = Swift.min(groupSize, functionCount)
    self.functionCount = functionCount
    self.groupSize = r
    distribution = try RobustSoliton(
      sourceCount: (functionCount + r - 1) / r, c: c, delta: delta)
  }

  /// The functions of source g: `g·r ..< min((g+1)·r, m)`.
  public func functions(ofSource source: Int) -> Range<Int> {
    precondition(
      source >= 0 && source < sourceCount, "source \(source) is not in 0..<\(sourceCount)")
    return (source * groupSize)..<Swift.min((source + 1) * groupSize, functionCount)
  }

  /// The number of function evaluations a symbol costs: Σ over its sources of the group sizes.
  ///
  /// - Complexity: O(degree).
  public func cost(of symbol: some Collection<Int32>) -> Int {
    var total = 0
    let last = Int32(sourceCount - 1)
    let lastSize = functionCount - (sourceCount - 1) * groupSize
    for source in symbol { total += source == last ? lastSize : groupSize }
    return total
  }

  /// A symbol generator with its own scratch space (O(m′) memory).
  public func makeSymbolGenerator() -> LTSymbolGenerator {
    LTSymbolGenerator(distribution: distribution)
  }

  /// The coded rows of the matrix–vector variant: row k is the sum of the rows of A in the
  /// groups of symbol k (Mallick, Smith & Joshi 2020).
  ///
  /// - Parameters:
  ///   - matrix: A, m × n (m = ``functionCount``).
  ///   - symbols: the symbols, as drawn by ``LTSymbolGenerator``.
  /// - Returns: M × n, one coded row per symbol; worker inner products with x are the symbols'
  ///   values, which ``LTPeelingDecoder`` decodes to A·x (width 1).
  /// - Throws: ``LTError/shapeMismatch(expected:actual:)`` when A does not have m rows;
  ///   ``LTError/invalidSymbol(_:)`` when a symbol names a source outside 0..<m′.
  /// - Complexity: O(Σ cost(symbol) · n).
  public func encodeRows(of matrix: Matrix, symbols: LTSymbolBatch) throws(LTError) -> Matrix {
    guard matrix.rows == functionCount else {
      throw .shapeMismatch(expected: functionCount, actual: matrix.rows)
    }
    var coded = Matrix(rows: symbols.count, columns: matrix.columns)
    for k in 0..<symbols.count {
      for source in symbols[k] {
        guard source >= 0, Int(source) < sourceCount else {
          throw .invalidSymbol("source \(source) is not in 0..<\(sourceCount)")
        }
        for i in functions(ofSource: Int(source)) {
          for column in 0..<matrix.columns { coded[k, column] += matrix[i, column] }
        }
      }
    }
    return coded
  }
}
