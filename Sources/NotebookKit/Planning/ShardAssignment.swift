/// Which shard runs which job: the jobs, heaviest first (ties by identity), each go to the shard
/// with the least work so far (ties to the lowest shard), so that the shards' expected work is
/// balanced (Graham's longest-processing-time rule, within 4/3 of the best split). The assignment
/// depends only on the plan, never on the cache or the machine, so every shard of a run computes
/// the same one and together they cover every job exactly once.
enum ShardAssignment {
    /// The 0-based shard of each job, for `count` shards.
    static func assign(costs: [Double], identities: [String], count: Int) -> [Int] {
        precondition(costs.count == identities.count && count >= 1)
        let order = costs.indices.sorted { a, b in
            costs[a] != costs[b] ? costs[a] > costs[b] : identities[a] < identities[b]
        }
        var load = [Double](repeating: 0, count: count)
        var shard = [Int](repeating: 0, count: costs.count)
        for job in order {
            var lightest = 0
            for candidate in 1..<max(count, 1) where load[candidate] < load[lightest] { lightest = candidate }
            shard[job] = lightest
            load[lightest] += costs[job]
        }
        return shard
    }

    /// `I/N` parsed (1-based I), or why it is not a shard.
    static func parse(_ text: String) throws(Diagnostic) -> (index: Int, count: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw Diagnostic(file: nil, message: "--shard \(text): expected I/N, the shard's number and how many there are (for example --shard 1/4)")
        }
        guard count >= 1, index >= 1, index <= count else {
            throw Diagnostic(file: nil, message: "--shard \(text): I must be between 1 and N (and N at least 1)")
        }
        return (index, count)
    }
}
