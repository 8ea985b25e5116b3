/// Storage that repeated gradients of one problem reuse, such as the epochs of a fit: once it has
/// grown to the problem's size, a gradient through a fixed-step Euler recurrence allocates nothing.
///
/// The gradients a call returns share this storage's arrays; a caller that keeps a result while
/// asking for the next one gets a copy (arrays copy on write), never a changed result.
public struct GradientWorkspace: Sendable {
    @usableFromInline var storage: [Double] = []
    @usableFromInline var parameterGradient: [Double] = []
    @usableFromInline var stateGradient: [Double] = []

    /// An empty workspace; it grows on first use.
    public init() {}

    /// Grows the scratch storage and the result arrays to at least the given sizes.
    @inlinable
    mutating func reserve(storage count: Int, parameters: Int, state: Int) {
        if storage.count < count { storage = [Double](repeating: 0, count: count) }
        if parameterGradient.count != parameters { parameterGradient = [Double](repeating: 0, count: parameters) }
        if stateGradient.count != state { stateGradient = [Double](repeating: 0, count: state) }
    }

    /// Copies the results out of the scratch storage into the result arrays.
    @inlinable
    mutating func publish(storageOffset: Int, parameters: Int, stateOffset: Int, state: Int) {
        for k in 0..<parameters { parameterGradient[k] = storage[storageOffset + k] }
        for i in 0..<state { stateGradient[i] = storage[stateOffset + i] }
    }
}
