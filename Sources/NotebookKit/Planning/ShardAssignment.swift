/// Which shard runs which job: the jobs, heaviest first (ties by identity), each go to the shard
/// with the least work so far (ties to the lowest shard), so that the shards' expected work is
/// balanced (Graham's longest-processing-time rule, within 4/3 of the best split). The assignment
/// depends only on the plan, never on the cache or the machine, so every shard of a run computes
/// the same one and together they cover every job exactly once.
enum ShardAssignment {
    /// The 0-based shard of each job, for `count` shards; jobs linked through `together` (for each
    /// job, the jobs whose tables it reads) go to the same shard, as one unit of their summed cost.
    static func assign(costs: [Double], identities: [String], together: [[Int]], count: Int) -> [Int] {
        precondition(costs.count == identities.count && costs.count == together.count)
        // Union–find over the links: each group is assigned as one job.
        var parent = Array(costs.indices)
        func root(_ job: Int) -> Int {
            var job = job
            while parent[job] != job { parent[job] = parent[parent[job]]; job = parent[job] }
            return job
        }
        for (job, linked) in together.enumerated() {
            for other in linked { parent[root(other)] = root(job) }
        }
        var groupOf = [Int: Int](), groupCosts = [Double](), groupIdentities = [String]()
        for job in costs.indices {
            let leader = root(job)
            if let group = groupOf[leader] {
                groupCosts[group] += costs[job]
                groupIdentities[group] = min(groupIdentities[group], identities[job])
            } else {
                groupOf[leader] = groupCosts.count
                groupCosts.append(costs[job])
                groupIdentities.append(identities[job])
            }
        }
        let groupShards = assign(costs: groupCosts, identities: groupIdentities, count: count)
        return costs.indices.map { groupShards[groupOf[root($0)]!] }
    }

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
