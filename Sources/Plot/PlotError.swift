/// A failure to render or save a figure.
public enum PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The figure's size in pixels is zero, negative, not finite or larger than Cairo allows.
    case invalidSize(width: Double, height: Double, pixelDensity: Double)
    /// Cairo reported an error while performing `operation`.
    case cairo(operation: String, status: String)
    /// The PNG could not be written to `path`.
    case writeFailed(path: String, reason: String)
    /// The bytes could not be decoded as a PNG image.
    case invalidPNG(reason: String)

    /// A one-line, human-readable explanation.
    public var description: String {
        switch self {
        case let .invalidSize(width, height, density):
            return "cannot render a figure of \(width) x \(height) points at pixel density \(density): "
                + "the image must be between 1 and \(CairoRenderer.maximumPixelSize) pixels on each side"
        case let .cairo(operation, status):
            return "Cairo failed to \(operation): \(status)"
        case let .writeFailed(path, reason):
            return "cannot write PNG to '\(path)': \(reason)"
        case let .invalidPNG(reason):
            return "invalid PNG data: \(reason)"
        }
    }
}
