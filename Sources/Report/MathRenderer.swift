/// How a report page typesets the math its prose holds (`<span class="math inline">` and
/// `<span class="math display">` elements whose text is the TeX with its `$` delimiters).
///
/// Either way the TeX stays in the page as text, so a page whose renderer cannot run still shows
/// the math readably.
public enum MathRenderer: Sendable, Equatable {
    /// No renderer: the TeX is shown as written.
    case none
    /// KaTeX's stylesheet and script as files next to the page, by relative URL.
    case linked(stylesheet: String, script: String)
    /// KaTeX's stylesheet (fonts inlined as data URIs) and script inside the page.
    case embedded(stylesheet: EmbeddedCode, script: EmbeddedCode)
}
