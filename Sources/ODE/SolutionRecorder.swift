/// The points an adaptive solve keeps, by its `SaveAt`: the start and every accepted step, the
/// requested output times (walked by a cursor), or the end only.
@usableFromInline
struct SolutionRecorder {
    @usableFromInline let dimension: Int
    @usableFromInline let saveAt: SaveAt
    @usableFromInline let outputTimes: [Double]
    @usableFromInline let direction: Double
    @usableFromInline var times = [Double]()
    @usableFromInline var states = [Double]()
    /// The next output time (or saved step index) not yet recorded.
    @usableFromInline var next = 0
    /// Accepted steps so far, and the index of the last one recorded (−1: none).
    @usableFromInline var acceptedSteps = 0
    @usableFromInline var lastRecordedStep = -1

    @inlinable
    init(dimension: Int, saveAt: SaveAt, outputTimes: [Double], direction: Double) {
        self.dimension = dimension
        self.saveAt = saveAt
        self.outputTimes = outputTimes
        self.direction = direction
    }

    /// Keeps one point.
    @inlinable
    mutating func record<Scalar: BinaryFloatingPoint>(_ time: Double, _ values: UnsafeMutablePointer<Scalar>) {
        times.append(time)
        for i in 0..<dimension { states.append(Double(values[i])) }
    }

    /// The initial point: kept for `.steps`, `.every`, a step index 0, and for every output time
    /// equal to the start.
    @inlinable
    mutating func start<Scalar: BinaryFloatingPoint>(at time: Double, _ values: UnsafeMutablePointer<Scalar>) {
        if keeps(step: 0) {
            record(time, values)
            lastRecordedStep = 0
        }
        while next < outputTimes.count, outputTimes[next] == time {
            record(time, values)
            next += 1
        }
    }

    /// The next output time within a step ending at `end`, if any.
    @inlinable
    func pendingOutput(before end: Double) -> Double? {
        guard next < outputTimes.count, (outputTimes[next] - end) * direction <= 0 else { return nil }
        return outputTimes[next]
    }

    /// Records the pending output time's state (computed by dense output).
    @inlinable
    mutating func recordOutput<Scalar: BinaryFloatingPoint>(_ values: UnsafeMutablePointer<Scalar>) {
        record(outputTimes[next], values)
        next += 1
    }

    /// Whether accepted step `step` (0: the initial point) is kept as it is reached.
    @inlinable
    mutating func keeps(step: Int) -> Bool {
        if let interval = saveAt.interval { return step % interval == 0 }
        guard case let .stepIndices(indices) = saveAt, next < indices.count, indices[next] == step else { return false }
        next += 1
        return true
    }

    /// After an accepted step to `time`.
    @inlinable
    mutating func accepted<Scalar: BinaryFloatingPoint>(at time: Double, _ values: UnsafeMutablePointer<Scalar>) {
        acceptedSteps += 1
        if keeps(step: acceptedSteps) {
            record(time, values)
            lastRecordedStep = acceptedSteps
        }
    }

    /// The solution, with the final point added for `.final` and for `.every` when the last step
    /// was not one of the n-th.
    @inlinable
    mutating func finish<Scalar: BinaryFloatingPoint>(at time: Double, _ values: UnsafeMutablePointer<Scalar>,
                                                      statistics: SolveStatistics) -> Solution {
        if saveAt == .final || (saveAt.interval != nil && lastRecordedStep != acceptedSteps) { record(time, values) }
        return Solution(dimension: dimension, times: times, states: states, stepIndices: [], statistics: statistics)
    }
}
