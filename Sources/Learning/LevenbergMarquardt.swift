import DenseLinearAlgebra

/// Levenberg–Marquardt for nonlinear least squares `min ½‖r(θ)‖²` (Levenberg, *Q. Appl. Math.* 2,
/// 1944; Marquardt, *J. SIAM* 11, 1963): each iteration solves
/// `(JᵀJ + λ diag(JᵀJ)) δ = −Jᵀr` (Marquardt's scaling), accepts the step when it lowers the cost
/// and then trusts the Gauss–Newton model more (λ/10), else rejects it and damps more (λ·10).
public struct LevenbergMarquardt: Sendable {
    /// Most iterations (accepted or rejected steps).
    public var maximumIterations: Int
    /// Stop when an accepted step lowers the cost by less than this, relatively.
    public var tolerance: Double
    /// The first damping λ.
    public var initialDamping: Double

    /// Creates a solver.
    public init(maximumIterations: Int = 100, tolerance: Double = 1e-12, initialDamping: Double = 1e-3) {
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
        self.initialDamping = initialDamping
    }

    /// Residuals and their Jacobian (`rows × parameters`, row-major) at a point, or `nil` where the
    /// model has no value (a trial point where a solve blows up), which is a rejected step. An error
    /// thrown (a stop asked for, a failure at the start) ends the minimisation and propagates.
    public typealias Model = ([Double]) throws -> (residuals: [Double], jacobian: [Double])?

    /// Why a minimisation could not start.
    public struct NoValueAtStart: Error, CustomStringConvertible {
        public var description: String { "the model has no value at the starting point" }
    }

    /// The result: the parameters and the cost ½‖r‖² after each accepted iteration (first: at the start).
    public struct Result: Sendable {
        public var parameters: [Double]
        public var costs: [Double]
        public var evaluations: Int
    }

    /// Minimises the residuals of `model` from `start`.
    public func minimize(from start: [Double], _ model: Model) throws -> Result {
        var parameters = start
        let p = start.count
        guard var (residuals, jacobian) = try model(parameters) else { throw NoValueAtStart() }
        var evaluations = 1
        var cost = Self.cost(residuals)
        var costs = [cost]
        var damping = initialDamping
        for _ in 0..<maximumIterations {
            let m = residuals.count
            // Normal equations: A = JᵀJ, g = Jᵀr.
            var normal = [Double](repeating: 0, count: p * p)
            var gradient = [Double](repeating: 0, count: p)
            for row in 0..<m {
                for i in 0..<p {
                    let ji = jacobian[row * p + i]
                    gradient[i] += ji * residuals[row]
                    for j in 0..<p { normal[i * p + j] += ji * jacobian[row * p + j] }
                }
            }
            var damped = normal
            for i in 0..<p { damped[i * p + i] += damping * max(normal[i * p + i], 1e-300) }
            guard let step = LUDecomposition.solve(damped, gradient.map { -$0 }, size: p) else {
                damping *= 10
                continue
            }
            let candidate = zip(parameters, step).map(+)
            // A trial point where the model has no value (a solve that blows up) is a rejected
            // step like any other; an error (a stop) propagates.
            evaluations += 1
            guard let trial = try model(candidate) else {
                damping *= 10
                if damping > 1e16 { break }
                continue
            }
            let trialCost = Self.cost(trial.residuals)
            if trialCost.isFinite, trialCost < cost {
                let improvement = (cost - trialCost) / max(cost, 1e-300)
                parameters = candidate
                (residuals, jacobian) = trial
                cost = trialCost
                costs.append(cost)
                damping = max(damping / 10, 1e-12)
                if improvement < tolerance { break }
            } else {
                damping *= 10
                if damping > 1e16 { break }
            }
        }
        return Result(parameters: parameters, costs: costs, evaluations: evaluations)
    }

    static func cost(_ residuals: [Double]) -> Double {
        0.5 * residuals.reduce(0) { $0 + $1 * $1 }
    }
}
