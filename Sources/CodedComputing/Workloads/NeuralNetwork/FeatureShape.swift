/// The shape of one sample's features inside a network: channels × height × width.
///
/// A batch of B samples is a B × (channels·height·width) ``Matrix`` (one sample per row, so every
/// feature is a contiguous column). Feature index `c·height·width + h·width + w` holds channel c,
/// pixel (h, w) — the order of a C-contiguous (C, H, W) array, i.e. NumPy's and PyTorch's flatten.
/// A flat vector of d features is d × 1 × 1, written `FeatureShape(flat: d)`.
public struct FeatureShape: Equatable, Hashable, Sendable, CustomStringConvertible {
  public var channels: Int
  public var height: Int
  public var width: Int

  public init(channels: Int, height: Int, width: Int) {
    precondition(
      channels > 0 && height > 0 && width > 0, "FeatureShape dimensions must be positive")
    self.channels = channels
    self.height = height
    self.width = width
  }

  /// A flat vector of `count` features (count × 1 × 1).
  public init(flat count: Int) { self.init(channels: count, height: 1, width: 1) }

  /// channels · height · width.
  public var count: Int { channels * height * width }

  public var description: String { "\(channels)×\(height)×\(width)" }
}
