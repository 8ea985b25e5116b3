/// "Did you mean …?" advice for a word that names nothing (an option key, a state, a function, a
/// block kind): the one rule behind every suggestion the program makes.
///
/// The rule: a candidate is plausible when the optimal-string-alignment distance (Damerau 1964:
/// insertions, deletions, substitutions and swaps of two adjacent characters each cost one edit),
/// with case ignored, is at most `max(1, longer / 3)` edits, `longer` being the length of the
/// longer of the two words: one edit up to five characters, two from six, three from nine, and so on.
/// The closest plausible candidate is suggested; ties go to the earlier candidate. A candidate
/// equal to the word is never suggested.
///
/// So `sigam` suggests `sigma`, `H` suggests `h`, `popultn` suggests `population` (3 edits, 10
/// characters), and `temperature` suggests nothing among `steps` and `t_start`.
public enum Suggestion {
    /// The candidate the user most likely meant by `word`, if one is plausible.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = Array(word.lowercased())
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let other = Array(candidate.lowercased())
            let allowed = allowedEdits(lowered.count, other.count)
            // The distance is at least the difference of the lengths: no need to compute it.
            guard abs(lowered.count - other.count) <= allowed else { continue }
            let distance = editDistance(lowered, other)
            if distance <= allowed, best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// `"; did you mean 'x'?"`, or the empty string when no candidate is plausible.
    public static func didYouMean(_ word: String, in candidates: [String]) -> String {
        closest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// The most edits that still make a word of `length` characters and a candidate of
    /// `candidateLength` plausibly the same: `max(1, longer / 3)`.
    public static func allowedEdits(_ length: Int, _ candidateLength: Int) -> Int {
        max(1, max(length, candidateLength) / 3)
    }

    /// The optimal-string-alignment distance between `a` and `b` (case counts): the fewest
    /// insertions, deletions, substitutions and swaps of adjacent characters that turn one into the
    /// other, no substring edited twice.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        editDistance(Array(a), Array(b))
    }

    /// The distance between two character arrays, keeping three rows of the table.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var distance = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    distance = min(distance, beforePrevious[j - 2] + 1)
                }
                current[j] = distance
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
