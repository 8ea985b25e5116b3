import ODE
/// Many copies of one vector field integrated as a single system: `count` states of
/// `field.dimension` components each, stored contiguously (trajectory-major). An adaptive solve
/// of it takes one shared step for the whole batch, its error norm taken over every trajectory
/// (as diffrax does when a batch is integrated as one system).
public struct BatchedField<Field: VectorField>: VectorField {
    /// The field of one trajectory.
    public let field: Field
    /// Number of trajectories.
    public let count: Int

    /// Creates a batch of `count` trajectories of `field`.
    public init(_ field: Field, count: Int) {
        self.field = field
        self.count = count
    }

    /// `count × field.dimension` components.
    @inlinable
    public var dimension: Int { field.dimension * count }

    /// Evaluates every trajectory's derivative.
    @inlinable
    public func evaluate(t: Field.Scalar, state: UnsafeBufferPointer<Field.Scalar>, derivative: UnsafeMutableBufferPointer<Field.Scalar>) {
        guard let states = state.baseAddress, let derivatives = derivative.baseAddress else { return }
        field.evaluateBatch(t: t, states: states, derivatives: derivatives, count: count)
    }
}
