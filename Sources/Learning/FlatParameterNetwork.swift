/// A network whose parameters are one flat array of `parameterCount` values in its documented
/// layout: its passes run on those, or on a caller's buffer of the same size.
@usableFromInline
protocol FlatParameterNetwork {
    associatedtype Scalar: NetworkScalar
    /// The network's own parameters.
    var parameters: [Scalar] { get }
    /// How many values the layout holds.
    var parameterCount: Int { get }
    /// How messages name the network (`a network`, `a recognition network`).
    static var noun: String { get }
}

extension FlatParameterNetwork {
    /// Stops, naming the network, unless `count` is its number of parameters.
    @inlinable @inline(__always)
    func checkParameterCount(_ count: Int) {
        precondition(count == parameterCount, "\(Self.noun) of \(parameterCount) parameters was given \(count)")
    }

    /// Runs `body` on the given parameters (checked to be as many as the network's), or on the
    /// network's own.
    @inlinable @inline(__always)
    func withParameters(_ given: UnsafeBufferPointer<Scalar>?, _ body: (UnsafeBufferPointer<Scalar>) -> Void) {
        if let given {
            checkParameterCount(given.count)
            body(given)
        } else {
            parameters.withUnsafeBufferPointer(body)
        }
    }
}
