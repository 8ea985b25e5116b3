import Experiments

/// How closely one metric must match its baseline value: within `atol + rtol·|baseline|`, the
/// rule of numpy's `isclose`. A block's `tolerance:` option sets it for the block or for one metric;
/// `--rtol`/`--atol` (default 1e-9 and 0) apply where the block says nothing.
struct BaselineTolerance: Sendable, Equatable {
    /// Where the tolerance came from: it decides whether counts and measured times are compared
    /// within it (a block's or a metric's own tolerance) or by their own rule (the flags).
    enum Source: Sendable, Equatable {
        case flags, block, metric
    }

    var rtol: Double
    var atol: Double
    var source: Source

    /// The default relative tolerance of `--rtol`.
    static let defaultRelative = 1e-9

    /// The tolerance of metric `name` under the block option `option` (`tolerance:`, `nil` or
    /// `.null` when the block has none) and the flags' `rtol` and `atol`.
    static func of(metric name: String, option: OptionValue?, rtol: Double, atol: Double) -> BaselineTolerance {
        var tolerance = BaselineTolerance(rtol: rtol, atol: atol, source: .flags)
        guard case let .record(fields)? = option else { return tolerance }
        for field in fields {
            switch (field.name, field.value) {
            case ("rtol", .number(let value)):
                tolerance.rtol = value
                tolerance.source = .block
            case ("atol", .number(let value)):
                tolerance.atol = value
                tolerance.source = .block
            default:
                break
            }
        }
        if let pair = fields.first(where: { $0.name == name })?.value, case .record = pair {
            if let value = pair[field: "rtol"]?.doubleValue { tolerance.rtol = value }
            if let value = pair[field: "atol"]?.doubleValue { tolerance.atol = value }
            tolerance.source = .metric
        }
        return tolerance
    }

    /// The metric names a `tolerance:` option names one by one.
    static func namedMetrics(_ option: OptionValue?) -> [String] {
        guard case let .record(fields)? = option else { return [] }
        return fields.filter { if case .record = $0.value { return true } else { return false } }.map(\.name)
    }

    /// Whether `value` is within this tolerance of `baseline` (both finite).
    func accepts(_ value: Double, baseline: Double) -> Bool {
        abs(value - baseline) <= atol + rtol * abs(baseline)
    }

    /// The rule in words for a verdict: `rtol 1e-09`, `atol 0.001`, `rtol 1e-06, atol 1e-12`.
    var rule: String {
        switch (rtol, atol) {
        case (_, 0): return "rtol \(Self.format(rtol))"
        case (0, _): return "atol \(Self.format(atol))"
        default: return "rtol \(Self.format(rtol)), atol \(Self.format(atol))"
        }
    }

    /// Why `value` fails against `baseline`, as the regression line says it:
    /// `rel 2.1e-06 > rtol 1e-09`, `abs 0.003 > atol 0.001`, or both bounds summed.
    func excess(_ value: Double, baseline: Double) -> String {
        let difference = abs(value - baseline)
        let relative = baseline == 0 ? Double.infinity : difference / abs(baseline)
        switch (rtol, atol) {
        case (_, 0): return "rel \(Self.scientific(relative)) > rtol \(Self.format(rtol))"
        case (0, _): return "abs \(Self.scientific(difference)) > atol \(Self.format(atol))"
        default:
            return "abs \(Self.scientific(difference)) > atol \(Self.format(atol)) + rtol \(Self.format(rtol)) × |baseline|"
        }
    }

    /// `%g` of a tolerance: `1e-09`, `0.001`, `0.5`.
    static func format(_ value: Double) -> String { String(format: "%g", value) }

    /// Two significant digits in scientific notation: `2.1e-06` (`inf` for an infinite ratio).
    static func scientific(_ value: Double) -> String {
        value.isFinite ? String(format: "%.1e", value) : "inf"
    }
}
