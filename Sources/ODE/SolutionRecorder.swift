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
    /// The next output time not yet recorded.
    @usableFromInline var next = 0

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

    /// The initial point: kept for `.steps`, and for every output time equal to the start.
    @inlinable
    mutating func start<Scalar: BinaryFloatingPoint>(at time: Double, _ values: UnsafeMutablePointer<Scalar>) {
        if saveAt == .steps { record(time, values) }
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

    /// After an accepted step to `time`.
    @inlinable
    mutating func accepted<Scalar: BinaryFloatingPoint>(at time: Double, _ values: UnsafeMutablePointer<Scalar>) {
        if saveAt == .steps { record(time, values) }
    }

    /// The solution, with the final point added for `.final`.
    @inlinable
    mutating func finish<Scalar: BinaryFloatingPoint>(at time: Double, _ values: UnsafeMutablePointer<Scalar>,
                                                      statistics: SolveStatistics) -> Solution {
        if saveAt == .final { record(time, values) }
        return Solution(dimension: dimension, times: times, states: states, stepIndices: [], statistics: statistics)
    }
}
