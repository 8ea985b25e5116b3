/// Relative and absolute error tolerances, each a scalar or one value per state component.
public struct Tolerances: Sendable, Equatable {
    /// `rtol`: one value, or one per component.
    public var relative: [Double]
    /// `atol`: one value, or one per component.
    public var absolute: [Double]

    /// Scalar tolerances.
    public init(relative: Double, absolute: Double) {
        self.relative = [relative]
        self.absolute = [absolute]
    }

    /// Per-component (or scalar, with one element) tolerances.
    public init(relative: [Double], absolute: [Double]) {
        self.relative = relative
        self.absolute = absolute
    }

    /// Whether the tolerances fit a system of `dimension` components and are usable (a
    /// description of the problem, or `nil`). Allocates nothing when they are fine.
    @usableFromInline
    func problem(dimension: Int) -> String? {
        for (name, values) in [("rtol", relative), ("atol", absolute)] {
            guard values.count == 1 || values.count == dimension else {
                return "\(name) has \(values.count) values but the system has \(dimension) components"
            }
            for value in values where !(value.isFinite && value >= 0) { return "\(name) must be finite and not negative" }
        }
        for i in 0..<dimension where relative(at: i) == 0 && absolute(at: i) == 0 {
            return "rtol and atol cannot both be zero for a component"
        }
        return nil
    }

    /// `rtol` for component `i` (the scalar value, or the component's own).
    @inlinable
    package func relative(at i: Int) -> Double { relative.count == 1 ? relative[0] : relative[i] }

    /// `atol` for component `i` (the scalar value, or the component's own).
    @inlinable
    package func absolute(at i: Int) -> Double { absolute.count == 1 ? absolute[0] : absolute[i] }

    /// Writes `rtol` and `atol` for components `0..<n` into the two buffers: the one expansion
    /// of scalar tolerances every adaptive loop reads.
    @inlinable
    func expand(relative relativeOut: UnsafeMutablePointer<Double>, absolute absoluteOut: UnsafeMutablePointer<Double>, count n: Int) {
        for i in 0..<n {
            relativeOut[i] = relative(at: i)
            absoluteOut[i] = absolute(at: i)
        }
    }
}
