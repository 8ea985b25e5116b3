/// A vector field `f(t, y, θ)` with parameters θ that also gives its vector–Jacobian products
/// at a point: `vᵀ ∂f/∂y` and `vᵀ ∂f/∂θ`. Backpropagation through a solve and the continuous
/// adjoint need exactly these (Chen et al., "Neural Ordinary Differential Equations", NeurIPS 2018).
public protocol DifferentiableField: VectorField where Scalar == Double {
    /// Number of parameters θ.
    var parameterCount: Int { get }

    /// The current parameter values, in a fixed order.
    var parameters: [Double] { get }

    /// The same field with other parameter values (same count and order).
    func withParameters(_ parameters: [Double]) -> Self

    /// Writes `vᵀ ∂f/∂y` at `(t, state)` into `stateCotangent` (`dimension` entries) and adds
    /// `vᵀ ∂f/∂θ` to `parameterCotangent` (`parameterCount` entries).
    func vectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>)

    /// `f(t, y)` into `derivative` and the vector–Jacobian products of
    /// `vectorJacobianProducts(t:state:cotangent:stateCotangent:addingTo:)` at the same point (the
    /// continuous adjoint's augmented field needs both). The default calls the two; a field whose
    /// products run its forward computation anyway (a network) can do it once.
    func evaluateWithVectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        derivative: UnsafeMutableBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>)

    /// Whether the field keeps what its vector–Jacobian products need from an evaluation (a
    /// network's activations) under a slot, so that backpropagation through a solve
    /// differentiates recorded stages without evaluating them again. Default: `false`.
    var keepsEvaluations: Bool { get }

    /// `f(t, y)` into `derivative`, keeping what the products at `(t, y)` need under `slot` (a
    /// small integer chosen by the caller; evaluating into a slot replaces what it held). The
    /// default evaluates and keeps nothing.
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>, keepingAs slot: Int)

    /// The products of `vectorJacobianProducts(t:state:…)` at the point last evaluated under
    /// `slot` (`state` is that point again). The default computes them from `state`.
    func vectorJacobianProducts(
        kept slot: Int, t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>)
}

extension DifferentiableField {
    /// A field keeps nothing by default.
    @inlinable
    public var keepsEvaluations: Bool { false }

    /// Evaluates, keeping nothing.
    @inlinable
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>, keepingAs slot: Int) {
        evaluate(t: t, state: state, derivative: derivative)
    }

    /// Computes the products at `state`.
    @inlinable
    public func vectorJacobianProducts(
        kept slot: Int, t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        vectorJacobianProducts(t: t, state: state, cotangent: v, stateCotangent: stateCotangent, addingTo: parameterCotangent)
    }

    /// Evaluates, then computes the products.
    @inlinable
    public func evaluateWithVectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        derivative: UnsafeMutableBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        evaluate(t: t, state: state, derivative: derivative)
        vectorJacobianProducts(t: t, state: state, cotangent: v, stateCotangent: stateCotangent, addingTo: parameterCotangent)
    }
}

extension CompetitionModel: DifferentiableField {
    /// r1, r2, a1, a2, iN1, iN2.
    public var parameterCount: Int { 6 }

    /// The parameters in the order of `parameterNames`.
    public var parameters: [Double] { [r1, r2, a1, a2, iN1, iN2] }

    /// The model with parameters `(r1, r2, a1, a2, iN1, iN2)`.
    public func withParameters(_ p: [Double]) -> CompetitionModel {
        CompetitionModel(r1: p[0], r2: p[1], a1: p[2], a2: p[3], iN1: p[4], iN2: p[5])
    }

    /// The analytic vector–Jacobian products of the two growth rates.
    @inlinable
    public func vectorJacobianProducts(
        t: Double, state: UnsafeBufferPointer<Double>, cotangent v: UnsafeBufferPointer<Double>,
        stateCotangent: UnsafeMutableBufferPointer<Double>, addingTo parameterCotangent: UnsafeMutableBufferPointer<Double>
    ) {
        let x1 = state[0], x2 = state[1], v1 = v[0], v2 = v[1]
        // f1 = r1 x1 (1 − iN1 x1) − a1 x1 x2,  f2 = r2 x2 (1 − iN2 x2) − a2 x1 x2
        let df1dx1 = r1 * (1 - 2 * iN1 * x1) - a1 * x2, df1dx2 = -a1 * x1
        let df2dx1 = -a2 * x2, df2dx2 = r2 * (1 - 2 * iN2 * x2) - a2 * x1
        stateCotangent[0] = v1 * df1dx1 + v2 * df2dx1
        stateCotangent[1] = v1 * df1dx2 + v2 * df2dx2
        parameterCotangent[0] += v1 * x1 * (1 - iN1 * x1)
        parameterCotangent[1] += v2 * x2 * (1 - iN2 * x2)
        parameterCotangent[2] += -v1 * x1 * x2
        parameterCotangent[3] += -v2 * x1 * x2
        parameterCotangent[4] += -v1 * r1 * x1 * x1
        parameterCotangent[5] += -v2 * r2 * x2 * x2
    }
}
