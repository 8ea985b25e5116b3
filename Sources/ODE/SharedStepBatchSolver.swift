import Dispatch
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
        try solve(InterleavedTiles(field: field), initialStates: initialStates, from: startTime, to: endTime)
    }

    /// Solves as above with each tile stored component-major, for a field that evaluates a
    /// batch so (its loops then vectorise without shuffles).
    @inlinable
    public func solve<Field: ComponentMajorBatchField>(
        _ field: Field, initialStates: [Double], from startTime: Double, to endTime: Double
    ) throws(SolveFailure) -> BatchSolver.Result {
        try solve(ComponentMajorTiles(field: field), initialStates: initialStates, from: startTime, to: endTime)
    }

    @inlinable
    func solve<Tiles: TileEvaluation>(
        _ field: Tiles, initialStates: [Double], from startTime: Double, to endTime: Double
    ) throws(SolveFailure) -> BatchSolver.Result {
        let tableau = solver.tableau
        let controller = solver.controller
        let d = field.dimension
        guard tableau.isAdaptive, d > 0, initialStates.count % d == 0, !initialStates.isEmpty else {
            throw .invalidProblem("an adaptive method and a batch of states of \(d) components are needed")
        }
        guard tableau.secondaryWeights == nil else {
            throw .invalidProblem("\(tableau.name)'s combined error estimate is not supported by the shared-step batch solver; use dopri5 or tsit5")
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
        let fsal = tableau.isFSAL
        let layout = TileLayout(count: count, dimension: d, tile: min(count, Self.tileTrajectories),
                                componentMajor: Tiles.componentMajor)
        let m = layout.tileLength, stored = layout.tiles * m
        let chunks = min(layout.tiles, workers * Self.chunksPerWorker)
        let rows = s + 1  // per chunk: the stage input, slopes 1..<s and the error estimate

        // Doubles: y, yNew, first and last slopes and two vectors of scratch for the first step
        // (all tiled); rtol and atol laid out as one tile; the coefficients (s × s + 3 s); per
        // chunk `rows` tile vectors and a cache line for its partial sum.
        let doubles = 6 * stored + 2 * m + s * s + 3 * s + chunks * (rows * m + 8)
        let storage = UnsafeMutablePointer<Double>.allocate(capacity: doubles)
        storage.initialize(repeating: 0, count: doubles)
        defer { storage.deallocate() }
        var y = storage, yNew = storage + stored, k0 = storage + 2 * stored, kLast = storage + 3 * stored
        let scratch = storage + 4 * stored, rtol = storage + 6 * stored, atol = rtol + m
        let aScaled = atol + m, bScaled = aScaled + s * s, c = bScaled + s, e = c + s
        let work = e + s, partial = work + chunks * rows * m
        // Ints: the nonzero terms of each row of a, of b and of e, and their counts.
        let indices = UnsafeMutablePointer<Int>.allocate(capacity: s * s + 3 * s + 2)
        defer { indices.deallocate() }
        let aIndex = indices, bIndex = indices + s * s, eIndex = bIndex + s, aCount = eIndex + s
        let bCount = aCount + s, eCount = bCount + 1
        // Per chunk: the current tile's slope vectors.
        let slopeTable = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: chunks * s)
        defer { slopeTable.deallocate() }

        for trajectory in 0..<count {
            for component in 0..<d { y[layout.position(trajectory, component)] = initialStates[trajectory * d + component] }
        }
        for trajectory in 0..<layout.tile {
            for component in 0..<d {
                let position = layout.position(trajectory, component)
                rtol[position] = tolerances.relative.count == 1 ? tolerances.relative[0] : tolerances.relative[component]
                atol[position] = tolerances.absolute.count == 1 ? tolerances.absolute[0] : tolerances.absolute[component]
            }
        }
        let a = solver.flatA, b = tableau.b, errorWeights = solver.errorWeights
        for stage in 0..<s {
            var terms = 0
            for j in 0..<stage where a[stage * s + j] != 0 {
                aIndex[stage * s + terms] = j
                terms += 1
            }
            aCount[stage] = terms
            c[stage] = tableau.c[stage]
        }
        bCount[0] = 0
        eCount[0] = 0
        for i in 0..<s {
            if b[i] != 0 {
                bIndex[bCount[0]] = i
                bCount[0] += 1
            }
            if errorWeights[i] != 0 {
                e[eCount[0]] = errorWeights[i]
                eIndex[eCount[0]] = i
                eCount[0] += 1
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
                    for i in offset..<(offset + length) {
                        let ratio = vector[tileIndex * m + i] / (atol[i] + rtol[i] * abs(reference[tileIndex * m + i]))
                        sum += ratio * ratio
                    }
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
            for stage in 1..<s {
                for term in 0..<aCount[stage] { aScaled[stage * s + term] = signedH * a[stage * s + aIndex[stage * s + term]] }
            }
            for term in 0..<bCount[0] { bScaled[term] = signedH * b[bIndex[term]] }
            let step = TileStep(
                y: y, yNew: yNew, k0: k0, kLast: kLast, rtol: rtol, atol: atol, aScaled: aScaled, bScaled: bScaled,
                c: c, e: e, work: work, partial: partial, aIndex: aIndex, bIndex: bIndex, eIndex: eIndex, aCount: aCount,
                bCount: bCount[0], eCount: eCount[0], slopeTable: slopeTable, layout: layout,
                stages: s, fsal: fsal, rows: rows, t: t, h: signedH, refreshFirstSlope: refreshFirstSlope)
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
            var sum = 0.0
            for chunk in 0..<chunks { sum += partial[8 * chunk] }
            let error = (sum / Double(n)).squareRoot()
            guard control.judge(error: error, stateIsFinite: true, failure: (t + signedH, 0), statistics: &statistics) else {
                continue
            }
            swap(&y, &yNew)
            if fsal {
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

/// How the shared-step batch solver evaluates one tile of states.
@usableFromInline
protocol TileEvaluation: Sendable {
    /// Whether a tile is component-major (component `j` of its `i`th state at `j * stride + i`)
    /// rather than trajectory-major.
    static var componentMajor: Bool { get }
    /// Components per state.
    var dimension: Int { get }
    /// Writes the derivatives of the first `count` states of a tile of `stride` states.
    func evaluate(t: Double, states: UnsafeMutablePointer<Double>, derivatives: UnsafeMutablePointer<Double>, stride: Int, count: Int)
}

/// Trajectory-major tiles, evaluated by the field's `evaluateBatch`.
@usableFromInline
struct InterleavedTiles<Field: VectorField>: TileEvaluation where Field.Scalar == Double {
    @usableFromInline let field: Field
    @inlinable init(field: Field) { self.field = field }
    @inlinable static var componentMajor: Bool { false }
    @inlinable var dimension: Int { field.dimension }
    @inlinable @inline(__always)
    func evaluate(t: Double, states: UnsafeMutablePointer<Double>, derivatives: UnsafeMutablePointer<Double>, stride: Int, count: Int) {
        field.evaluateBatch(t: t, states: states, derivatives: derivatives, count: count)
    }
}

/// Component-major tiles, evaluated by the field's `evaluateComponentMajor`.
@usableFromInline
struct ComponentMajorTiles<Field: ComponentMajorBatchField>: TileEvaluation {
    @usableFromInline let field: Field
    @inlinable init(field: Field) { self.field = field }
    @inlinable static var componentMajor: Bool { true }
    @inlinable var dimension: Int { field.dimension }
    @inlinable @inline(__always)
    func evaluate(t: Double, states: UnsafeMutablePointer<Double>, derivatives: UnsafeMutablePointer<Double>, stride: Int, count: Int) {
        field.evaluateComponentMajor(t: t, states: states, derivatives: derivatives, stride: stride, count: count)
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
/// read, each chunk writing only its own tiles, tile vectors and partial sum.
@usableFromInline
struct TileStep: @unchecked Sendable {
    @usableFromInline let y, yNew, k0, kLast, rtol, atol, aScaled, bScaled, c, e, work, partial: UnsafeMutablePointer<Double>
    @usableFromInline let aIndex, bIndex, eIndex, aCount: UnsafeMutablePointer<Int>
    @usableFromInline let bCount, eCount: Int
    @usableFromInline let slopeTable: UnsafeMutablePointer<UnsafeMutablePointer<Double>>
    @usableFromInline let layout: TileLayout
    @usableFromInline let stages: Int, fsal: Bool, rows: Int
    @usableFromInline let t: Double, h: Double, refreshFirstSlope: Bool

    @inlinable
    init(y: UnsafeMutablePointer<Double>, yNew: UnsafeMutablePointer<Double>, k0: UnsafeMutablePointer<Double>,
         kLast: UnsafeMutablePointer<Double>, rtol: UnsafeMutablePointer<Double>, atol: UnsafeMutablePointer<Double>,
         aScaled: UnsafeMutablePointer<Double>, bScaled: UnsafeMutablePointer<Double>, c: UnsafeMutablePointer<Double>,
         e: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Double>, partial: UnsafeMutablePointer<Double>,
         aIndex: UnsafeMutablePointer<Int>, bIndex: UnsafeMutablePointer<Int>, eIndex: UnsafeMutablePointer<Int>,
         aCount: UnsafeMutablePointer<Int>, bCount: Int, eCount: Int,
         slopeTable: UnsafeMutablePointer<UnsafeMutablePointer<Double>>, layout: TileLayout,
         stages: Int, fsal: Bool, rows: Int, t: Double, h: Double, refreshFirstSlope: Bool) {
        self.y = y
        self.yNew = yNew
        self.k0 = k0
        self.kLast = kLast
        self.rtol = rtol
        self.atol = atol
        self.aScaled = aScaled
        self.bScaled = bScaled
        self.c = c
        self.e = e
        self.work = work
        self.partial = partial
        self.aIndex = aIndex
        self.bIndex = bIndex
        self.eIndex = eIndex
        self.aCount = aCount
        self.bCount = bCount
        self.eCount = eCount
        self.slopeTable = slopeTable
        self.layout = layout
        self.stages = stages
        self.fsal = fsal
        self.rows = rows
        self.t = t
        self.h = h
        self.refreshFirstSlope = refreshFirstSlope
    }

    /// All stages, the proposed states and the error contribution of `tiles`, one tile at a
    /// time; stores the chunk's sum of squared scaled errors (NaN if a proposed state is not finite).
    @inlinable
    func run<Tiles: TileEvaluation>(_ field: Tiles, chunk: Int, tiles: Range<Int>) {
        let s = stages, m = layout.tileLength, stride = layout.tile
        let base = work + chunk &* rows &* m
        let stageInput = base, error = base + s &* m
        let slopes = slopeTable + chunk &* s
        for stage in 1..<s { slopes[stage] = base + stage &* m }
        var squares = 0.0
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
                    Self.combine(into: input, base: yTile, slopes: slopes, indices: aIndex + stage &* s,
                                 coefficients: aScaled + stage &* s, terms: aCount[stage],
                                 offset: segment &* stride, length: length)
                }
                field.evaluate(t: t + c[stage] * h, states: input, derivatives: slopes[stage], stride: stride, count: tileCount)
            }
            for segment in 0..<segments {
                let start = segment &* stride
                if !fsal {
                    Self.combine(into: yNewTile, base: yTile, slopes: slopes, indices: bIndex, coefficients: bScaled,
                                 terms: bCount, offset: start, length: length)
                }
                Self.combine(into: error, base: nil, slopes: slopes, indices: eIndex, coefficients: e, terms: eCount,
                             offset: start, length: length)
                // Scaled errors; `value - value` is 0, or NaN when the proposed state is not finite.
                for i in start..<(start &+ length) {
                    let value = yNewTile[i]
                    let scale = atol[i] + rtol[i] * max(abs(yTile[i]), abs(value))
                    error[i] = h * error[i] / scale + (value - value)
                }
                squares += Self.sumOfSquares(error + start, length: length)
            }
        }
        partial[8 &* chunk] = squares
    }

    /// `out = base + Σ coefficients[i] · slopes[indices[i]]` (from zero without a base) over
    /// `offset..<offset + length`, the terms added left to right, up to four per pass.
    @inlinable @inline(__always)
    static func combine(
        into target: UnsafeMutablePointer<Double>, base: UnsafeMutablePointer<Double>?,
        slopes: UnsafeMutablePointer<UnsafeMutablePointer<Double>>, indices: UnsafeMutablePointer<Int>,
        coefficients: UnsafeMutablePointer<Double>, terms: Int, offset: Int, length: Int
    ) {
        let out = target + offset
        guard terms > 0 else {
            if let base { out.update(from: base + offset, count: length) } else { out.update(repeating: 0, count: length) }
            return
        }
        var done = 0
        while done < terms {
            let take = min(4, terms &- done)
            let c0 = coefficients[done], p0 = slopes[indices[done]] + offset
            let c1 = take > 1 ? coefficients[done &+ 1] : 0, p1 = take > 1 ? slopes[indices[done &+ 1]] + offset : p0
            let c2 = take > 2 ? coefficients[done &+ 2] : 0, p2 = take > 2 ? slopes[indices[done &+ 2]] + offset : p0
            let c3 = take > 3 ? coefficients[done &+ 3] : 0, p3 = take > 3 ? slopes[indices[done &+ 3]] + offset : p0
            // Separate loops for a first pass from the base, from zero, and in place, so that
            // each vectorises without a runtime overlap check between `out` and its input.
            if done > 0 {
                switch take {
                case 1: for i in 0..<length { out[i] = out[i] + c0 * p0[i] }
                case 2: for i in 0..<length { out[i] = out[i] + c0 * p0[i] + c1 * p1[i] }
                case 3: for i in 0..<length { out[i] = out[i] + c0 * p0[i] + c1 * p1[i] + c2 * p2[i] }
                default: for i in 0..<length { out[i] = out[i] + c0 * p0[i] + c1 * p1[i] + c2 * p2[i] + c3 * p3[i] }
                }
            } else if let base {
                let input = base + offset
                switch take {
                case 1: for i in 0..<length { out[i] = input[i] + c0 * p0[i] }
                case 2: for i in 0..<length { out[i] = input[i] + c0 * p0[i] + c1 * p1[i] }
                case 3: for i in 0..<length { out[i] = input[i] + c0 * p0[i] + c1 * p1[i] + c2 * p2[i] }
                default: for i in 0..<length { out[i] = input[i] + c0 * p0[i] + c1 * p1[i] + c2 * p2[i] + c3 * p3[i] }
                }
            } else {
                switch take {
                case 1: for i in 0..<length { out[i] = c0 * p0[i] }
                case 2: for i in 0..<length { out[i] = c0 * p0[i] + c1 * p1[i] }
                case 3: for i in 0..<length { out[i] = c0 * p0[i] + c1 * p1[i] + c2 * p2[i] }
                default: for i in 0..<length { out[i] = c0 * p0[i] + c1 * p1[i] + c2 * p2[i] + c3 * p3[i] }
                }
            }
            done &+= take
        }
    }

    /// `Σ vector[i]²`, in four interleaved partial sums.
    @inlinable @inline(__always)
    static func sumOfSquares(_ vector: UnsafeMutablePointer<Double>, length: Int) -> Double {
        var sums = SIMD4<Double>()
        let raw = UnsafeRawPointer(vector)
        var i = 0
        while i &+ 4 <= length {
            let values = raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD4<Double>.self)
            sums += values * values
            i &+= 4
        }
        var total = sums.sum()
        while i < length {
            total += vector[i] * vector[i]
            i &+= 1
        }
        return total
    }
}
