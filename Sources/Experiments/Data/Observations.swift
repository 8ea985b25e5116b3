import Expressions
import Foundation

/// Observed values of some states at some times; a missing value is `nil`.
public struct Observations: Sendable, Equatable {
    /// Observation times, strictly increasing.
    public var times: [Double]
    /// For each observed state, its values at `times`.
    public var columns: [(name: String, values: [Double?])]

    /// Creates observations.
    public init(times: [Double], columns: [(name: String, values: [Double?])]) {
        self.times = times
        self.columns = columns
    }

    /// The values of state `name`, if observed.
    public func values(of name: String) -> [Double?]? {
        columns.first { $0.name == name }?.values
    }

    public static func == (lhs: Observations, rhs: Observations) -> Bool {
        lhs.times == rhs.times && lhs.columns.count == rhs.columns.count
            && zip(lhs.columns, rhs.columns).allSatisfy { $0.name == $1.name && $0.values == $1.values }
    }

    /// Observations from the table a `data` option names (``BlockContext/dataTable(_:option:at:textColumns:)``):
    /// a time column `t` and columns named after states.
    ///
    /// - Throws: an `OptionError` at `line` naming the problem (unknown column, no `t`, times not
    ///   increasing); no message quotes a file's text.
    public static func load(_ data: DataTable, states: [String], line: Int) throws(OptionError) -> Observations {
        let position = SourcePosition(line: line)
        var columns = data.table.columns
        let origin = data.origin
        let shown = data.shown
        guard let timeIndex = columns.firstIndex(where: { $0.name == "t" }) else {
            throw OptionError("\(origin) has no time column 't' (columns: \(columns.enumerated().map { shown($1.name) ?? "number \($0 + 1)" }.joined(separator: ", ")))", at: position)
        }
        let timeColumn = columns.remove(at: timeIndex)
        var times = [Double]()
        for (row, time) in timeColumn.values.enumerated() {
            guard let time else {
                throw OptionError("\(origin): time value \(row + 1) is missing", at: position)
            }
            if let last = times.last, time <= last {
                throw OptionError("\(origin): times must increase, but \(OptionValue.format(time)) follows \(OptionValue.format(last))", at: position)
            }
            times.append(time)
        }
        guard !columns.isEmpty else {
            throw OptionError("\(origin) has no state columns; add one of \(states.joined(separator: ", "))", at: position)
        }
        guard columns.contains(where: { $0.values.contains { $0 != nil } }) else {
            throw OptionError("\(origin) holds no observed values", at: position)
        }
        for (index, column) in columns.enumerated() where !states.contains(column.name) {
            let name = shown(column.name).map { "'\($0)'" } ?? "number \(index < timeIndex ? index + 1 : index + 2)"
            throw OptionError("\(origin): column \(name) is not a state (states: \(states.joined(separator: ", ")))"
                + Suggestion.didYouMean(column.name, in: states), at: position)
        }
        return Observations(times: times, columns: columns)
    }
}
