/// Limited-memory BFGS (Liu & Nocedal, "On the limited memory BFGS method for large scale
/// optimization", *Math. Programming* 45, 1989) with a line search for the strong Wolfe conditions
/// (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithms 3.5–3.6 and 7.4).
public struct LBFGS: Sendable {
    /// Curvature pairs kept.
    public var memory: Int
    /// Most iterations.
    public var maximumIterations: Int
    /// Stop when an iteration lowers the objective by less than this, relatively.
    public var tolerance: Double
    /// Sufficient decrease (c₁) and curvature (c₂) constants of the Wolfe conditions.
    public var c1 = 1e-4, c2 = 0.9

    /// Creates a solver.
    public init(memory: Int = 10, maximumIterations: Int = 100, tolerance: Double = 1e-12) {
        self.memory = memory
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
    }

    /// The objective and its gradient at a point, or `nil` where it has no value (a trial point
    /// where the model blows up), which the line search treats as a step too long. An error thrown
    /// (a stop asked for, a failure at the start) ends the minimisation and propagates unchanged.
    public typealias Objective = ([Double]) throws -> (value: Double, gradient: [Double])?

    /// Why a minimisation could not start.
    public struct NoValueAtStart: Error, CustomStringConvertible {
        public var description: String { "the objective has no value at the starting point" }
    }

    /// The result: the parameters and the objective after each iteration (first: at the start).
    public struct Result: Sendable {
        public var parameters: [Double]
        public var values: [Double]
        public var evaluations: Int
    }

    /// Minimises `objective` from `start`.
    public func minimize(from start: [Double], _ objective: Objective) throws -> Result {
        var x = start
        guard var (value, gradient) = try objective(x) else { throw NoValueAtStart() }
        var evaluations = 1
        var values = [value]
        var steps = [[Double]](), changes = [[Double]](), rhos = [Double]()
        for _ in 0..<maximumIterations {
            // Two-loop recursion: direction = −H∇f.
            var q = gradient
            var alphas = [Double](repeating: 0, count: steps.count)
            for i in stride(from: steps.count - 1, through: 0, by: -1) {
                alphas[i] = rhos[i] * dot(steps[i], q)
                for j in q.indices { q[j] -= alphas[i] * changes[i][j] }
            }
            if let s = steps.last, let y = changes.last {
                let scale = dot(s, y) / max(dot(y, y), 1e-300)
                for j in q.indices { q[j] *= scale }
            }
            for i in steps.indices {
                let beta = rhos[i] * dot(changes[i], q)
                for j in q.indices { q[j] += steps[i][j] * (alphas[i] - beta) }
            }
            var direction = q.map { -$0 }
            var slope = dot(gradient, direction)
            if !(slope < 0) {  // not a descent direction: restart with steepest descent
                direction = gradient.map { -$0 }
                slope = -dot(gradient, gradient)
                steps.removeAll(); changes.removeAll(); rhos.removeAll()
            }
            if slope == 0 { break }
            let first = steps.isEmpty ? min(1, 1 / max(dot(gradient, gradient).squareRoot(), 1e-300)) : 1
            guard let found = try lineSearch(objective, x: x, value: value, slope: slope, direction: direction, initial: first,
                                             evaluations: &evaluations) else { break }
            let s = zip(found.x, x).map(-), y = zip(found.gradient, gradient).map(-)
            let improvement = (value - found.value) / max(abs(value), 1e-300)
            x = found.x
            value = found.value
            gradient = found.gradient
            values.append(value)
            let curvature = dot(s, y)
            if curvature > 1e-12 * dot(y, y).squareRoot() * dot(s, s).squareRoot() {
                steps.append(s); changes.append(y); rhos.append(1 / curvature)
                if steps.count > memory { steps.removeFirst(); changes.removeFirst(); rhos.removeFirst() }
            }
            if improvement < tolerance { break }
        }
        return Result(parameters: x, values: values, evaluations: evaluations)
    }

    /// A step length satisfying the strong Wolfe conditions along `direction`, by bracketing and
    /// zooming; `nil` when none is found.
    private func lineSearch(
        _ objective: Objective, x: [Double], value: Double, slope: Double, direction: [Double], initial: Double,
        evaluations: inout Int
    ) throws -> (x: [Double], value: Double, gradient: [Double])? {
        func at(_ alpha: Double) throws -> (x: [Double], value: Double, gradient: [Double], slope: Double)? {
            let point = zip(x, direction).map { $0 + alpha * $1 }
            evaluations += 1
            guard let (v, g) = try objective(point), v.isFinite, g.allSatisfy(\.isFinite) else { return nil }
            return (point, v, g, dot(g, direction))
        }
        var previousAlpha = 0.0, previousValue = value, previousSlope = slope
        var alpha = initial
        for iteration in 0..<30 {
            guard let trial = try at(alpha) else {  // the objective failed (a solve blew up): shorten
                alpha = 0.5 * (previousAlpha + alpha)
                continue
            }
            if trial.value > value + c1 * alpha * slope || (iteration > 0 && trial.value >= previousValue) {
                return try zoom(at, low: (previousAlpha, previousValue, previousSlope), high: (alpha, trial.value), value: value, slope: slope)
            }
            if abs(trial.slope) <= -c2 * slope { return (trial.x, trial.value, trial.gradient) }
            if trial.slope >= 0 {
                return try zoom(at, low: (alpha, trial.value, trial.slope), high: (previousAlpha, previousValue), value: value, slope: slope)
            }
            previousAlpha = alpha
            previousValue = trial.value
            previousSlope = trial.slope
            alpha *= 2
        }
        return nil
    }

    private func zoom(
        _ at: (Double) throws -> (x: [Double], value: Double, gradient: [Double], slope: Double)?,
        low start: (alpha: Double, value: Double, slope: Double), high end: (alpha: Double, value: Double),
        value: Double, slope: Double
    ) throws -> (x: [Double], value: Double, gradient: [Double])? {
        var low = start, high = end
        for _ in 0..<40 {
            let alpha = 0.5 * (low.alpha + high.alpha)  // bisection: robust, and the budget is small
            guard let trial = try at(alpha) else {
                high = (alpha, .infinity)
                continue
            }
            if trial.value > value + c1 * alpha * slope || trial.value >= low.value {
                high = (alpha, trial.value)
            } else {
                if abs(trial.slope) <= -c2 * slope { return (trial.x, trial.value, trial.gradient) }
                if trial.slope * (high.alpha - low.alpha) >= 0 { high = (low.alpha, low.value) }
                low = (alpha, trial.value, trial.slope)
            }
            if abs(high.alpha - low.alpha) < 1e-16 * max(1, abs(low.alpha)) { break }
        }
        guard low.alpha > 0, let point = try at(low.alpha) else { return nil }
        return (point.x, point.value, point.gradient)
    }
}

@inline(__always)
private func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}
