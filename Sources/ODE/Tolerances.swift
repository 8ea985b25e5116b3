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

    /// Whether the tolerances fit a system of `dimension` components and are usable.
    @usableFromInline
    func problem(dimension: Int) -> String? {
        for (name, values) in [("rtol", relative), ("atol", absolute)] {
            guard values.count == 1 || values.count == dimension else {
                return "\(name) has \(values.count) values but the system has \(dimension) components"
            }
            guard values.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return "\(name) must be finite and not negative" }
        }
        if zip(expanded(relative, dimension), expanded(absolute, dimension)).contains(where: { $0 == 0 && $1 == 0 }) {
            return "rtol and atol cannot both be zero for a component"
        }
        return nil
    }

    @usableFromInline
    func expanded(_ values: [Double], _ dimension: Int) -> [Double] {
        values.count == dimension ? values : [Double](repeating: values[0], count: dimension)
    }
}
