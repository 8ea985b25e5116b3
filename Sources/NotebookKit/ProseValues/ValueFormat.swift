import Foundation

/// How a value quoted in prose is written: `.3g`, `.2f`, `.2e`, `,d`, `.1%` (docs/format.md §7),
/// the subset of Python's format mini-language a report needs. The default is `.6g`.
public struct ValueFormat: Sendable, Equatable {
    /// The presentation: significant digits, fixed decimals, exponent, integer, or per cent.
    enum Style: Sendable, Equatable { case general, fixed, exponent, integer, percent }

    let style: Style
    /// Digits: significant for `g`, after the point for `f`, `e` and `%`.
    let precision: Int
    /// Whether thousands are separated by commas (`,d`, `,.2f`).
    let grouping: Bool

    /// Six significant digits.
    public static let standard = ValueFormat(style: .general, precision: 6, grouping: false)

    init(style: Style, precision: Int, grouping: Bool) {
        self.style = style
        self.precision = precision
        self.grouping = grouping
    }

    /// Reads a format specification, or returns `nil` when it is not one of the forms above.
    public init?(_ specification: String) {
        var rest = Substring(specification)
        let grouping = rest.first == ","
        if grouping { rest = rest.dropFirst() }
        var precision: Int?
        if rest.first == "." {
            let digits = rest.dropFirst().prefix(while: \.isNumber)
            guard !digits.isEmpty, digits.count <= 2, let value = Int(digits) else { return nil }
            precision = value
            rest = rest.dropFirst(1 + digits.count)
        }
        guard rest.count == 1, let letter = rest.first else { return nil }
        switch letter {
        case "g":
            guard !grouping else { return nil }
            self.init(style: .general, precision: max(precision ?? 6, 1), grouping: false)
        case "f": self.init(style: .fixed, precision: precision ?? 6, grouping: grouping)
        case "e":
            guard !grouping else { return nil }
            self.init(style: .exponent, precision: precision ?? 6, grouping: false)
        case "d":
            guard precision == nil else { return nil }
            self.init(style: .integer, precision: 0, grouping: grouping)
        case "%": self.init(style: .percent, precision: precision ?? 6, grouping: grouping)
        default: return nil
        }
    }

    /// `value` written in this format; not-a-number and infinities as `nan`, `inf`, `-inf`.
    public func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        switch style {
        case .general: return String(format: "%.\(precision)g", value)
        case .exponent: return String(format: "%.\(precision)e", value)
        case .fixed: return grouped(String(format: "%.\(precision)f", value))
        case .integer: return grouped(String(format: "%.0f", value.rounded()))
        case .percent: return grouped(String(format: "%.\(precision)f", value * 100)) + "%"
        }
    }

    /// `digits` (an optional sign, an integer part, an optional fraction) with commas between
    /// thousands of the integer part when `grouping`.
    private func grouped(_ digits: String) -> String {
        guard grouping else { return digits }
        let negative = digits.hasPrefix("-")
        let unsigned = negative ? digits.dropFirst() : Substring(digits)
        let parts = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var integer = Array(parts[0])
        var index = integer.count - 3
        while index > 0 {
            integer.insert(",", at: index)
            index -= 3
        }
        return (negative ? "-" : "") + String(integer) + (parts.count > 1 ? "." + parts[1] : "")
    }
}
