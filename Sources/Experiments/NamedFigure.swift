import Plot

/// A figure with the name that makes its file name and a caption.
public struct NamedFigure: Sendable {
    /// Short name used in the file name (`time`, `phase`).
    public var name: String
    /// Caption and alternative text.
    public var caption: String
    /// The figure.
    public var figure: Figure

    /// Creates a named figure.
    public init(name: String, caption: String, figure: Figure) {
        self.name = name
        self.caption = caption
        self.figure = figure
    }
}
