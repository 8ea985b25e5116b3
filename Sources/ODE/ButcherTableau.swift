/// The coefficients of an explicit Runge–Kutta method, checked for consistency on creation.
///
/// Stage `i` is evaluated at `t + c[i] h` from `y + h Σ_j a[i][j] k_j` (j < i); the step is
/// `y + h Σ_i b[i] k_i`. Notation of Butcher, *Numerical Methods for Ordinary Differential
/// Equations* (2016), §23.
public struct ButcherTableau: Sendable, Equatable {
    /// The method's name as users write it (`euler`, `rk4`, ...).
    public let name: String
    /// Order of accuracy of the solution weights `b`.
    public let order: Int
    /// Stage times as fractions of the step.
    public let c: [Double]
    /// The strictly lower-triangular coupling matrix, row `i` holding `i` entries.
    public let a: [[Double]]
    /// Solution weights.
    public let b: [Double]
    /// Weights of the embedded lower-order solution, for error estimation; `nil` for fixed-step methods.
    public let embeddedWeights: [Double]?
    /// Order of the embedded solution.
    public let embeddedOrder: Int?
    /// Continuous extension: stage `i`'s weight at fraction θ of the step is
    /// `Σ_k denseOutput[i][k] θ^(k+1)`; `nil` means cubic Hermite interpolation is used.
    public let denseOutput: [[Double]]?
    /// Order of the continuous extension (3 for Hermite).
    public let denseOrder: Int
    /// Weights of a second, lower-order embedded solution; when present the error estimate
    /// combines both (Hairer's DOP853 estimator), `nil` otherwise.
    public let secondaryWeights: [Double]?
    /// Order of the secondary embedded solution (3 for DOP853's), `nil` when there is none.
    public let secondaryOrder: Int?
    /// A continuous extension built from extra stages (DOP853's), used instead of `denseOutput`.
    public let extendedDense: ExtendedDenseOutput?
    /// The order the step-size controller assumes for the local error (h^q): one more than the
    /// embedded order, or the method's order for a combined estimator.
    public let controlOrder: Int

    /// The coefficients flattened for the one explicit step, computed once with the tableau.
    public let flattened: RungeKuttaCoefficients

    /// Number of stages.
    public var stages: Int { b.count }

    /// Rows of slopes a solve needs: the stages, the slope at the new point, and any extra
    /// dense-output stages.
    public var workspaceStages: Int { stages + 1 + (extendedDense?.c.count ?? 0) }

    /// Whether the method has an embedded error estimate (can adapt its step size).
    public var isAdaptive: Bool { embeddedWeights != nil }

    /// First same as last: the last stage is evaluated at the new solution, so it is the next
    /// step's first stage.
    public var isFSAL: Bool { flattened.isFSAL }

    /// Creates a tableau, checking that its shape is explicit and that it is consistent:
    /// each row of `a` sums to its `c`, and the weights `b` sum to one.
    public init(
        name: String, order: Int, c: [Double], a: [[Double]], b: [Double],
        embeddedWeights: [Double]? = nil, embeddedOrder: Int? = nil, denseOutput: [[Double]]? = nil, denseOrder: Int? = nil,
        secondaryWeights: [Double]? = nil, secondaryOrder: Int? = nil, extendedDense: ExtendedDenseOutput? = nil
    ) throws(TableauError) {
        let s = b.count
        guard s > 0, c.count == s, a.count == s else {
            throw TableauError(method: name, problem: "c, a and b must all have one entry per stage")
        }
        guard order >= 1 else {
            throw TableauError(method: name, problem: "order must be at least 1")
        }
        for (i, row) in a.enumerated() {
            guard row.count == i else {
                throw TableauError(method: name, problem: "row \(i) of a must have \(i) entries (explicit method)")
            }
            let sum = row.reduce(0, +)
            guard abs(sum - c[i]) <= 1e-14 * max(1, abs(c[i])) else {
                throw TableauError(method: name, problem: "row \(i) of a sums to \(sum), not c[\(i)] = \(c[i])")
            }
        }
        let weightSum = b.reduce(0, +)
        guard abs(weightSum - 1) <= 1e-14 else {
            throw TableauError(method: name, problem: "the weights b sum to \(weightSum), not 1")
        }
        if let embeddedWeights {
            guard embeddedWeights.count == s, let embeddedOrder, embeddedOrder >= 1, embeddedOrder != order else {
                throw TableauError(method: name, problem: "embedded weights need one entry per stage and an order other than the method's")
            }
            let sum = embeddedWeights.reduce(0, +)
            guard abs(sum - 1) <= 1e-13 else {
                throw TableauError(method: name, problem: "the embedded weights sum to \(sum), not 1")
            }
        }
        if let denseOutput {
            guard denseOutput.count == s, let degree = denseOutput.first?.count, denseOutput.allSatisfy({ $0.count == degree }) else {
                throw TableauError(method: name, problem: "dense output needs one row per stage, all of the same degree")
            }
            for (i, row) in denseOutput.enumerated() where abs(row.reduce(0, +) - b[i]) > 1e-12 {
                throw TableauError(method: name, problem: "dense output weight \(i) at θ = 1 is \(row.reduce(0, +)), not b[\(i)] = \(b[i])")
            }
        }
        self.name = name
        self.order = order
        self.c = c
        self.a = a
        self.b = b
        self.embeddedWeights = embeddedWeights
        self.embeddedOrder = embeddedOrder
        self.denseOutput = denseOutput
        self.denseOrder = denseOrder ?? (denseOutput == nil ? 3 : order - 1)
        if let secondaryWeights {
            guard secondaryWeights.count == s, abs(secondaryWeights.reduce(0, +) - 1) <= 1e-13 else {
                throw TableauError(method: name, problem: "the secondary embedded weights need one entry per stage and must sum to 1")
            }
        }
        if let secondaryOrder, secondaryWeights == nil || secondaryOrder < 1 {
            throw TableauError(method: name, problem: "a secondary order needs secondary weights and must be at least 1")
        }
        self.secondaryWeights = secondaryWeights
        self.secondaryOrder = secondaryOrder
        self.extendedDense = extendedDense
        self.controlOrder = secondaryWeights != nil ? order : min(order, embeddedOrder ?? order) + 1
        flattened = RungeKuttaCoefficients(a: a, b: b, c: c, embeddedWeights: embeddedWeights, secondaryWeights: secondaryWeights)
    }
}

/// A continuous extension in the form of Hairer's DOP853: extra stages after an accepted step
/// (`c`, and rows of `a` over all earlier stages, the slope at the new point being stage `s−1`),
/// then a degree-7 polynomial whose top four coefficients are `h · d · K`.
public struct ExtendedDenseOutput: Sendable, Equatable {
    /// Times of the extra stages, as fractions of the step.
    public let c: [Double]
    /// Coefficients of the extra stages over every earlier stage (extras included).
    public let a: [[Double]]
    /// Rows giving the polynomial's top coefficients from all stages.
    public let d: [[Double]]
    /// Creates an extension.
    public init(c: [Double], a: [[Double]], d: [[Double]]) {
        self.c = c
        self.a = a
        self.d = d
    }
}

/// A tableau whose coefficients are inconsistent.
public struct TableauError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The method's name.
    public let method: String
    /// What is wrong.
    public let problem: String
    /// A one-line description.
    public var description: String { "invalid Butcher tableau '\(method)': \(problem)" }
}
