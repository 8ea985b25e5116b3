/// Quantiles of many columns without sorting them: each requested order statistic is selected in
/// place (Hoare's selection with a median-of-three pivot, falling back to a sort of the range when
/// a selection takes too many rounds), in increasing order on a shrinking range.
enum OrderStatistics {
    /// The quantiles of `values` at `fractions` (increasing, in 0...1), by linear interpolation
    /// between order statistics (numpy's default). Reorders `values`; NaN for no values.
    static func quantiles(_ values: UnsafeMutableBufferPointer<Double>, fractions: [Double], into output: UnsafeMutablePointer<Double>) {
        let n = values.count
        guard n > 0 else {
            for index in fractions.indices { output[index] = .nan }
            return
        }
        var low = 0
        for (index, fraction) in fractions.enumerated() {
            let position = min(max(fraction, 0), 1) * Double(n - 1)
            let k = min(Int(position.rounded(.down)), n - 1)
            select(values, k, from: min(low, k))
            low = k
            let below = values[k]
            let weight = position - Double(k)
            guard weight > 0, k + 1 < n else {
                output[index] = below
                continue
            }
            // The next order statistic is the smallest value above position k.
            var above = values[k + 1]
            for j in (k + 2)..<n where values[j] < above { above = values[j] }
            output[index] = below + (above - below) * weight
        }
    }

    /// Puts the k-th smallest of `values[low...]` at `k`, smaller ones before it and larger after.
    static func select(_ values: UnsafeMutableBufferPointer<Double>, _ k: Int, from start: Int) {
        var low = start, high = values.count - 1
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
