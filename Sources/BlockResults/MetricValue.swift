/// A metric's value: a count or a real number.
public enum MetricValue: Sendable, Equatable {
    /// A whole number of things (steps, evaluations, iterations).
    case count(Int)
    /// A measured or computed real number.
    case real(Double)

    /// The value as a real number, for sorting and plotting.
    public var number: Double {
        switch self {
        case let .count(count): Double(count)
        case let .real(real): real
        }
    }
}
