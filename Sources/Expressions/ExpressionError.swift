/// A problem found in the text of one expression, located by a 1-based character column.
///
/// The error keeps the whole expression text so that it can draw itself as two lines
/// (`caretDisplay`): the text, and a caret (`^`, or `^~~~` for a longer token) under the
/// offending token. Columns count `Character`s, not bytes, so the caret lines up in a terminal
/// for any text the notebook author typed.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in one short sentence without the location (e.g. `unknown name 'sigam'; did you mean 'sigma'?`).
    public var message: String
    /// The source text of the expression the error is about.
    public var text: String
    /// The 1-based column (in characters) of the first character of the bad token; `text.count + 1` for "at the end".
    public var column: Int
    /// How many characters the caret spans; at least 1.
    public var length: Int

    /// Creates an error; `length` is clamped to at least 1 and `column` to at least 1.
    public init(message: String, text: String, column: Int, length: Int = 1) {
        self.message = message
        self.text = text
        self.column = Swift.max(1, column)
        self.length = Swift.max(1, length)
    }

    /// Creates an error for the 0-based half-open character range `range` of `text`.
    init(_ message: String, text: String, range: Range<Int>) {
        self.init(message: message, text: text, column: range.lowerBound + 1, length: range.count)
    }

    /// Two lines: the expression text (around the bad token when it is long), then spaces and
    /// `^~~` under the token.
    public var caretDisplay: String {
        let shown = excerpt()
        return shown.text + "\n" + String(repeating: " ", count: shown.column - 1) + "^" + String(repeating: "~", count: shown.length - 1)
    }

    /// The text to show with the caret: all of it when it is at most `width` characters, else a
    /// window of about `width` characters around the bad token, cut ends marked `…`; the column and
    /// length of the caret in what is shown.
    public func excerpt(width: Int = 100) -> (text: String, column: Int, length: Int) {
        let characters = Array(text)
        guard characters.count > width else { return (text, column, length) }
        let shownLength = Swift.min(length, width / 2)
        let start = Swift.max(0, Swift.min(column - 1 - width / 3, characters.count - width))
        let end = Swift.min(characters.count, start + width)
        let lead = start > 0 ? "…" : "", trail = end < characters.count ? "…" : ""
        return (lead + String(characters[start..<end]) + trail, column - start + lead.count, shownLength)
    }

    /// `column N: message`, followed by the caret display.
    public var description: String {
        "column \(column): \(message)\n\(caretDisplay)"
    }
}
