/// Solves an ODE with an explicit Runge–Kutta method at a constant step size.
///
/// One generic step serves every tableau: stages `k_i = f(t + c_i h, y + h Σ_j a_ij k_j)`, then
/// `y ← y + h Σ_i b_i k_i`. Times are computed as `t_start + n h` (no accumulated round-off). The
/// loop works in buffers allocated once per solve.
public struct FixedStepSolver: Sendable {
    /// The method.
    public let tableau: ButcherTableau
    /// The constant step size `h` (positive).
    public let stepSize: Double
    /// Number of steps to take.
    public let steps: Int
    /// Which steps to keep.
    public let saving: SaveSchedule

    /// Creates a solver configuration.
    public init(tableau: ButcherTableau, stepSize: Double, steps: Int, saving: SaveSchedule = .every(1)) {
        self.tableau = tableau
        self.stepSize = stepSize
        self.steps = steps
        self.saving = saving
    }

    /// Integrates `field` from `initialState` at `startTime` for `steps` steps.
    public func solve(
        _ field: some VectorField, initialState: [Double], startTime: Double = 0
    ) throws(SolveFailure) -> Solution {
        try validate(field: field, initialState: initialState)
        let n = field.dimension
        let stageCount = tableau.stages
        let savedCount = saving.count(of: steps)
        var times = [Double]()
        times.reserveCapacity(savedCount)
        var saved = [Double]()
        saved.reserveCapacity(savedCount * n)
        var savedSteps = [Int]()
        savedSteps.reserveCapacity(savedCount)

        var state = initialState
        var stage = [Double](repeating: 0, count: n)
        var slopes = [Double](repeating: 0, count: stageCount * n)
        let a = tableau.a, b = tableau.b, c = tableau.c, h = stepSize

        var saveCursor = 0
        if saving.saves(0, of: steps, cursor: &saveCursor) {
            times.append(startTime)
            saved.append(contentsOf: state)
            savedSteps.append(0)
        }
        var failure: SolveFailure?
        state.withUnsafeMutableBufferPointer { y in
            stage.withUnsafeMutableBufferPointer { yStage in
                slopes.withUnsafeMutableBufferPointer { k in
                    for step in stride(from: 1, through: steps, by: 1) {
                        let t = startTime + Double(step - 1) * h
                        for i in 0..<stageCount {
                            let row = a[i]
                            for component in 0..<n {
                                var sum = 0.0
                                for j in 0..<i { sum += row[j] * k[j * n + component] }
                                yStage[component] = y[component] + h * sum
                            }
                            let ki = UnsafeMutableBufferPointer(rebasing: k[(i * n)..<((i + 1) * n)])
                            field.evaluate(t: t + c[i] * h, state: UnsafeBufferPointer(yStage), derivative: ki)
                        }
                        var finite = true
                        for component in 0..<n {
                            var sum = 0.0
                            for i in 0..<stageCount { sum += b[i] * k[i * n + component] }
                            y[component] += h * sum
                            if !y[component].isFinite, finite {
                                finite = false
                                failure = .nonFiniteState(t: startTime + Double(step) * h, step: step, component: component)
                            }
                        }
                        if !finite { return }
                        if saving.saves(step, of: steps, cursor: &saveCursor) {
                            times.append(startTime + Double(step) * h)
                            saved.append(contentsOf: UnsafeBufferPointer(y))
                            savedSteps.append(step)
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        let statistics = SolveStatistics(
            steps: steps, accepted: steps, rejected: 0, functionEvaluations: steps * stageCount
        )
        return Solution(dimension: n, times: times, states: saved, stepIndices: savedSteps, statistics: statistics)
    }

    private func validate(field: some VectorField, initialState: [Double]) throws(SolveFailure) {
        guard initialState.count == field.dimension else {
            throw .invalidProblem(
                "the initial state has \(initialState.count) components but the system has \(field.dimension)")
        }
        guard stepSize.isFinite, stepSize > 0 else {
            throw .invalidProblem("the step size h must be a positive number, not \(stepSize)")
        }
        guard steps >= 0 else { throw .invalidProblem("the number of steps must not be negative") }
        if case let .every(n) = saving, n < 1 {
            throw .invalidProblem("save_every must be at least 1")
        }
        if case let .steps(indices) = saving, zip(indices, indices.dropFirst()).contains(where: { $0 >= $1 })
            || indices.contains(where: { $0 < 0 || $0 > steps }) {
            throw .invalidProblem("saved step indices must increase and lie within 0...\(steps)")
        }
    }
}
