import Dispatch
import ODE
import Foundation

/// Integrates many independent trajectories of one field with one shared adaptive step (the
/// error norm taken over the whole batch, as diffrax does for a batch integrated as one system),
/// with the work of every step split over the cores by trajectory: trajectories couple only
/// through the error norm, so each worker computes all stages of its own trajectories and the
/// workers meet once per step.
///
/// The trajectories are stored and stepped in tiles of `tileTrajectories`: all stages of one
/// tile run before the next tile starts, so its stage inputs and slopes stay in the L1/L2 cache
/// instead of the whole batch streaming through memory once per stage. Only the state, the
/// proposed state and the first and last slopes are kept for the whole batch; an accepted step
/// swaps them rather than copying. Inside a tile the states are component-major when the field
/// can evaluate them so (`ComponentMajorBatchField`), else trajectory-major.
public struct SharedStepBatchSolver: Sendable {
    /// The method and step control (the tolerances are per component of one trajectory, or scalar).
    public let solver: AdaptiveSolver
    /// Worker threads (default: the number of active processors).
    public var workers: Int

    /// Trajectories per tile (all stages of a step are computed for one tile before the next): with
    /// two components, a tile's stage vectors and its share of the batch vectors fit in a 32 KiB L1.
    @usableFromInline static let tileTrajectories = 128
    /// Pieces of work per worker and step, taken dynamically, so that a worker delayed by other
    /// load does not hold the step up (the partial sums are added in a fixed order).
    @usableFromInline static let chunksPerWorker = 4

    /// Creates a solver.
    public init(solver: AdaptiveSolver, workers: Int? = nil) {
        self.solver = solver
        self.workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Solves from each state of `initialStates` (`count × dimension`, trajectory-major) over
    /// `[startTime, endTime]`; returns the final states. Statistics count evaluations of the whole
    /// batch, as for one system.
    @inlinable
    public func solve<Field: VectorField>(
        _ field: Field, initialStates: [Double], from startTime: Double, to endTime: Double
    ) throws(SolveFailure) -> BatchSolver.Result where Field.Scalar == Double {
        let tiles = TileEvaluation(dimension: field.dimension, componentMajor: false) { t, states, derivatives, _, count in
            field.evaluateBatch(t: t, states: states, derivatives: derivatives, count: count)
        }
        return try solve(tiles, initialStates: initialStates, from: startTime, to: endTime)
    }

    /// Solves as above with each tile stored component-major, for a field that evaluates a
    /// batch so (its loops then vectorise without shuffles).
    @inlinable
    public func solve<Field: ComponentMajorBatchField>(
        _ field: Field, initialStates: [Double], from startTime: Double, to endTime: Double
    ) throws(SolveFailure) -> BatchSolver.Result {
        let tiles = TileEvaluation(dimension: field.dimension, componentMajor: true) { t, states, derivatives, stride, count in
            field.evaluateComponentMajor(t: t, states: states, derivatives: derivatives, stride: stride, count: count)
        }
        return try solve(tiles, initialStates: initialStates, from: startTime, to: endTime)
    }

    @inlinable
    func solve(
        _ field: TileEvaluation, initialStates: [Double], from startTime: Double, to endTime: Double
    ) throws(SolveFailure) -> BatchSolver.Result {
        let tableau = solver.tableau
        let controller = solver.controller
        let d = field.dimension
        guard tableau.isAdaptive, d > 0, initialStates.count % d == 0, !initialStates.isEmpty else {
            throw .invalidProblem("an adaptive method and a batch of states of \(d) components are needed")
        }
        let tolerances = controller.tolerances
        guard tolerances.relative.count == 1 || tolerances.relative.count == d,
              tolerances.absolute.count == 1 || tolerances.absolute.count == d else {
            throw .invalidProblem("rtol and atol take one value, or one per component of a trajectory")
        }
        let n = initialStates.count, count = n / d
        let (direction, _) = try AdaptiveStepping.validate(
            initialCount: n, dimension: n, from: startTime, to: endTime,
            tolerances: Tolerances(relative: [tolerances.relative[0]], absolute: [tolerances.absolute[0]]), saveAt: .final)
        let s = tableau.stages
        let layout = TileLayout(count: count, dimension: d, tile: min(count, Self.tileTrajectories),
                                componentMajor: field.componentMajor)
        let m = layout.tileLength, stored = layout.tiles * m
        let chunks = min(layout.tiles, workers * Self.chunksPerWorker)
        let rows = s + 2  // per chunk: the stage input, slopes 1..<s and the two error estimates

        // Doubles: y, yNew, first and last slopes and two vectors of scratch for the first step
        // (all tiled); rtol and atol laid out as one tile; per chunk `rows` tile vectors and a
        // cache line for its partial sums.
        // The step's coefficients follow.
        let doubles = 6 * stored + 2 * m + chunks * (rows * m + 8)
        let storage = UnsafeMutableRawPointer.allocate(byteCount: 8 * doubles + RungeKuttaStep<Double>.byteCount(stages: s), alignment: 64)
            .initializeMemory(as: Double.self, repeating: 0, count: doubles)
        defer { storage.deallocate() }
        var y = storage, yNew = storage + stored, k0 = storage + 2 * stored, kLast = storage + 3 * stored
        let scratch = storage + 4 * stored, rtol = storage + 6 * stored, atol = rtol + m
        let work = atol + m, partial = work + chunks * rows * m
        let method = RungeKuttaStep<Double>(solver.coefficients, storage: UnsafeMutableRawPointer(storage + doubles))
        // Per chunk: the current tile's slope vectors.
        let slopeTable = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: chunks * s)
        defer { slopeTable.deallocate() }

        for trajectory in 0..<count {
            for component in 0..<d { y[layout.position(trajectory, component)] = initialStates[trajectory * d + component] }
        }
        for trajectory in 0..<layout.tile {
            for component in 0..<d {
                let position = layout.position(trajectory, component)
                rtol[position] = tolerances.relative(at: component)
                atol[position] = tolerances.absolute(at: component)
            }
        }
        var statistics = SolveStatistics()

        func evaluateAll(_ time: Double, _ input: UnsafeMutablePointer<Double>, _ output: UnsafeMutablePointer<Double>) {
            for tileIndex in 0..<layout.tiles {
                field.evaluate(t: time, states: input + tileIndex * m, derivatives: output + tileIndex * m,
                               stride: layout.tile, count: layout.trajectories(inTile: tileIndex))
            }
            statistics.functionEvaluations += 1
        }
        func norm(_ vector: UnsafeMutablePointer<Double>, _ reference: UnsafeMutablePointer<Double>) -> Double {
            var sum = 0.0
            for tileIndex in 0..<layout.tiles {
                let (segments, length) = layout.segments(inTile: tileIndex)
                for segment in 0..<segments {
                    let offset = segment * layout.tile
                    let squared = ErrorNorm.rms(vector + tileIndex * m + offset, reference: reference + tileIndex * m + offset,
                                                count: length, relative: rtol + offset, absolute: atol + offset)
                    sum += squared * squared * Double(length)
                }
            }
            return (sum / Double(n)).squareRoot()
        }
        var t = startTime
        evaluateAll(t, y, k0)
        let span = abs(endTime - startTime)
        let h = controller.firstStep.map(abs) ?? InitialStep.estimate(
            n: stored, t: t, y: y, f0: k0, f1: kLast, span: span, direction: direction, order: tableau.controlOrder - 1,
            evaluate: { time, input in evaluateAll(time, input, kLast) }, norm: norm, scratch: scratch)
        var control = StepControl(h: min(h, controller.maximumStep, span), controller: controller, q: tableau.controlOrder)
        // Without FSAL the first slope of a step is evaluated by the workers at its start.
        var refreshFirstSlope = false

        while (endTime - t) * direction > 0 {
            let last = try control.prepare(t: t, endTime: endTime, statistics: statistics)
            let signedH = control.h * direction
            method.scale(by: signedH)
            let step = TileStep(
                y: y, yNew: yNew, k0: k0, kLast: kLast, rtol: rtol, atol: atol, work: work, partial: partial,
                slopeTable: slopeTable, layout: layout, method: method, rows: rows, t: t, h: signedH,
                refreshFirstSlope: refreshFirstSlope)
            let tiles = layout.tiles
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                step.run(field, chunk: chunk, tiles: (tiles * chunk / chunks)..<(tiles * (chunk + 1) / chunks))
            }
            if refreshFirstSlope {
                statistics.functionEvaluations += 1
                refreshFirstSlope = false
            }
            statistics.functionEvaluations += s - 1
            statistics.steps += 1
            var sum = 0.0, secondarySum = 0.0
            for chunk in 0..<chunks {
                sum += partial[8 * chunk]
                secondarySum += partial[8 * chunk + 1]
            }
            let error = ErrorNorm.stepError(squares: sum, secondarySquares: method.hasSecondaryEstimate ? secondarySum : nil, count: n)
            guard control.judge(error: error, failure: (t + signedH, 0), statistics: &statistics) else {
                continue
            }
            swap(&y, &yNew)
            if method.isFSAL {
                swap(&k0, &kLast)
            } else {
                refreshFirstSlope = true
            }
            statistics.accepted += 1
            t = last ? endTime : t + signedH
            control.accept(error: error)
        }
        var finalStates = [Double](repeating: 0, count: n)
        for trajectory in 0..<count {
            for component in 0..<d { finalStates[trajectory * d + component] = y[layout.position(trajectory, component)] }
        }
        return BatchSolver.Result(finalStates: finalStates, statistics: statistics)
    }
}

/// A field that can evaluate a batch of states stored component-major, which the shared-step
/// batch solver uses inside its tiles.
public protocol ComponentMajorBatchField: VectorField where Scalar == Double {
    /// Writes `f(t, y)` for `count` states: component `j` of state `i` at `states[j * stride + i]`,
    /// its derivative at `derivatives[j * stride + i]`.
    func evaluateComponentMajor(t: Double, states: UnsafePointer<Double>, derivatives: UnsafeMutablePointer<Double>,
                                stride: Int, count: Int)
}

/// How the shared-step batch solver evaluates one tile of states: the field's batch evaluation,
/// trajectory-major (component `j` of the tile's `i`th state at `i * dimension + j`) or
/// component-major (at `j * stride + i`), for the first `count` states of a tile of `stride`.
@usableFromInline
struct TileEvaluation: @unchecked Sendable {
    /// Components per state.
    @usableFromInline let dimension: Int
    /// Whether a tile is component-major rather than trajectory-major.
    @usableFromInline let componentMajor: Bool
    /// Writes the derivatives of a tile's states: `(t, states, derivatives, stride, count)`.
    @usableFromInline let body: (Double, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, Int, Int) -> Void

    @inlinable
    init(dimension: Int, componentMajor: Bool,
         evaluate: @escaping (Double, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, Int, Int) -> Void) {
        self.dimension = dimension
        self.componentMajor = componentMajor
        body = evaluate
    }

    /// Evaluates the first `count` states of a tile of `stride`.
    @inlinable @inline(__always)
    func evaluate(t: Double, states: UnsafeMutablePointer<Double>, derivatives: UnsafeMutablePointer<Double>, stride: Int, count: Int) {
        body(t, states, derivatives, stride, count)
    }
}

/// Where each component of each trajectory lives: tile `i / tile` occupies `tile × dimension`
/// values from `(i / tile) × tileLength`, component-major or trajectory-major inside. Only the
/// last tile can be partly filled; its unused values are never read as states.
@usableFromInline
struct TileLayout: Sendable {
    @usableFromInline let count, dimension, tile, tiles, tileLength: Int
    @usableFromInline let componentMajor: Bool

    @inlinable
    init(count: Int, dimension: Int, tile: Int, componentMajor: Bool) {
        self.count = count
        self.dimension = dimension
        self.tile = tile
        self.componentMajor = componentMajor
        tiles = (count + tile - 1) / tile
        tileLength = tile * dimension
    }

    /// The storage index of a component of a trajectory.
    @inlinable
    func position(_ trajectory: Int, _ component: Int) -> Int {
        let tileIndex = trajectory / tile, inside = trajectory % tile
        return tileIndex * tileLength + (componentMajor ? component * tile + inside : inside * dimension + component)
    }

    /// The number of trajectories in a tile.
    @inlinable
    func trajectories(inTile tileIndex: Int) -> Int { min(tile, count &- tileIndex &* tile) }

    /// The used values of a tile: `segments` runs of `length` values, `tile` apart.
    @inlinable
    func segments(inTile tileIndex: Int) -> (segments: Int, length: Int) {
        let used = trajectories(inTile: tileIndex)
        if used == tile { return (1, tileLength) }
        return componentMajor ? (dimension, used) : (1, used &* dimension)
    }
}

/// One attempted step of a shared-step batch solve: the buffers and coefficients the workers
/// read, each chunk writing only its own tiles, tile vectors and partial sums.
@usableFromInline
struct TileStep: @unchecked Sendable {
    @usableFromInline let y, yNew, k0, kLast, rtol, atol, work, partial: UnsafeMutablePointer<Double>
    @usableFromInline let slopeTable: UnsafeMutablePointer<UnsafeMutablePointer<Double>>
    @usableFromInline let layout: TileLayout
    @usableFromInline let method: RungeKuttaStep<Double>
    @usableFromInline let rows: Int
    @usableFromInline let t: Double, h: Double, refreshFirstSlope: Bool

    @inlinable
    init(y: UnsafeMutablePointer<Double>, yNew: UnsafeMutablePointer<Double>, k0: UnsafeMutablePointer<Double>,
         kLast: UnsafeMutablePointer<Double>, rtol: UnsafeMutablePointer<Double>, atol: UnsafeMutablePointer<Double>,
         work: UnsafeMutablePointer<Double>, partial: UnsafeMutablePointer<Double>,
         slopeTable: UnsafeMutablePointer<UnsafeMutablePointer<Double>>, layout: TileLayout, method: RungeKuttaStep<Double>,
         rows: Int, t: Double, h: Double, refreshFirstSlope: Bool) {
        (self.y, self.yNew, self.k0, self.kLast, self.rtol, self.atol, self.work, self.partial) = (y, yNew, k0, kLast, rtol, atol, work, partial)
        (self.slopeTable, self.layout, self.method, self.rows) = (slopeTable, layout, method, rows)
        (self.t, self.h, self.refreshFirstSlope) = (t, h, refreshFirstSlope)
    }

    /// All stages, the proposed states and the error contributions of `tiles`, one tile at a
    /// time, by the one explicit step; stores the chunk's sums of squared scaled errors (NaN if a
    /// proposed state is not finite).
    @inlinable
    func run(_ field: TileEvaluation, chunk: Int, tiles: Range<Int>) {
        let s = method.stages, m = layout.tileLength, stride = layout.tile, fsal = method.isFSAL
        let base = work + chunk &* rows &* m
        let stageInput = base, error = base + s &* m, secondary = error + m
        let slopes = slopeTable + chunk &* s
        for stage in 1..<s { slopes[stage] = base + stage &* m }
        var squares = 0.0, secondarySquares = 0.0
        for tileIndex in tiles {
            let offset = tileIndex &* m, tileCount = layout.trajectories(inTile: tileIndex)
            let (segments, length) = layout.segments(inTile: tileIndex)
            let yTile = y + offset, yNewTile = yNew + offset
            slopes[0] = k0 + offset
            if fsal { slopes[s &- 1] = kLast + offset }
            if refreshFirstSlope { field.evaluate(t: t, states: yTile, derivatives: slopes[0], stride: stride, count: tileCount) }
            for stage in 1..<s {
                // The last stage input of an FSAL method is the proposed state itself.
                let input = fsal && stage == s &- 1 ? yNewTile : stageInput
                for segment in 0..<segments {
                    let start = segment &* stride
                    method.stageInput(stage, into: input, y: yTile, slopes: slopes, range: start..<(start &+ length))
                }
                field.evaluate(t: t + method.c[stage] * h, states: input, derivatives: slopes[stage], stride: stride, count: tileCount)
            }
            for segment in 0..<segments {
                let start = segment &* stride, range = start..<(start &+ length)
                if !fsal { method.proposedSolution(into: yNewTile, y: yTile, slopes: slopes, range: range) }
                method.errorEstimate(into: error, slopes: slopes, range: range)
                squares += ErrorNorm.squaredRatios(error, y: yTile, yNew: yNewTile, relative: rtol, absolute: atol, range: range)
                if method.hasSecondaryEstimate {
                    method.secondaryErrorEstimate(into: secondary, slopes: slopes, range: range)
                    secondarySquares += ErrorNorm.squaredRatios(secondary, y: yTile, yNew: yNewTile, relative: rtol, absolute: atol,
                                                                range: range)
                }
            }
        }
        partial[8 &* chunk] = squares
        partial[8 &* chunk &+ 1] = secondarySquares
    }
}
