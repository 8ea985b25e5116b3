/// "Did you mean …?" suggestions by edit distance.
///
/// Uses the optimal-string-alignment variant of the Damerau–Levenshtein distance (insertions,
/// deletions, substitutions and swaps of two adjacent characters each cost 1), so the typo
/// `sigam` is one edit from `sigma`.
enum NameSuggestion {
    /// The candidate closest to `name`, if it is close enough: at most 1 edit when both names have
    /// up to 5 characters, otherwise at most a third of the longer length. Ties go to the earlier candidate.
    static func closest(to name: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        for c in candidates where c != name {
            let length = Swift.max(name.count, c.count)
            let limit = length <= 5 ? 1 : length / 3
            let d = distance(name, c)
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    /// The optimal-string-alignment distance between `a` and `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var v = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    v = Swift.min(v, d[i - 2][j - 2] + 1)
                }
                d[i][j] = v
            }
        }
        return d[x.count][y.count]
    }
}
