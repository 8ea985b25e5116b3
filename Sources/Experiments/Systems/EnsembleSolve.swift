import BatchSolvers
import Foundation
import ODE

/// The members of an ensemble solved on one time grid: every member's own initial state and
/// parameters, either each with its own steps (spread over the cores) or all as one system with
/// one shared step.
struct EnsembleSolve<Field: JacobianField & DifferentiableField>: Sendable {
    /// The model with the block's parameters.
    let field: Field
    /// The solve's method, interval and tolerances.
    let settings: SolveSettings
    /// The output times (increasing, on the step grid for fixed steps, the last one t_end).
    let times: [Double]
    /// Whether the members share one step.
    let sharedStep: Bool

    /// The output grid of a solve: `t_eval` (with t_end after it if it stops before), else about
    /// `points` times evenly spaced over the interval (fixed steps: every few steps, the last
    /// step included).
    static func grid(_ settings: SolveSettings, points: Int = 200) -> [Double] {
        if let given = settings.outputTimes, !given.isEmpty {
            return given.last == settings.endTime ? given : given + [settings.endTime]
        }
        if case .fixedStep = settings.family {
            let stride = max(1, settings.steps / points)
            var indices = Array(Swift.stride(from: 0, through: settings.steps, by: stride))
            if indices.last != settings.steps { indices.append(settings.steps) }
            return indices.map { settings.startTime + Double($0) * settings.stepSize }
        }
        let span = settings.endTime - settings.startTime
        return (0...points).map { $0 == points ? settings.endTime : settings.startTime + span * Double($0) / Double(points) }
    }

    /// Solves `members` members from `initialStates` (`members × states`) with `parameters`
    /// (`members × parameterCount`), stopping when `shouldStop` says so; `progress` hears about
    /// how many members are done (estimated from the first worker's share).
    func solve(members: Int, initialStates: [Double], parameters: [Double],
               shouldStop: @escaping @Sendable () -> Bool,
               progress: @escaping @Sendable (Int) -> Void = { _ in }) throws(SolveFailure) -> EnsembleResult {
        let d = field.dimension, p = field.parameterCount, count = times.count
        guard members > 0, initialStates.count == members * d, parameters.count == members * p else {
            throw .invalidProblem("the ensemble's draws do not match its \(members) members")
        }
        let fields = (0..<members).map { member in
            p == 0 ? field : field.withParameters(Array(parameters[member * p..<(member + 1) * p]))
        }
        if sharedStep {
            var settings = self.settings
            settings.tolerances = Tolerances(relative: Self.repeated(settings.tolerances.relative, d: d, members: members),
                                             absolute: Self.repeated(settings.tolerances.absolute, d: d, members: members))
            let system = EnsembleField(members: fields)
            let solution = try settings.odeSolve.solve(system, initialState: initialStates, from: settings.startTime,
                                                       to: settings.endTime, saveAt: .times(times))
            guard solution.count == count else { throw .invalidProblem("the shared solve did not reach every output time") }
            var values = [Double](repeating: 0, count: members * count * d)
            for k in 0..<count {
                let state = solution.state(at: k)
                var index = state.startIndex
                for member in 0..<members {
                    for i in 0..<d {
                        values[(member * count + k) * d + i] = state[index]
                        index += 1
                    }
                }
            }
            return EnsembleResult(members: members, states: d, times: times, values: values, statistics: solution.statistics)
        }
        let settings = self.settings
        let times = self.times
        // An explicit adaptive method reuses one workspace per worker, as the batch solver does.
        var adaptive: AdaptiveSolver?
        if case let .adaptive(tableau) = settings.family { adaptive = AdaptiveSolver(tableau: tableau, controller: settings.controller) }
        let solver = adaptive
        let (values, statistics) = try MemberSolves.run(
            members: members, valuesPerMember: count * d, workers: ProcessInfo.processInfo.activeProcessorCount, filling: .nan,
            scratch: { solver.map { AdaptiveWorkspace<Double>(dimension: d, stages: $0.tableau.workspaceStages) } },
            shouldStop: shouldStop, progress: progress
        ) { member, workspace throws(SolveFailure) in
            let initial = Array(initialStates[member * d..<(member + 1) * d])
            let solution = if let solver, let workspace {
                try solver.solve(fields[member], initialState: initial, from: settings.startTime, to: settings.endTime,
                                 saveAt: .times(times), workspace: workspace)
            } else {
                try settings.solve(fields[member], initialState: initial, at: times)
            }
            guard solution.count == count else {
                throw .invalidProblem("the solve of member \(member + 1) did not reach every output time")
            }
            return (solution.states, solution.statistics)
        }
        return EnsembleResult(members: members, states: d, times: times, values: values, statistics: statistics)
    }

    /// Tolerances of one member (one value, or one per state) repeated for every member.
    private static func repeated(_ values: [Double], d: Int, members: Int) -> [Double] {
        values.count <= 1 ? values : (0..<members).flatMap { _ in values }
    }
}
