import BlockResults
import Foundation

extension MetricValue {
    /// The value as the report and the sweep table show it: a count in full, a real number with
    /// at most `significantDigits` significant digits (`%g`).
    func text(significantDigits: Int) -> String {
        switch self {
        case let .count(count): String(count)
        case let .real(real): String(format: "%.\(significantDigits)g", real)
        }
    }

    /// The value in `results.json` and `sweep.json`: a count as an integer, a real as a number.
    var json: JSONValue {
        switch self {
        case let .count(count): .integer(count)
        case let .real(real): .number(real)
        }
    }
}
