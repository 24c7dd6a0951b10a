/// How k queries are combined into the one parity query P of a parity-model code
/// (Kosaian, Rashmi & Venkataraman, SOSP 2019, §3.2 and §4.3).
///
/// - `sum`: P = Σᵢ Xᵢ, feature by feature. Any k, any input shape.
/// - `concat`: each of the k images is downsampled by averaging and the k small images are tiled
///   into one image of the original size. k = 4: each image is averaged over 2 × 2 blocks
///   (C × H/2 × W/2) and the four are tiled row-major (top-left, top-right, bottom-left,
///   bottom-right). k = 2 (our choice for 8 × 8 digits): only the width is halved — each image is
///   averaged over horizontal pairs of pixels (C × H × W/2) and the two are placed side by side
///   (left, right). k = 3 cannot be tiled and is refused.
///
/// ```swift
/// let p = try ParityEncoder.concat.encode(images, shape: FeatureShape(channels: 1, height: 8, width: 8))
/// ```
public enum ParityEncoder: String, Sendable, CaseIterable, CustomStringConvertible {
  case sum
  case concat

  public var description: String { rawValue }

  /// Checks that this encoder can combine k queries of the given shape.
  /// - Throws: ``ParityModelError/unsupportedQueryCount(_:)`` when k is outside {2, 3, 4} or the
  ///   encoder cannot tile k images of `shape`.
  public func validate(queryCount k: Int, shape: FeatureShape) throws(ParityModelError) {
    guard (2...4).contains(k) else {
      throw .unsupportedQueryCount("k must be 2, 3 or 4 (r = 1 parity models), got \(k)")
    }
    guard self == .concat else { return }
    switch k {
    case 2:
      guard shape.width % 2 == 0, shape.width >= 2 else {
        throw .unsupportedQueryCount(
          "the concat encoder tiles k = 2 images side by side and needs an even image width, got \(shape)"
        )
      }
    case 4:
      guard shape.width % 2 == 0, shape.height % 2 == 0, shape.width >= 2, shape.height >= 2 else {
        throw .unsupportedQueryCount(
          "the concat encoder tiles k = 4 images 2 × 2 and needs even height and width, got \(shape)"
        )
      }
    default:
      throw .unsupportedQueryCount(
        "the concat encoder cannot tile k = \(k) images into one (use k = 2 or 4, or --encoder sum)"
      )
    }
  }

  /// The parity query of k queries (k × d, one per row, in the layout of `shape`): 1 × d.
  /// - Throws: as ``validate(queryCount:shape:)``, or ``ParityModelError/invalidInput(_:)`` when the
  ///   rows do not have `shape.count` features.
  /// - Complexity: O(k · d).
  public func encode(_ queries: Matrix, shape: FeatureShape) throws(ParityModelError) -> Matrix {
    try validate(queryCount: queries.rows, shape: shape)
    guard queries.columns == shape.count else {
      throw .invalidInput(
        "queries have \(queries.columns) features, the image shape \(shape) has \(shape.count)")
    }
    return Matrix(
      rows: 1, columns: shape.count,
      columnMajor: _encode(rows: (0..<queries.rows).map { queries.row($0) }, shape: shape))
  }

  /// The parity query of k feature vectors (no validation; `validate` first).
  func _encode(rows: [[Double]], shape: FeatureShape) -> [Double] {
    let d = shape.count
    var parity = [Double](repeating: 0, count: d)
    switch self {
    case .sum:
      for row in rows { for j in 0..<d { parity[j] += row[j] } }
    case .concat:
      let (c, h, w) = (shape.channels, shape.height, shape.width)
      let (tall, wide) = rows.count == 4 ? (2, 2) : (1, 2)  // block size averaged
      let (tileH, tileW) = (h / tall, w / wide)
      for (index, row) in rows.enumerated() {
        let (tileRow, tileColumn) = rows.count == 4 ? (index / 2, index % 2) : (0, index)
        for channel in 0..<c {
          for y in 0..<tileH {
            for x in 0..<tileW {
              var total = 0.0
              for dy in 0..<tall {
                for dx in 0..<wide {
                  total += row[channel * h * w + (y * tall + dy) * w + (x * wide + dx)]
                }
              }
              let (py, px) = (tileRow * tileH + y, tileColumn * tileW + x)
              parity[channel * h * w + py * w + px] = total / Double(tall * wide)
            }
          }
        }
      }
    }
    return parity
  }
}
