/// A tableau's coefficients in the flat form `RungeKuttaStep` reads, computed once per solver
/// so that starting a solve copies arrays instead of walking the tableau's nested rows.
public struct RungeKuttaCoefficients: Sendable, Equatable {
    /// Number of stages `s`.
    public let stages: Int
    /// The coupling matrix row-major (`a[i][j]` at `i * s + j`), zero on and above the diagonal.
    @usableFromInline let a: [Double]
    /// Solution weights.
    @usableFromInline let b: [Double]
    /// Stage times as fractions of the step.
    @usableFromInline let c: [Double]
    /// `b − b̂`, the weights of the embedded error estimate; empty for a fixed-step method.
    @usableFromInline let errorWeights: [Double]
    /// `b − b̂₃`, the weights of a second estimate (DOP853's); empty when there is none.
    @usableFromInline let secondaryErrorWeights: [Double]
    /// Whether the last stage is evaluated at the new solution (first same as last).
    @usableFromInline let isFSAL: Bool

    /// Flattens `tableau`.
    public init(_ tableau: ButcherTableau) {
        let s = tableau.stages
        stages = s
        var flat = [Double](repeating: 0, count: s * s)
        for i in 0..<s { for j in 0..<i { flat[i * s + j] = tableau.a[i][j] } }
        a = flat
        b = tableau.b
        c = tableau.c
        errorWeights = tableau.embeddedWeights.map { embedded in (0..<s).map { tableau.b[$0] - embedded[$0] } } ?? []
        secondaryErrorWeights = tableau.secondaryWeights.map { weights in (0..<s).map { tableau.b[$0] - weights[$0] } } ?? []
        isFSAL = tableau.isFSAL
    }
}
