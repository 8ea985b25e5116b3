/// How the step size of a solve is chosen (diffrax's `stepsize_controller`): constant, or
/// adapted to an error estimate by a controller.
public enum Stepping: Sendable, Equatable {
    /// `steps` steps of size `stepSize` from the start time.
    case constant(stepSize: Double, steps: Int)
    /// Steps chosen by `controller` from the method's error estimate, to the end time.
    case adaptive(StepSizeController)
}

/// How the gradient of a loss flows through a solve (diffrax's `adjoint`).
public enum GradientMethod: Sendable, Equatable {
    /// Backpropagation through the solver's steps (discretise-then-optimise; torchdiffeq's `odeint`).
    case backprop
    /// Backpropagation keeping only `checkpoints` states of a constant-step solve and recomputing
    /// between them (memory O(checkpoints + steps/checkpoints)).
    case checkpointedBackprop(checkpoints: Int)
    /// The continuous adjoint solved backwards (optimise-then-discretise; `odeint_adjoint`).
    case adjoint(AdjointOptions)
}

/// The one entry point for solving an ODE and for the gradient of a loss through a solve
/// (diffrax's `diffeqsolve(solver, stepsize_controller, saveat, adjoint)`): the method, the
/// stepping, the saving and the gradient method are independent values, and the combinations
/// that cannot work are refused here, in one place, with a typed failure.
public struct ODESolve: Sendable {
    /// The method and its coefficients.
    public let method: SolverDescription.Method
    /// Constant or adaptive steps.
    public let stepping: Stepping
    /// The explicit solver the choices make (built once), or why they make none.
    @usableFromInline let explicit: Result<ExplicitSolver, SolveFailure>

    /// A solve with `method` and `stepping`; `interruption` is asked during long constant-step
    /// solves whether to stop (an adaptive controller carries its own).
    public init(method: SolverDescription.Method, stepping: Stepping, interruption: SolveInterruption? = nil) {
        self.method = method
        self.stepping = stepping
        switch (method, stepping) {
        case let (.rosenbrock(rosenbrock), _):
            explicit = .failure(.invalidProblem("\(rosenbrock.name) is a Rosenbrock method: it needs the field's Jacobian and is not differentiated"))
        case let (.explicit(tableau), .constant(stepSize, steps)):
            var solver = FixedStepSolver(tableau: tableau, stepSize: stepSize, steps: steps)
            solver.interruption = interruption
            explicit = .success(.fixed(solver))
        case let (.explicit(tableau), .adaptive(controller)):
            explicit = tableau.isAdaptive
                ? .success(.adaptive(AdaptiveSolver(tableau: tableau, controller: controller)))
                : .failure(.invalidProblem("\(tableau.name) has no error estimate to adapt its step: give h and steps, or choose an adaptive method"))
        }
    }

    /// A solve by an adaptive explicit solver as it is configured.
    public init(_ solver: AdaptiveSolver) {
        method = .explicit(solver.tableau)
        stepping = .adaptive(solver.controller)
        explicit = .success(.adaptive(solver))
    }

    /// A solve by a fixed-step solver as it is configured.
    public init(_ solver: FixedStepSolver) {
        method = .explicit(solver.tableau)
        stepping = .constant(stepSize: solver.stepSize, steps: solver.steps)
        explicit = .success(.fixed(solver))
    }

    /// The explicit solver this solve runs, or the reason it cannot run with an explicit method.
    @inlinable
    func explicitSolver() throws(SolveFailure) -> ExplicitSolver {
        switch explicit {
        case let .success(solver): return solver
        case let .failure(failure): throw failure
        }
    }

    /// Solves `field` from `initialState` at `startTime` to `endTime` (an adaptive solve; a
    /// constant-step solve ends after its steps), keeping the points `saveAt` names.
    @inlinable
    public func solve<Field: VectorField>(
        _ field: Field, initialState: [Field.Scalar], from startTime: Double, to endTime: Double, saveAt: SaveAt
    ) throws(SolveFailure) -> Solution {
        switch try explicitSolver() {
        case let .fixed(solver):
            return try solver.with(saving: saveAt).solve(field, initialState: initialState, startTime: startTime)
        case let .adaptive(solver):
            return try solver.solve(field, initialState: initialState, from: startTime, to: endTime, saveAt: saveAt)
        }
    }

    /// Solves as above with any method, Rosenbrock included (the field gives its Jacobian).
    @inlinable
    public func solve<Field: JacobianField>(
        _ field: Field, initialState: [Double], from startTime: Double, to endTime: Double, saveAt: SaveAt
    ) throws(SolveFailure) -> Solution {
        guard case let .rosenbrock(rosenbrock) = method else {
            switch try explicitSolver() {
            case let .fixed(solver):
                return try solver.with(saving: saveAt).solve(field, initialState: initialState, startTime: startTime)
            case let .adaptive(solver):
                return try solver.solve(field, initialState: initialState, from: startTime, to: endTime, saveAt: saveAt)
            }
        }
        guard case let .adaptive(controller) = stepping else {
            throw .invalidProblem("\(rosenbrock.name) adapts its step to rtol and atol: it takes no constant step")
        }
        return try RosenbrockSolver(method: rosenbrock, controller: controller)
            .solve(field, initialState: initialState, from: startTime, to: endTime, saveAt: saveAt)
    }

    /// The gradient of a loss made of `loss` terms at `observationTimes` (increasing from
    /// `startTime`; on the step grid for constant steps) with respect to the parameters and the
    /// initial state, by `gradient`. `workspace` keeps storage across calls (a fit's epochs).
    @inlinable
    public func gradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], from startTime: Double, observationTimes: [Double], loss: PointLoss,
        by gradient: GradientMethod, workspace: inout GradientWorkspace
    ) throws(SolveFailure) -> LossGradient {
        switch (try explicitSolver(), gradient) {
        case let (.fixed(solver), .backprop), let (.fixed(solver), .checkpointedBackprop):
            var checkpoints = 0
            if case let .checkpointedBackprop(count) = gradient { checkpoints = count }
            let steps = try solver.gridSteps(of: observationTimes, startTime: startTime)
            return try solver.gradient(field, initialState: initialState, startTime: startTime, observationSteps: steps,
                                       checkpoints: checkpoints, loss: loss, workspace: &workspace)
        case (.fixed, .adjoint):
            throw .invalidProblem("the adjoint is solved backwards with an adaptive method: choose one, or backprop")
        case let (.adaptive(solver), .backprop):
            return try solver.gradient(field, initialState: initialState, from: startTime, observationTimes: observationTimes, loss: loss)
        case (.adaptive, .checkpointedBackprop):
            throw .invalidProblem("checkpoints apply to backprop through a constant-step solve")
        case let (.adaptive(solver), .adjoint(options)):
            return try solver.adjointGradient(field, initialState: initialState, from: startTime, observationTimes: observationTimes,
                                              loss: loss, options: options)
        }
    }

    /// The gradient as above with storage of its own.
    @inlinable
    public func gradient<Field: DifferentiableField>(
        _ field: Field, initialState: [Double], from startTime: Double, observationTimes: [Double], loss: PointLoss,
        by gradient: GradientMethod
    ) throws(SolveFailure) -> LossGradient {
        var workspace = GradientWorkspace()
        return try self.gradient(field, initialState: initialState, from: startTime, observationTimes: observationTimes, loss: loss,
                                 by: gradient, workspace: &workspace)
    }
}

/// An explicit solver with its stepping, as `ODESolve` runs it.
@usableFromInline
enum ExplicitSolver: Sendable {
    case fixed(FixedStepSolver)
    case adaptive(AdaptiveSolver)
}
