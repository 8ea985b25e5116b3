import Foundation
import Learning
import ODE

/// Infers a model's parameters from observations by gradient descent on the squared error at the
/// observed points only (the source article's masked loss), with the exact gradient of the fixed-step
/// recurrence (backpropagation through the steps).
struct ParameterFit<Field: DifferentiableField> {
    let field: Field
    let settings: FitOptions.Settings
    /// The solve differentiated: fixed-step, or adaptive.
    let solve: ODESolve
    let startTime: Double
    let initialState: [Double]
    /// For each observation, the observed (state index, value) pairs.
    let points: [[(state: Int, value: Double)]]

    struct Result {
        var fitted: Field
        var history: [Double]
        var finalLoss: Double
        var gradientEvaluations: Int
    }

    /// The observation times (adaptive recurrences land on them).
    let times: [Double]

    init(field: Field, settings: FitOptions.Settings, solve: ODESolve, startTime: Double, initialState: [Double],
         observations: Observations, stateNames: [String]) {
        self.field = field
        self.settings = settings
        self.solve = solve
        self.startTime = startTime
        self.initialState = initialState
        times = observations.times
        points = observations.times.indices.map { row in
            observations.columns.compactMap { column -> (state: Int, value: Double)? in
                guard let value = column.values[row], let index = stateNames.firstIndex(of: column.name) else { return nil }
                return (index, value)
            }
        }
    }

    /// The gradient of `loss` through the recurrence, for `model`.
    func gradient<Model: DifferentiableField>(_ model: Model, _ loss: PointLoss) throws(SolveFailure) -> LossGradient {
        try solve.gradient(model, initialState: initialState, from: startTime, observationTimes: times, loss: loss,
                           by: settings.gradientMethod)
    }

    /// The loss and its gradient with respect to the parameters θ.
    func lossAndGradient(_ theta: [Double]) throws(SolveFailure) -> LossGradient {
        let model = field.withParameters(theta)
        let points = self.points
        let loss: PointLoss = { index, state, gradient in
            for i in 0..<gradient.count { gradient[i] = 0 }
            var sum = 0.0
            for (component, target) in points[index] {
                let error = state[component] - target
                gradient[component] += 2 * error
                sum += error * error
            }
            return sum
        }
        return try clippedGradient(model, loss)
    }

    /// The gradient through the recurrence, of the model clipped as the block asks.
    func clippedGradient(_ model: Field, _ loss: PointLoss) throws(SolveFailure) -> LossGradient {
        if let clip = settings.clip { return try gradient(ClippedField(field: model, bound: clip), loss) }
        return try gradient(model, loss)
    }

    // The optimisers work on variables φ: θ itself, or φ = log θ when the parameters must stay positive.

    /// The starting variables.
    var startVariables: [Double] { settings.positive ? settings.initial.map { log($0) } : settings.initial }

    /// The parameters θ for variables φ.
    func parameters(_ variables: [Double]) -> [Double] { settings.positive ? variables.map { exp($0) } : variables }

    /// ∂/∂φ from ∂/∂θ at θ (the chain rule through θ = exp φ).
    func variableGradient(_ gradient: [Double], at theta: [Double]) -> [Double] {
        settings.positive ? zip(gradient, theta).map { $0 * $1 } : gradient
    }

    /// The result of a second-order method, after checking its last loss.
    func finished(variables: [Double], history: [Double], evaluations: Int) throws(BlockFailure) -> Result {
        guard let final = history.last, final.isFinite else {
            throw BlockFailure("the fit diverged: the loss is not finite")
        }
        return Result(fitted: field.withParameters(parameters(variables)), history: history, finalLoss: final,
                      gradientEvaluations: evaluations)
    }

    /// A failure of a second-order method as the block reports it (a stop asked for by the
    /// monitor passes through as it is).
    func failure(_ error: any Error) -> BlockFailure {
        if let stopped = error as? BlockFailure { return stopped }
        if let failure = error as? SolveFailure {
            return BlockFailure("the fit failed: \(failure.message); try other starting values or set fit.clip")
        }
        return BlockFailure("the fit failed: \(error)")
    }

    /// Fits, reporting each epoch (or evaluation, for L-BFGS and Levenberg–Marquardt) to `monitor`
    /// and stopping when it says so.
    func run(monitor: RunMonitor) throws(BlockFailure) -> Result {
        let kind: OptimizerKind
        switch settings.optimizer.algorithm {
        case let .firstOrder(firstOrder): kind = firstOrder
        case .lbfgs: return try runLBFGS(monitor: monitor)
        case .levenbergMarquardt: return try runLevenbergMarquardt(monitor: monitor)
        }
        var variables = startVariables
        var optimizer = kind.make(count: variables.count, learningRate: settings.learningRate, epsilon: settings.epsilon)
        var history = [Double]()
        history.reserveCapacity(settings.epochs)
        var evaluations = 0
        for epoch in 0..<settings.epochs {
            let theta = parameters(variables)
            let result: LossGradient
            do { result = try lossAndGradient(theta) } catch {
                throw BlockFailure("the fit diverged at epoch \(epoch + 1): \(error.message); lower lr, or set fit.clip")
            }
            evaluations += 1
            guard result.loss.isFinite, result.parameters.allSatisfy(\.isFinite) else {
                throw BlockFailure("the fit diverged at epoch \(epoch + 1): the loss or its gradient is not finite; lower lr, or set fit.clip")
            }
            history.append(result.loss)
            if settings.tolerance > 0, history.count > 1 {
                let previous = history[history.count - 2]
                if (previous - result.loss) / max(abs(previous), 1e-300) < settings.tolerance { break }
            }
            optimizer.step(parameters: &variables, gradient: variableGradient(result.parameters, at: theta))
            guard monitor.report(done: epoch + 1, total: settings.epochs, unit: "epochs") else {
                throw BlockFailure("the fit stopped after epoch \(epoch + 1) of \(settings.epochs)")
            }
        }
        let fitted = parameters(variables)
        let final: Double
        do { final = try lossAndGradient(fitted).loss } catch {
            throw BlockFailure("the fitted parameters make the solve fail: \(error.message)")
        }
        guard final.isFinite else { throw BlockFailure("the fit diverged: the final loss is not finite; lower lr, or set fit.clip") }
        return Result(fitted: field.withParameters(fitted), history: history, finalLoss: final, gradientEvaluations: evaluations + 1)
    }

    /// Levenberg–Marquardt on the residuals `y_c(t_k) − d_ck` at the observed points; each row of
    /// the Jacobian is one backpropagation through the recurrence.
    private func runLevenbergMarquardt(monitor: RunMonitor) throws(BlockFailure) -> Result {
        let rows = points.enumerated().flatMap { index, point in point.map { (index, $0.state, $0.value) } }
        var passes = 0, evaluations = 0
        let model: LevenbergMarquardt.Model = { variables in
            guard monitor.report(done: evaluations, total: nil, unit: "evaluations") else {
                throw BlockFailure("the fit stopped after \(evaluations) evaluations")
            }
            let first = evaluations == 0
            evaluations += 1
            let theta = parameters(variables)
            let base = field.withParameters(theta)
            var residuals = [Double](), jacobian = [Double]()
            for (observation, component, target) in rows {
                let loss: PointLoss = { index, state, gradient in
                    for i in 0..<gradient.count { gradient[i] = 0 }
                    guard index == observation else { return 0 }
                    gradient[component] = 1
                    return state[component] - target
                }
                let row: LossGradient
                // Where the solve fails, the start is an error and a trial point has no value.
                do { row = try clippedGradient(base, loss) } catch {
                    if first { throw error }
                    return nil
                }
                passes += 1
                residuals.append(row.loss)
                jacobian += variableGradient(row.parameters, at: theta)
            }
            return (residuals, jacobian)
        }
        let result: LevenbergMarquardt.Result
        do {
            result = try LevenbergMarquardt(maximumIterations: settings.epochs, tolerance: max(settings.tolerance, 1e-15))
                .minimize(from: startVariables, model)
        } catch { throw failure(error) }
        return try finished(variables: result.parameters, history: result.costs.map { 2 * $0 }, evaluations: passes)
    }

    /// L-BFGS with a Wolfe line search on the loss; a point where the solve blows up is a failed
    /// trial of the line search.
    private func runLBFGS(monitor: RunMonitor) throws(BlockFailure) -> Result {
        var evaluations = 0
        let objective: LBFGS.Objective = { variables in
            guard monitor.report(done: evaluations, total: nil, unit: "evaluations") else {
                throw BlockFailure("the fit stopped after \(evaluations) evaluations")
            }
            let theta = parameters(variables)
            let result: LossGradient
            // Where the solve fails, the start is an error and a trial point has no value.
            do { result = try lossAndGradient(theta) } catch {
                if evaluations == 0 { throw error }
                return nil
            }
            evaluations += 1
            return (result.loss, variableGradient(result.parameters, at: theta))
        }
        let result: LBFGS.Result
        do {
            result = try LBFGS(maximumIterations: settings.epochs, tolerance: max(settings.tolerance, 1e-15))
                .minimize(from: startVariables, objective)
        } catch { throw failure(error) }
        return try finished(variables: result.parameters, history: result.values, evaluations: evaluations)
    }
}
