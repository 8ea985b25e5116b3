/// How the continuous adjoint gets the forward state `y(t)` on its way back, and with which
/// tolerances it solves backwards.
public struct AdjointOptions: Sendable, Equatable {
    /// Where the backward pass finds `y(t)`.
    public enum State: String, Sendable, CaseIterable {
        /// Re-solve `y` backwards beside the adjoint (Chen et al. 2018): memory independent of the
        /// number of steps, but a backward solve of a contracting system is expanding, so the
        /// re-solved `y` can drift from the forward one between observations (it is restarted from
        /// the forward solution at each of them).
        case backsolve
        /// Keep every accepted forward step and interpolate `y(t)` (cubic Hermite on each step, from
        /// the states and slopes at its ends): the backward pass is stable whatever the dynamics
        /// and solves only the adjoint, but memory grows with the number of steps, as for backprop.
        case interpolate
    }

    /// Where the backward pass finds `y(t)`.
    public var state: State
    /// Relative tolerance of the backward solve (`nil`: the forward one).
    public var relativeTolerance: Double?
    /// Absolute tolerance of the backward solve (`nil`: the forward one).
    public var absoluteTolerance: Double?

    /// Options; by default back-solving with the forward tolerances.
    public init(state: State = .backsolve, relativeTolerance: Double? = nil, absoluteTolerance: Double? = nil) {
        self.state = state
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
    }

    /// The tolerances of the backward solve of a system whose first `stateCount` components are
    /// the forward state and whose other `extraCount` components are adjoints: the backward ones
    /// when given, else the forward ones, per-component forward tolerances being kept for the
    /// state and their strictest value used for the adjoints.
    @usableFromInline
    func backwardTolerances(forward: Tolerances, stateCount: Int, extraCount: Int) -> Tolerances {
        func extend(_ values: [Double], _ override: Double?) -> [Double] {
            if let override { return [override] }
            if values.count == 1 { return values }
            return values + [Double](repeating: values.min() ?? 0, count: extraCount)
        }
        var relative = extend(forward.relative, relativeTolerance), absolute = extend(forward.absolute, absoluteTolerance)
        if stateCount == 0 {
            // No state in the backward system: per-component values reduce to their strictest.
            if relative.count > 1 { relative = [relative.min()!] }
            if absolute.count > 1 { absolute = [absolute.min()!] }
        }
        return Tolerances(relative: relative, absolute: absolute)
    }
}
