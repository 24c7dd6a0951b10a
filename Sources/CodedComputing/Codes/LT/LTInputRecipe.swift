/// How the data points of an LT sum were generated — m × d points uniform in a range from a
/// seed, by ``uniformInputs(count:dimension:range:seed:)`` — so that a worker process can
/// regenerate them: the `lt-symbols` descriptor of an ``LTSumProducer`` with a recipe carries
/// these few numbers and a checksum of the points instead of all m·d of them.
///
/// ```swift
/// let recipe = LTInputRecipe(rows: 1000, columns: 2, range: -1...1, seed: 7)
/// let x = recipe.make()                 // == uniformInputs(count: 1000, dimension: 2, …)
/// recipe.matches(x)                     // true
/// ```
public struct LTInputRecipe: Sendable, Hashable {
  /// m, the number of data points.
  public var rows: Int
  /// d, the dimension of each point.
  public var columns: Int
  /// The range the coordinates are drawn from.
  public var range: ClosedRange<Double>
  /// The seed of ``uniformInputs(count:dimension:range:seed:)``.
  public var seed: UInt64

  public init(rows: Int, columns: Int, range: ClosedRange<Double>, seed: UInt64) {
    self.rows = rows
    self.columns = columns
    self.range = range
    self.seed = seed
  }

  /// The data points.
  ///
  /// - Complexity: O(m·d).
  public func make() -> Matrix {
    uniformInputs(count: rows, dimension: columns, range: range, seed: seed)
  }

  /// Whether `inputs` are this recipe's points (shape and checksum).
  public func matches(_ inputs: Matrix) -> Bool {
    inputs.rows == rows && inputs.columns == columns
      && Self.checksum(inputs.storage) == Self.checksum(make().storage)
  }

  /// FNV-1a (64-bit) over the bit patterns of `values`: what a rebuilt producer compares to make
  /// sure it regenerated the same points as the master.
  public static func checksum(_ values: [Double]) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for value in values {
      var bits = value.bitPattern
      for _ in 0..<8 {
        hash = (hash ^ (bits & 0xFF)) &* 0x0000_0100_0000_01B3
        bits >>= 8
      }
    }
    return hash
  }
}
