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

    /// Number of stages.
    public var stages: Int { b.count }

    /// Creates a tableau, checking that its shape is explicit and that it is consistent:
    /// each row of `a` sums to its `c`, and the weights `b` sum to one.
    public init(name: String, order: Int, c: [Double], a: [[Double]], b: [Double]) throws(TableauError) {
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
        self.name = name
        self.order = order
        self.c = c
        self.a = a
        self.b = b
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
