/// Quantiles of many columns without sorting them: the order statistics they need are selected in
/// place (Hoare's selection with a median-of-three pivot, falling back to a sort of the range when
/// a selection takes too many rounds), the middle one first, then each side's within that side.
enum OrderStatistics {
    /// The quantiles of `values` at `fractions` (in 0...1), by linear interpolation between order
    /// statistics (numpy's default). Reorders `values`; NaN for no values.
    static func quantiles(_ values: UnsafeMutableBufferPointer<Double>, fractions: [Double], into output: UnsafeMutablePointer<Double>) {
        let n = values.count
        guard n > 0 else {
            for index in fractions.indices { output[index] = .nan }
            return
        }
        let positions = fractions.map { min(max($0, 0), 1) * Double(n - 1) }
        var ranks = Set<Int>()
        for position in positions {
            let k = min(Int(position.rounded(.down)), n - 1)
            ranks.insert(k)
            if position > Double(k), k + 1 < n { ranks.insert(k + 1) }
        }
        selectAll(values, ranks: ranks.sorted()[...], low: 0, high: n - 1)
        for (index, position) in positions.enumerated() {
            let k = min(Int(position.rounded(.down)), n - 1)
            let weight = position - Double(k)
            output[index] = weight > 0 && k + 1 < n ? values[k] + (values[k + 1] - values[k]) * weight : values[k]
        }
    }

    /// Puts every rank of `ranks` (increasing, within `low...high`) in place: the middle one by
    /// selection, then those before and after it within their sides.
    private static func selectAll(_ values: UnsafeMutableBufferPointer<Double>, ranks: ArraySlice<Int>, low: Int, high: Int) {
        guard !ranks.isEmpty, high > low else { return }
        let middle = ranks.startIndex + ranks.count / 2
        let rank = ranks[middle]
        select(values, rank, low: low, high: high)
        selectAll(values, ranks: ranks[..<middle], low: low, high: rank - 1)
        selectAll(values, ranks: ranks[(middle + 1)...], low: rank + 1, high: high)
    }

    /// Puts the k-th smallest of `values[low...high]` at `k`, smaller ones before it and larger after.
    static func select(_ values: UnsafeMutableBufferPointer<Double>, _ k: Int, low start: Int, high end: Int) {
        var low = start, high = end
        var rounds = 0
        while high > low {
            rounds += 1
            if rounds > 64 {
                var range = UnsafeMutableBufferPointer(rebasing: values[low...high])
                range.sort()
                return
            }
            let middle = low + (high - low) / 2
            // Median of three as the pivot.
            if values[middle] < values[low] { values.swapAt(middle, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[middle] { values.swapAt(high, middle) }
            let pivot = values[middle]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { return }
        }
    }
}
