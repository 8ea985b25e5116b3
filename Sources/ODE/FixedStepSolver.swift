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
    /// Which steps to keep (`.times` must lie on the grid `startTime + i·h`).
    public let saving: SaveAt
    /// The tableau flattened for the step (computed once, with the tableau).
    @inlinable
    var coefficients: RungeKuttaCoefficients { tableau.flattened }

    /// Creates a solver configuration.
    /// Asked every 65,536 steps (the loop is too fast to ask more often) whether to stop.
    public var interruption: SolveInterruption?

    public init(tableau: ButcherTableau, stepSize: Double, steps: Int, saving: SaveAt = .steps) {
        self.tableau = tableau
        self.stepSize = stepSize
        self.steps = steps
        self.saving = saving
    }

    /// Integrates `field` from `initialState` at `startTime` for `steps` steps.
    @inlinable
    public func solve<Field: VectorField>(
        _ field: Field, initialState: [Field.Scalar], startTime: Double = 0
    ) throws(SolveFailure) -> Solution {
        typealias Scalar = Field.Scalar
        try validate(dimension: field.dimension, initialCount: initialState.count)
        let n = field.dimension
        let s = tableau.stages
        let (every, listed) = try savingPlan(startTime: startTime)
        let savedCount = every > 0 ? steps / every + 2 : listed.count
        var times = [Double](), saved = [Double](), savedSteps = [Int]()
        times.reserveCapacity(savedCount)
        saved.reserveCapacity(savedCount * n)
        savedSteps.reserveCapacity(savedCount)

        // One allocation for every buffer of the loop: state, stage input, slopes; and the step's coefficients.
        let buffer = UnsafeMutablePointer<Scalar>.allocate(capacity: 2 * n + s * n)
        let stepStorage = UnsafeMutableRawPointer.allocate(byteCount: RungeKuttaStep<Scalar>.byteCount(stages: s), alignment: 16)
        defer {
            buffer.deallocate()
            stepStorage.deallocate()
        }
        let y = buffer, yStage = buffer + n, k = buffer + 2 * n
        let method = RungeKuttaStep<Scalar>(coefficients, storage: stepStorage)
        method.scale(by: stepSize)
        for i in 0..<n { y[i] = initialState[i] }
        // The next step to save, advanced after each save: no division or search in the loop.
        var cursor = 0
        func following(_ step: Int) -> Int {
            if every > 0 { return step >= steps ? -1 : min(step + every, steps) }
            guard cursor < listed.count else { return -1 }
            return listed[cursor]
        }
        /// Keeps step `step`'s state; returns the next step to keep.
        func save(_ step: Int, _ values: UnsafeMutablePointer<Scalar>) -> Int {
            times.append(startTime + Double(step) * stepSize)
            for i in 0..<n { saved.append(Double(values[i])) }
            savedSteps.append(step)
            if every == 0 { cursor += 1 }
            return following(step)
        }
        var nextSave = every > 0 || listed.first == 0 ? save(0, y) : following(-1)
        // Small single-stage systems (explicit Euler on up to four states, the source article's RNN): state and
        // slope in fixed-size stack storage, which the optimiser keeps in registers across steps.
        if s == 1, n <= 4 {
            var state: (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
            var slope: (Scalar, Scalar, Scalar, Scalar) = (0, 0, 0, 0)
            let weight = Scalar(stepSize * method.bTerms[0])
            let finished: Int? = withUnsafeMutablePointer(to: &state) { statePointer in
                withUnsafeMutablePointer(to: &slope) { slopePointer in
                    let yLocal = UnsafeMutableRawPointer(statePointer).assumingMemoryBound(to: Scalar.self)
                    let kLocal = UnsafeMutableRawPointer(slopePointer).assumingMemoryBound(to: Scalar.self)
                    for i in 0..<n { yLocal[i] = y[i] }
                    let current = UnsafeBufferPointer(start: UnsafePointer(yLocal), count: n)
                    let derivative = UnsafeMutableBufferPointer(start: kLocal, count: n)
                    var step = 1
                    while step <= steps {
                        let t = Scalar(startTime + Double(step &- 1) * stepSize)
                        field.evaluate(t: t, state: current, derivative: derivative)
                        var check: Scalar = 0
                        for component in 0..<n {
                            let value = yLocal[component] + weight * kLocal[component]
                            yLocal[component] = value
                            check += value - value
                        }
                        if check != 0 || check.isNaN {
                            for i in 0..<n { y[i] = yLocal[i] }
                            return step
                        }
                        if step & 0xFFFF == 0, let interruption, interruption.shouldStop() {
                            for i in 0..<n { y[i] = yLocal[i] }
                            return -step
                        }
                        if step == nextSave { nextSave = save(step, yLocal) }
                        step &+= 1
                    }
                    for i in 0..<n { y[i] = yLocal[i] }
                    return nil
                }
            }
            if let failedStep = finished, failedStep < 0 {
                throw .interrupted(t: startTime + Double(-failedStep) * stepSize, step: -failedStep)
            }
            if let failedStep = finished {
                let component = (0..<n).first { !y[$0].isFinite } ?? 0
                throw .nonFiniteState(t: startTime + Double(failedStep) * stepSize, step: failedStep, component: component)
            }
            let statistics = SolveStatistics(steps: steps, accepted: steps, rejected: 0, functionEvaluations: steps)
            return Solution(dimension: n, times: times, states: saved, stepIndices: savedSteps, statistics: statistics)
        }
        let current = UnsafeBufferPointer(start: UnsafePointer(y), count: n)
        method.pointSlopes(at: k, stride: n)
        var stepIndex = 1
        while stepIndex <= steps {
            let t = startTime + Double(stepIndex &- 1) * stepSize
            field.evaluate(t: Scalar(t), state: current, derivative: UnsafeMutableBufferPointer(start: k, count: n))
            var stage = 1
            while stage < s {
                method.stageInput(stage, into: yStage, y: y, count: n)
                field.evaluate(t: Scalar(t + method.c[stage] * stepSize), state: UnsafeBufferPointer(start: yStage, count: n),
                               derivative: UnsafeMutableBufferPointer(start: k + stage &* n, count: n))
                stage &+= 1
            }
            // Branch-free finiteness check: v − v is 0 for finite v and NaN otherwise.
            let check = method.advance(y, count: n)
            if check != 0 || check.isNaN {
                let component = (0..<n).first { !y[$0].isFinite } ?? 0
                throw .nonFiniteState(t: startTime + Double(stepIndex) * stepSize, step: stepIndex, component: component)
            }
            if stepIndex & 0xFFFF == 0, let interruption, interruption.shouldStop() {
                throw .interrupted(t: startTime + Double(stepIndex) * stepSize, step: stepIndex)
            }
            if stepIndex == nextSave { nextSave = save(stepIndex, y) }
            stepIndex &+= 1
        }
        let statistics = SolveStatistics(steps: steps, accepted: steps, rejected: 0, functionEvaluations: steps * s)
        return Solution(dimension: n, times: times, states: saved, stepIndices: savedSteps, statistics: statistics)
    }

    @usableFromInline
    func validate(dimension: Int, initialCount: Int) throws(SolveFailure) {
        guard initialCount == dimension else {
            throw .invalidProblem(
                "the initial state has \(initialCount) components but the system has \(dimension)")
        }
        guard stepSize.isFinite, stepSize > 0 else {
            throw .invalidProblem("the step size h must be a positive number, not \(stepSize)")
        }
        guard steps >= 0 else { throw .invalidProblem("the number of steps must not be negative") }
        if let problem = saving.problem { throw .invalidProblem(problem) }
    }

    /// The saving as an interval between saved steps (0 when the steps are listed) or a list of
    /// step indices within `0...steps`.
    @usableFromInline
    func savingPlan(startTime: Double) throws(SolveFailure) -> (every: Int, listed: [Int]) {
        switch saving {
        case .steps: return (1, [])
        case let .every(n): return (n, [])
        case .final: return (0, [steps])
        case let .stepIndices(indices):
            if let outside = indices.first(where: { $0 > steps }) {
                throw .invalidProblem("saved step index \(outside) lies beyond the last step, \(steps)")
            }
            return (0, indices)
        case let .times(times):
            return (0, try gridSteps(of: times, startTime: startTime))
        }
    }

    /// The step indices of `times` on the grid `startTime + i·h` (i in 0...steps), which must
    /// increase strictly and lie on it.
    @usableFromInline
    func gridSteps(of times: [Double], startTime: Double) throws(SolveFailure) -> [Int] {
        var indices = [Int]()
        indices.reserveCapacity(times.count)
        for time in times {
            let position = (time - startTime) / stepSize
            let index = position.rounded()
            guard position.isFinite, index >= 0, index <= Double(steps),
                  abs(position - index) <= 1e-9 * max(1, abs(position)) else {
                throw .invalidProblem("t_eval value \(time) is not on the step grid \(startTime) + i·\(stepSize), i in 0...\(steps)")
            }
            if let previous = indices.last, Int(index) <= previous { throw .invalidProblem("t_eval must be strictly increasing") }
            indices.append(Int(index))
        }
        return indices
    }

    /// This solver keeping the points `saving` names.
    @inlinable
    public func with(saving: SaveAt) -> FixedStepSolver {
        var copy = FixedStepSolver(tableau: tableau, stepSize: stepSize, steps: steps, saving: saving)
        copy.interruption = interruption
        return copy
    }
}
