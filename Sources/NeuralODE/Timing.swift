extension Duration {
    /// The duration in seconds, as a Double.
    @inlinable
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// The median of per-iteration wall times (0 for none).
@inlinable
func medianSeconds(_ times: [Double]) -> Double {
    let sorted = times.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}
