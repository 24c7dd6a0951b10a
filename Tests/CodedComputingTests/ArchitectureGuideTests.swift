import Foundation
import Testing

/// Guides/Architecture.md's toy code is the file the test target compiles.
@Suite("Architecture guide")
struct ArchitectureGuideTests {
  @Test("the guide's first Swift block is ArchitectureExample.swift, verbatim")
  func guideMatchesCompiledExample() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let guide = try String(
      contentsOf: root.appendingPathComponent("Guides/Architecture.md"), encoding: .utf8)
    let example = try String(
      contentsOf: root.appendingPathComponent(
        "Tests/CodedComputingTests/ArchitectureExample.swift"), encoding: .utf8)
    let blocks = guide.components(separatedBy: "```swift\n").dropFirst()
      .compactMap { $0.components(separatedBy: "\n```").first }
    let code = example.components(separatedBy: "import CodedComputing\n\n").last ?? ""
    #expect(blocks.first == code.trimmingCharacters(in: .newlines))
    #expect(code.split(separator: "\n").count <= 45)
  }
}
