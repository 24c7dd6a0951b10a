import Foundation

/// A classification data set: one sample per row of `features`, an integer class per sample.
///
/// On disk (as `scripts/export_digits.py` writes it) a CSV with a header row, the class in the
/// first column and the features after it: `label,x0,x1,…`. For the digits set the 64 features
/// are the 8 × 8 pixels in row-major order, scaled to [0, 1].
public struct LabeledDataset: Sendable, Equatable {
  /// count × d, one sample per row.
  public let features: Matrix
  /// One class index (≥ 0) per row.
  public let labels: [Int]

  public init(features: Matrix, labels: [Int]) {
    precondition(features.rows == labels.count, "one label per row")
    self.features = features
    self.labels = labels
  }

  public var count: Int { labels.count }
  /// 1 + the largest label.
  public var classCount: Int { (labels.max() ?? -1) + 1 }

  /// The first `count` samples (all of them when `count` is nil or larger).
  public func prefix(_ count: Int?) -> LabeledDataset {
    guard let count, count < self.count else { return self }
    return LabeledDataset(
      features: features.selectingRows(Array(0..<count)), labels: Array(labels[0..<count]))
  }

  /// Reads a `label,x0,…` CSV.
  /// - Throws: ``NetworkError/unreadableFile(path:reason:)`` or ``NetworkError/invalidData(_:)``
  ///   naming the line and the problem (ragged row, non-numeric value, negative or fractional label,
  ///   no rows).
  /// - Complexity: O(file size).
  public static func load(csv path: String) throws(NetworkError) -> LabeledDataset {
    let text: String
    do {
      text = try CSVTable._readText(path)
    } catch {
      throw .invalidData(error.description)
    }
    var lines = text.split(whereSeparator: \.isNewline)
    guard !lines.isEmpty else { throw .invalidData("\(path): empty file") }
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false)
    let featureCount = header.count - 1
    guard featureCount >= 1 else {
      throw .invalidData("\(path): the header needs a label column and at least one feature")
    }
    guard !lines.isEmpty else { throw .invalidData("\(path): no data rows") }
    var labels: [Int] = []
    var storage = [Double](repeating: 0, count: lines.count * featureCount)
    for (row, line) in lines.enumerated() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == featureCount + 1 else {
        throw .invalidData(
          "\(path) line \(row + 2): \(fields.count) fields, the header has \(featureCount + 1)")
      }
      guard let label = Double(fields[0].trimmingCharacters(in: .whitespaces)), label >= 0,
        label == label.rounded(),
        label < 1e9
      else {
        throw .invalidData(
          "\(path) line \(row + 2): label '\(fields[0])' is not a non-negative integer")
      }
      labels.append(Int(label))
      for j in 0..<featureCount {
        guard let value = Double(fields[j + 1].trimmingCharacters(in: .whitespaces)), value.isFinite
        else {
          throw .invalidData(
            "\(path) line \(row + 2): feature \(j) '\(fields[j + 1])' is not a finite number")
        }
        storage[row + j * lines.count] = value
      }
    }
    return LabeledDataset(
      features: Matrix(rows: lines.count, columns: featureCount, columnMajor: storage),
      labels: labels)
  }
}
