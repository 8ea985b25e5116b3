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

    /// Reads a `data` option: inline columns or a CSV file relative to the notebook, with a time
    /// column `t` and columns named after states.
    ///
    /// - Throws: an `OptionError` at `line` naming the problem (unknown column, no `t`, times not
    ///   increasing, unreadable CSV with its line).
    public static func load(
        _ value: ColumnsValue, states: [String], option: String, line: Int, relativeTo directory: URL
    ) throws(OptionError) -> Observations {
        let position = SourcePosition(line: line)
        var columns: [(name: String, values: [Double?])]
        let origin: String
        switch value {
        case let .inline(inline):
            columns = inline
            origin = "'\(option)'"
        case let .csv(path):
            let url = CSVTable.location(of: path, relativeTo: directory)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw OptionError("'\(option).csv': no such file '\(path)' (paths are relative to the notebook's folder)", at: position)
            }
            do {
                columns = try CSVTable.read(url).columns
            } catch {
                throw OptionError("'\(option).csv': \(error.description)", at: position)
            }
            origin = "'\(path)'"
        }
        guard let timeIndex = columns.firstIndex(where: { $0.name == "t" }) else {
            throw OptionError("\(origin) has no time column 't' (columns: \(columns.map(\.name).joined(separator: ", ")))", at: position)
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
        for column in columns where !states.contains(column.name) {
            throw OptionError("\(origin): column '\(column.name)' is not a state (states: \(states.joined(separator: ", ")))"
                + Suggestion.didYouMean(column.name, in: states), at: position)
        }
        return Observations(times: times, columns: columns)
    }
}
