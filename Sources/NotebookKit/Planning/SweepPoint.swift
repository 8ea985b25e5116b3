import Crypto
import Experiments

/// One point of a sweep: a value for every axis, and the point's name, which names its report
/// folder (`points/<name>/`): readable, deterministic and safe as a file name.
struct SweepPoint: Sendable, Equatable {
    /// The axis and its value at this point, in axis order.
    struct Assignment: Sendable, Equatable {
        let axis: SweepAxis
        let value: OptionNode
    }

    /// The point's name: `lr=0.001_seed=0`.
    let name: String
    /// The values, in axis order.
    let assignments: [Assignment]

    /// The overrides that put a notebook at this point.
    var overrides: [Override] { assignments.map { $0.axis.override($0.value) } }

    /// The longest name in bytes, before a digest of the full name replaces its end.
    static let maximumNameBytes = 100

    /// The points of `axes` combined by `mode` (grid: the last axis varies fastest), named, with
    /// names made unique by `~2`, `~3` ... in point order.
    static func points(of axes: [SweepAxis], mode: SweepMode) -> [SweepPoint] {
        var rows = [[Assignment]]()
        switch mode {
        case .grid:
            rows = [[]]
            for axis in axes {
                rows = rows.flatMap { row in axis.values.map { row + [Assignment(axis: axis, value: $0)] } }
            }
        case .zip:
            let count = axes.map(\.values.count).min() ?? 0
            rows = (0..<count).map { index in axes.map { Assignment(axis: $0, value: $0.values[index]) } }
        }
        var taken = Set<String>()
        return rows.map { row in
            let base = name(of: row)
            var candidate = base, next = 2
            while taken.contains(candidate) {
                candidate = "\(base)~\(next)"
                next += 1
            }
            taken.insert(candidate)
            return SweepPoint(name: candidate, assignments: row)
        }
    }

    /// How many points `axes` make under `mode`, without making them (saturating at `Int.max`).
    static func count(of axes: [SweepAxis], mode: SweepMode) -> Int {
        switch mode {
        case .zip: return axes.map(\.values.count).min() ?? 0
        case .grid:
            var product = 1
            for axis in axes {
                let (result, overflow) = product.multipliedReportingOverflow(by: axis.values.count)
                if overflow { return Int.max }
                product = result
            }
            return product
        }
    }

    /// `key=value` for each assignment, joined by `_`; characters other than letters, digits and
    /// `.+-` become `-` (brackets and quotes are dropped); long names end in a digest of the whole.
    static func name(of row: [Assignment]) -> String {
        let full = row.map { "\(clean($0.axis.key))=\(clean(YAMLReader.flowText($0.value)))" }.joined(separator: "_")
        var name = full.isEmpty ? "point" : full
        if name.hasPrefix(".") || name.hasPrefix("-") { name = "p" + name }
        guard name.utf8.count > maximumNameBytes else { return name }
        let digest = SHA256.hash(data: Array(full.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        var cut = ""
        for character in name {
            if cut.utf8.count + character.utf8.count > maximumNameBytes - 10 { break }
            cut.append(character)
        }
        return cut + "~" + digest
    }

    /// `text` with only ASCII letters, digits and `.+-` kept, other runs made one `-`, and
    /// brackets, braces and quotes dropped.
    static func clean(_ text: String) -> String {
        var result = ""
        var pendingDash = false
        for scalar in text.unicodeScalars {
            if "[]{}'\"".unicodeScalars.contains(scalar) { continue }
            let keep = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".+-".unicodeScalars.contains(scalar))
            if keep {
                if pendingDash, !result.isEmpty { result.append("-") }
                pendingDash = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return result.isEmpty ? "x" : result
    }
}
