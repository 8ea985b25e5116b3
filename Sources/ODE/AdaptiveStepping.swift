/// The checks and step bookkeeping every adaptive solver (explicit or Rosenbrock) shares.
@usableFromInline
enum AdaptiveStepping {
    /// Checks the problem's shape, interval, tolerances and output times; returns the direction
    /// of integration (±1) and the output times to hit by dense output.
    @usableFromInline
    static func validate(
        initialCount: Int, dimension: Int, from startTime: Double, to endTime: Double,
        tolerances: Tolerances, saveAt: SaveAt
    ) throws(SolveFailure) -> (direction: Double, saveTimes: [Double]) {
        guard initialCount == dimension else {
            throw .invalidProblem("the initial state has \(initialCount) components but the system has \(dimension)")
        }
        guard startTime.isFinite, endTime.isFinite else { throw .invalidProblem("the time interval must be finite") }
        if let problem = tolerances.problem(dimension: dimension) { throw .invalidProblem(problem) }
        let direction: Double = endTime >= startTime ? 1 : -1
        guard case let .times(times) = saveAt else { return (direction, []) }
        for (index, time) in times.enumerated() {
            guard time.isFinite, (time - startTime) * direction >= 0, (endTime - time) * direction >= 0 else {
                throw .invalidProblem("t_eval value \(time) lies outside the interval [\(startTime), \(endTime)]")
            }
            if index > 0, (time - times[index - 1]) * direction <= 0 {
                throw .invalidProblem("t_eval must be strictly \(direction > 0 ? "increasing" : "decreasing")")
            }
        }
        return (direction, times)
    }

    /// Before each attempted step: stops at `max_steps`, shortens the step to land on the end
    /// (returning whether it is the last), and stops when the step has underflowed — reporting
    /// a non-finite state instead when that is what drove the step down.
    @inlinable
    static func prepareStep(
        h: inout Double, t: Double, endTime: Double, statistics: SolveStatistics, maximumSteps: Int,
        lastNonFinite: (t: Double, component: Int)?
    ) throws(SolveFailure) -> Bool {
        if statistics.steps >= maximumSteps {
            throw .maxStepsReached(t: t, maxSteps: maximumSteps)
        }
        let remaining = abs(endTime - t)
        var last = false
        if h >= remaining * (1 - 1e-12) {
            h = remaining
            last = true
        }
        if h < 16 * Double.ulpOfOne * max(abs(t), 1e-300) || h == 0 {
            if let nonFinite = lastNonFinite {
                throw .nonFiniteState(t: nonFinite.t, step: statistics.accepted, component: nonFinite.component)
            }
            throw .stepSizeUnderflow(t: t, h: h)
        }
        return last
    }
}
