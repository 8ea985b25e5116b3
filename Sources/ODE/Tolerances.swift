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
        for i in 0..<dimension {
            let r = relative.count == 1 ? relative[0] : relative[i], a = absolute.count == 1 ? absolute[0] : absolute[i]
            if r == 0 && a == 0 { return "rtol and atol cannot both be zero for a component" }
        }
        return nil
    }

    @usableFromInline
    func expanded(_ values: [Double], _ dimension: Int) -> [Double] {
        values.count == dimension ? values : [Double](repeating: values[0], count: dimension)
    }
}
