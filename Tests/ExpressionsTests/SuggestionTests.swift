import Expressions
import Testing

@Suite("Suggestions")
struct SuggestionTests {
    @Test("Close misspellings are suggested, distant words are not")
    func closest() {
        let keys = ["steps", "h", "save_every", "t_start", "solver"]
        #expect(Suggestion.closest(to: "step", in: keys) == "steps")
        #expect(Suggestion.closest(to: "stpes", in: keys) == "steps")
        #expect(Suggestion.closest(to: "H", in: keys) == "h")
        #expect(Suggestion.closest(to: "save-every", in: keys) == "save_every")
        #expect(Suggestion.closest(to: "temperature", in: keys) == nil)
        #expect(Suggestion.editDistance("ab", "ba") == 1)
    }

    @Test("One rule everywhere: max(1, longer / 3) edits, case ignored, the closest plausible candidate")
    func oneThreshold() {
        // Up to five characters one edit; then one more per three characters of the longer word.
        #expect(Suggestion.allowedEdits(1, 2) == 1 && Suggestion.allowedEdits(5, 4) == 1)
        #expect(Suggestion.allowedEdits(6, 2) == 2 && Suggestion.allowedEdits(7, 10) == 3)
        #expect(Suggestion.closest(to: "popultn", in: ["population", "x"]) == "population")
        #expect(Suggestion.closest(to: "pop", in: ["population", "x"]) == nil)
        // Case is ignored in the distance, but a candidate equal to the word is never suggested.
        #expect(Suggestion.closest(to: "Sigma", in: ["sigma", "rho"]) == "sigma")
        #expect(Suggestion.closest(to: "x", in: ["x"]) == nil)
        // A far candidate does not hide a plausible one behind it, and ties go to the first.
        // (5 edits from a word of 12 is too many; 6 from one of 18 is not.)
        #expect(Suggestion.closest(to: "abcdefghijkl", in: ["abcdefgvwxyz", "abcdefghijklmnopqr"]) == "abcdefghijklmnopqr")
        #expect(Suggestion.closest(to: "r3", in: ["r1", "r2"]) == "r1")
        #expect(Suggestion.didYouMean("stpes", in: ["steps"]) == "; did you mean 'steps'?")
        #expect(Suggestion.didYouMean("temperature", in: ["steps"]) == "")
    }

    @Test("A word far longer than every candidate is answered at once")
    func longWord() {
        let word = String(repeating: "steps", count: 200_000)
        #expect(Suggestion.closest(to: word, in: ["steps", "h", "save_every"]) == nil)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("", "abc") == 3 && Suggestion.editDistance("abc", "") == 3)
        #expect(Suggestion.editDistance("ca", "abc") == 3, "optimal string alignment edits no substring twice")
    }
}
