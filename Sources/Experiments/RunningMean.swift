import Plot

/// A noisy training trace drawn as matplotlib users draw it: the raw values as a faint line and
/// their running mean over it, so that the trend reads at a glance and the noise stays visible.
enum RunningMean {
    /// The mean of each value and the `window − 1` before it (fewer at the start).
    static func of(_ values: [Double], window: Int) -> [Double] {
        guard window > 1, !values.isEmpty else { return values }
        var result = [Double](repeating: 0, count: values.count)
        var sum = 0.0, count = 0
        for index in values.indices {
            sum += values[index]
            count += 1
            if index >= window {
                sum -= values[index - window]
                count -= 1
            }
            result[index] = sum / Double(count)
        }
        return result
    }

    /// The window for `count` values: a fiftieth of the run, at least 5 (1 for short runs).
    static func window(for count: Int) -> Int { count < 20 ? 1 : max(5, count / 50) }

    /// The faint raw trace and, for runs long enough to be noisy, its running mean labelled
    /// `label (mean of N)`.
    static func series(_ label: String, x: [Double], y: [Double], color: Color) -> [Series] {
        let window = window(for: y.count)
        guard window > 1 else { return [.line(label, x: x, y: y, color: color, width: 1.25)] }
        var faint = color
        faint.alpha = 0.3
        return [
            .line(nil, x: x, y: y, color: faint, width: 1),
            .line("\(label) (mean of \(window))", x: x, y: of(y, window: window), color: color, width: 2),
        ]
    }
}
