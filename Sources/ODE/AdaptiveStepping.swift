/// The checks and step bookkeeping every adaptive solver (explicit or Rosenbrock) shares.
@usableFromInline
package enum AdaptiveStepping {
    /// Checks the problem's shape, interval, tolerances and output times; returns the direction
    /// of integration (±1) and the output times to hit by dense output.
    @usableFromInline
    package static func validate(
        initialCount: Int, dimension: Int, from startTime: Double, to endTime: Double,
        tolerances: Tolerances, saveAt: SaveAt
    ) throws(SolveFailure) -> (direction: Double, saveTimes: [Double]) {
        guard initialCount == dimension else {
            throw .invalidProblem("the initial state has \(initialCount) components but the system has \(dimension)")
        }
        guard startTime.isFinite, endTime.isFinite else { throw .invalidProblem("the time interval must be finite") }
        if let problem = tolerances.problem(dimension: dimension) { throw .invalidProblem(problem) }
        if let problem = saveAt.problem { throw .invalidProblem(problem) }
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
    package static func prepareStep(
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

/// The step-size state of an adaptive solve and the rules every adaptive loop applies to it: before
/// a step (limits, landing on the end), after its error estimate (accept or shrink), after
/// acceptance (the PI update).
@usableFromInline
package struct StepControl {
    /// The step size for the next attempt (magnitude).
    @usableFromInline package var h: Double
    @usableFromInline package var previousLogError = log(1e-4)
    @usableFromInline package var justRejected = false
    @usableFromInline package var lastNonFinite: (t: Double, component: Int)?
    @usableFromInline package let controller: StepSizeController
    /// The order of the local error estimate (h^q).
    @usableFromInline package let q: Int

    @inlinable
    package init(h: Double, controller: StepSizeController, q: Int) {
        self.h = h
        self.controller = controller
        self.q = q
    }

    /// Before an attempt: see `AdaptiveStepping.prepareStep`. Returns whether it is the last step.
    @inlinable
    package mutating func prepare(t: Double, endTime: Double, statistics: SolveStatistics) throws(SolveFailure) -> Bool {
        if let interruption = controller.interruption, interruption.stops(at: statistics.steps) {
            throw .interrupted(t: t, step: statistics.steps)
        }
        return try AdaptiveStepping.prepareStep(h: &h, t: t, endTime: endTime, statistics: statistics,
                                         maximumSteps: controller.maximumSteps, lastNonFinite: lastNonFinite)
    }

    /// After the error estimate (NaN when the proposed state is not finite, as `ErrorNorm` makes
    /// it): accepts the step (true), or records the rejection and shrinks the step (false).
    /// `failure` names where the state stopped being finite, when it did.
    @inlinable
    package mutating func judge(error: Double, failure: @autoclosure () -> (t: Double, component: Int),
                        statistics: inout SolveStatistics) -> Bool {
        guard error.isFinite, error <= 1 else {
            if !error.isFinite { lastNonFinite = failure() }
            statistics.rejected += 1
            h *= controller.rejectedFactor(error: error, q: q)
            justRejected = true
            return false
        }
        lastNonFinite = nil
        return true
    }

    /// Judges a step ending at `endOfStep` from its error estimate(s) by `ErrorNorm` (`secondary`
    /// for a combined estimator): returns whether it is accepted, and the error for `accept`.
    @inlinable
    package mutating func judge<Scalar: BinaryFloatingPoint>(
        error errorVector: UnsafeMutablePointer<Scalar>, secondary: UnsafeMutablePointer<Scalar>? = nil,
        y: UnsafeMutablePointer<Scalar>, yNew: UnsafeMutablePointer<Scalar>, relative: UnsafeMutablePointer<Double>,
        absolute: UnsafeMutablePointer<Double>, count n: Int, endOfStep: Double, statistics: inout SolveStatistics
    ) -> (accepted: Bool, error: Double) {
        let squares = ErrorNorm.squaredRatios(errorVector, y: y, yNew: yNew, relative: relative, absolute: absolute, range: 0..<n)
        let secondarySquares = secondary.map {
            ErrorNorm.squaredRatios($0, y: y, yNew: yNew, relative: relative, absolute: absolute, range: 0..<n)
        }
        let error = ErrorNorm.stepError(squares: squares, secondarySquares: secondarySquares, count: n)
        let accepted = judge(error: error, failure: (endOfStep, (0..<n).first { !yNew[$0].isFinite } ?? 0), statistics: &statistics)
        return (accepted, error)
    }

    /// After an accepted step with scaled error `error`: the PI update of the step size.
    @inlinable
    package mutating func accept(error: Double) {
        let logError = log(error)
        let factor = controller.acceptedFactor(logError: logError, previousLogError: previousLogError, q: q, justRejected: justRejected)
        previousLogError = max(logError, log(1e-4))
        justRejected = false
        h = min(h * factor, controller.maximumStep)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
