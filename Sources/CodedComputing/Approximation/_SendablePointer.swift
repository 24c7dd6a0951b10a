/// A pointer handed to the threads of one parallel loop, each of which reads or writes its own
/// disjoint part.
struct _SendablePointer<Pointer>: @unchecked Sendable {
  let pointer: Pointer
  init(_ pointer: Pointer) { self.pointer = pointer }
}
