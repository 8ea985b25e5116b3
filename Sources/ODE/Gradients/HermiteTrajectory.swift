/// A forward solution kept step by step and read at any time by cubic Hermite interpolation from
/// the states and slopes at the ends of each step (third order in the step size; exact at the
/// stored points). The continuous adjoint's `interpolate` option reads `y(t)` from it.
@usableFromInline
struct HermiteTrajectory: Sendable {
    @usableFromInline let dimension: Int
    /// Increasing node times.
    @usableFromInline private(set) var times: [Double] = []
    /// States at the nodes, node-major.
    @usableFromInline private(set) var states: [Double] = []
    /// `f(t, y)` at the nodes, node-major.
    @usableFromInline private(set) var slopes: [Double] = []

    @usableFromInline init(dimension: Int) { self.dimension = dimension }

    /// Appends the points of `solution` (saved at every step), skipping a first point that
    /// repeats the last stored one; evaluates the slopes with `field`. Returns the evaluations.
    @inlinable
    mutating func append<Field: VectorField>(_ field: Field, solution: Solution) -> Int where Field.Scalar == Double {
        let n = dimension
        var evaluations = 0
        var slope = [Double](repeating: 0, count: n)
        for index in 0..<solution.count {
            let t = solution.times[index]
            if let last = times.last, t <= last { continue }
            let state = Array(solution.state(at: index))
            state.withUnsafeBufferPointer { y in
                slope.withUnsafeMutableBufferPointer { field.evaluate(t: t, state: y, derivative: $0) }
            }
            evaluations += 1
            times.append(t)
            states += state
            slopes += slope
        }
        return evaluations
    }

    /// Writes `y(t)` into `output`; `t` outside the stored range is clamped to it.
    @inlinable
    func interpolate(at t: Double, into output: UnsafeMutableBufferPointer<Double>) {
        let n = dimension
        guard times.count > 1 else {
            for i in 0..<n { output[i] = states[i] }
            return
        }
        // The step [times[low], times[low + 1]] holding t.
        var low = 0, high = times.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if times[middle] <= t { low = middle } else { high = middle }
        }
        let h = times[high] - times[low]
        let s = min(max((t - times[low]) / h, 0), 1)
        let (h00, h10, h01, h11) = DenseOutput.hermiteWeights(s)
        for i in 0..<n {
            output[i] = h00 * states[low * n + i] + h10 * h * slopes[low * n + i]
                + h01 * states[high * n + i] + h11 * h * slopes[high * n + i]
        }
    }
}
