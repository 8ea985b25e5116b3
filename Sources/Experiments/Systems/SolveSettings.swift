import Expressions
import Foundation
import ODE

/// The solver choice and its controls, as the `{ode}` and `{species}` options give them: the one
/// place that turns options into a call of a fixed-step, adaptive or stiff solver.
public struct SolveSettings: Sendable, Equatable {
    /// How a solver named in a notebook works.
    public enum Family: Sendable, Equatable {
        case fixedStep(ButcherTableau)
        case adaptive(ButcherTableau)
        case stiff(RosenbrockMethod)
    }

    /// Every solver name a notebook may use, fixed-step first (`SolverCatalog`'s order).
    public static let solverNames: [String] = SolverCatalog.names

    /// The family of the solver called `name`, as `SolverCatalog` registers it.
    public static func family(of name: String) -> Family? {
        guard let solver = SolverCatalog.named(name) else { return nil }
        switch solver.method {
        case let .explicit(tableau): return tableau.isAdaptive ? .adaptive(tableau) : .fixedStep(tableau)
        case let .rosenbrock(method): return .stiff(method)
        }
    }

    public var family: Family
    public var startTime: Double
    public var endTime: Double
    /// Fixed-step size and count.
    public var stepSize: Double
    public var steps: Int
    public var tolerances: Tolerances
    public var maximumSteps: Int
    public var firstStep: Double?
    public var maximumStep: Double?
    public var saveEvery: Int
    public var outputTimes: [Double]?
    /// Asked during long solves whether to stop (set from the block's monitor when it runs).
    public var interruption: SolveInterruption?

    /// The most steps a fixed-step solve may take, and the most values a solve may save
    /// (states × saved points): beyond these a notebook asks for more memory or time than makes sense.
    public static let maximumFixedSteps = 100_000_000
    public static let maximumSavedValues = 50_000_000
    /// The smallest relative tolerance: below a hundred units of roundoff no step can meet it.
    public static let minimumRelativeTolerance = 100 * Double.ulpOfOne

    /// The index of `time` on the grid `start + i·h`, i in 0...steps, if it is on it.
    static func gridIndex(of time: Double, start: Double, h: Double, steps: Int) -> Int? {
        let index = (time - start) / h
        guard index.isFinite, index >= 0, index <= Double(steps) + 0.5,
              abs(index - index.rounded()) <= 1e-9 * max(1, abs(index)) else { return nil }
        return Int(index.rounded())
    }

    /// The solver's name.
    public var solverName: String {
        switch family {
        case let .fixedStep(tableau), let .adaptive(tableau): return tableau.name
        case let .stiff(method): return method.name
        }
    }

    /// Reads and cross-checks the solve options of a block. `states` names the components, for
    /// per-state tolerances; `defaultEnd` is the end time when the block gives neither `t_end` nor `h`
    /// and `steps`.
    static func make(_ options: ResolvedOptions, states: [String]) throws(OptionError) -> SolveSettings {
        let solver = options[SystemOptionSet.solver]
        guard let family = family(of: solver) else {
            throw OptionError("unknown solver '\(solver)'", at: options.position(of: "solver"))
        }
        let start = options[SystemOptionSet.startTime]
        let h = options[SystemOptionSet.stepSize]
        let steps = options[SystemOptionSet.steps]
        let end = options[SystemOptionSet.endTime]
        var settings = SolveSettings(
            family: family, startTime: start, endTime: start, stepSize: h ?? 0, steps: steps ?? 0,
            tolerances: Tolerances(relative: 1e-7, absolute: 1e-9), maximumSteps: options[SystemOptionSet.maxSteps],
            firstStep: options[SystemOptionSet.firstStep], maximumStep: options[SystemOptionSet.maxStep],
            saveEvery: options[SystemOptionSet.saveEvery], outputTimes: options[SystemOptionSet.tEval])
        if let times = settings.outputTimes, times.isEmpty {
            throw OptionError("t_eval is empty: give at least one output time, or leave t_eval out", at: options.position(of: "t_eval"))
        }
        switch family {
        case .fixedStep:
            guard let h else {
                throw OptionError("solver '\(solver)' takes fixed steps: give the step size h (and steps or t_end)", at: options.position(of: "solver"))
            }
            // `steps` counts only when written or overridden: {species} defaults it, and a written
            // t_end should then decide the number of steps.
            let explicitSteps = options.keyLines["steps"] != nil || options.overridden.contains("steps")
            if let steps, explicitSteps || end == nil {
                settings.steps = steps
                if let end, abs(start + h * Double(steps) - end) > 1e-9 * max(1, abs(end)) {
                    throw OptionError("t_end = \(OptionValue.format(end)) does not match t_start + h·steps = \(OptionValue.format(start + h * Double(steps))); give steps or t_end, not both", at: options.position(of: "t_end"))
                }
            } else if let end {
                let count = (end - start) / h
                guard count.isFinite, count >= 1, count <= Double(maximumFixedSteps) else {
                    throw OptionError("(t_end − t_start)/h = \(OptionValue.format(count)) steps: a fixed-step solve takes 1 to \(maximumFixedSteps) steps; adjust h or t_end", at: options.position(of: "h"))
                }
                guard abs(count - count.rounded()) <= 1e-9 * max(1, count) else {
                    throw OptionError("(t_end − t_start)/h = \(OptionValue.format(count)) is not a whole number of steps; adjust h or t_end", at: options.position(of: "h"))
                }
                settings.steps = Int(count.rounded())
            } else {
                throw OptionError("solver '\(solver)' needs steps or t_end as well as h", at: options.position(of: "h"))
            }
            guard settings.steps <= maximumFixedSteps else {
                throw OptionError("steps = \(settings.steps) is more than a fixed-step solve takes (at most \(maximumFixedSteps)); use a larger h or an adaptive solver", at: options.position(of: "steps"))
            }
            settings.endTime = start + h * Double(settings.steps)
            if let times = settings.outputTimes {
                var previous = -1
                for time in times {
                    guard let index = gridIndex(of: time, start: start, h: h, steps: settings.steps) else {
                        throw OptionError("t_eval value \(OptionValue.format(time)) is not a step of the fixed-step solve (t_start = \(OptionValue.format(start)), h = \(OptionValue.format(h)), \(settings.steps) steps)", at: options.position(of: "t_eval"))
                    }
                    guard index > previous else {
                        throw OptionError("t_eval must be in increasing order", at: options.position(of: "t_eval"))
                    }
                    previous = index
                }
            } else {
                let saved = (settings.steps / settings.saveEvery + 2) * max(states.count, 1)
                guard saved <= maximumSavedValues else {
                    throw OptionError("the solve would save \(settings.steps / settings.saveEvery + 1) points; raise save_every or give t_eval", at: options.position(of: "save_every"))
                }
            }
        case .adaptive, .stiff:
            if let end {
                settings.endTime = end
            } else if let h, let steps {
                settings.endTime = start + h * Double(steps)
            } else {
                throw OptionError("solver '\(solver)' adapts its steps: give t_end", at: options.position(of: "solver"))
            }
            guard settings.endTime != start else {
                throw OptionError("t_end must differ from t_start", at: options.position(of: "t_end"))
            }
            settings.tolerances = Tolerances(
                relative: try tolerance(options[SystemOptionSet.rtol], name: "rtol", states: states, options: options),
                absolute: try tolerance(options[SystemOptionSet.atol], name: "atol", states: states, options: options))
            if settings.tolerances.relative.contains(where: { $0 < minimumRelativeTolerance }) {
                throw OptionError("rtol must be at least \(OptionValue.format(minimumRelativeTolerance)) (a hundred units of roundoff); no step can be more accurate", at: options.position(of: "rtol"))
            }
            if let times = settings.outputTimes {
                let direction: Double = settings.endTime > start ? 1 : -1
                for (index, time) in times.enumerated() {
                    guard (time - start) * direction >= 0, (settings.endTime - time) * direction >= 0 else {
                        throw OptionError("t_eval value \(OptionValue.format(time)) lies outside [\(OptionValue.format(start)), \(OptionValue.format(settings.endTime))]", at: options.position(of: "t_eval"))
                    }
                    if index > 0, (time - times[index - 1]) * direction <= 0 {
                        throw OptionError("t_eval must be in increasing order", at: options.position(of: "t_eval"))
                    }
                }
            }
        }
        return settings
    }

    private static func tolerance(_ value: ToleranceValue, name: String, states: [String], options: ResolvedOptions) throws(OptionError) -> [Double] {
        switch value {
        case let .scalar(number): return [number]
        case let .perState(entries):
            var values = [Double]()
            for state in states {
                guard let entry = entries.first(where: { $0.name == state }) else {
                    throw OptionError("'\(name)' gives no value for state '\(state)'", at: options.position(of: name))
                }
                values.append(entry.value)
            }
            if let extra = entries.first(where: { !states.contains($0.name) }) {
                throw OptionError("'\(name)' names '\(extra.name)', which is not a state" + Suggestion.didYouMean(extra.name, in: states),
                                  at: options.position(of: "\(name).\(extra.name)"))
            }
            return values
        }
    }

    /// Solves `field` from `initialState`; `times` overrides the output times (observation times).
    public func solve<Field: JacobianField>(_ field: Field, initialState: [Double], at times: [Double]? = nil) throws(SolveFailure) -> Solution {
        let outputTimes = times ?? self.outputTimes
        let saveAt: SaveAt = outputTimes.map { .times($0) } ?? .every(saveEvery)
        return try odeSolve.solve(field, initialState: initialState, from: startTime, to: endTime, saveAt: saveAt)
    }

    /// The solve these settings describe: the method, constant or adaptive steps, the interruption.
    public var odeSolve: ODESolve {
        switch family {
        case let .fixedStep(tableau):
            return ODESolve(method: .explicit(tableau), stepping: .constant(stepSize: stepSize, steps: steps), interruption: interruption)
        case let .adaptive(tableau):
            return ODESolve(method: .explicit(tableau), stepping: .adaptive(controller))
        case let .stiff(method):
            return ODESolve(method: .rosenbrock(method), stepping: .adaptive(controller))
        }
    }

    /// The step-size controller these settings describe.
    public var controller: StepSizeController {
        var controller = StepSizeController(tolerances: tolerances)
        controller.maximumSteps = maximumSteps
        controller.maximumSavedValues = Self.maximumSavedValues
        controller.interruption = interruption
        controller.firstStep = firstStep
        if let maximumStep { controller.maximumStep = maximumStep }
        return controller
    }

}
