import BlockResults
import Foundation
import ODE

/// Observations tabulated next to the computed solution at the same times, with the largest and
/// root-mean-square deviation over the observed values.
struct ObservationComparison {
    let table: ResultTable
    let maxError: Double
    let rms: Double

    /// `computed` holds the solution at exactly `observations.times`.
    init(observations: Observations, computed: Solution, stateNames: [String]) {
        var columns = ["t"]
        for column in observations.columns { columns += ["\(column.name) observed", "\(column.name) computed"] }
        var rows = [[String]]()
        var largest = 0.0, squares = 0.0, count = 0
        for (row, time) in observations.times.enumerated() {
            let state = computed.state(at: row)
            var cells = [OptionValue.format(time)]
            for column in observations.columns {
                guard let index = stateNames.firstIndex(of: column.name) else { continue }
                let value = state[state.startIndex + index]
                if let observed = column.values[row] {
                    cells.append(OptionValue.format(observed))
                    let error = abs(value - observed)
                    largest = max(largest, error)
                    squares += error * error
                    count += 1
                } else {
                    cells.append("—")
                }
                cells.append(Self.format(value))
            }
            rows.append(cells)
        }
        table = ResultTable(title: "Observations next to the computed solution", columns: columns, rows: rows)
        maxError = largest
        rms = count > 0 ? (squares / Double(count)).squareRoot() : 0
    }

    /// Four decimals for ordinary magnitudes, six significant digits for small or large ones.
    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        return magnitude != 0 && (magnitude < 0.01 || magnitude >= 1e7) ? String(format: "%.6g", value) : String(format: "%.4f", value)
    }
}
