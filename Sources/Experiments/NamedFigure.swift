import Plot

/// A figure with the name that makes its file name and a caption.
public struct NamedFigure: Sendable {
    /// Short name used in the file name (`time`, `phase`).
    public var name: String
    /// Caption and alternative text.
    public var caption: String
    /// The figure.
    public var figure: Figure
    /// The name of the block's series (a CSV) that holds what the figure draws, if one does.
    public var data: String?

    /// Creates a named figure.
    public init(name: String, caption: String, figure: Figure, data: String? = nil) {
        self.name = name
        self.caption = caption
        self.figure = figure
        self.data = data
    }
}
