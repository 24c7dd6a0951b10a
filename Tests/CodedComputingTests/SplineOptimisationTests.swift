import Testing

@testable import CodedComputing
