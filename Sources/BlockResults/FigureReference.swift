import Foundation

/// A drawn figure: the PNG's path in the report folder and how the page shows it.
///
/// A rendered block keeps its PNGs among its files, so there `embeddedPNG` is `nil`; a page that
/// stands alone (`--self-contained`) carries the PNG in `embeddedPNG` instead of linking to `path`.
public struct FigureReference: Codable, Sendable, Equatable {
    /// Path relative to the report folder, e.g. `figures/competition-time.png`.
    public var path: String
    /// Alternative text and caption.
    public var caption: String
    /// Displayed width in CSS pixels (the PNG has twice as many device pixels).
    public var width: Int
    /// Displayed height in CSS pixels.
    public var height: Int
    /// The PNG itself, when the page embeds it instead of linking to `path`.
    public var embeddedPNG: Data?
    /// The CSV with the numbers the figure draws (path relative to the report folder), if any.
    public var data: String?
    /// For a figure of several panels side by side, the same figure with its panels stacked,
    /// shown on narrow screens (phones) so that its text stays legible.
    public var narrow: NarrowVariant?

    /// The stacked variant of a multi-panel figure.
    public struct NarrowVariant: Codable, Sendable, Equatable {
        /// Path relative to the report folder, e.g. `figures/cubic-field-narrow.png`.
        public var path: String
        /// Displayed size in CSS pixels.
        public var width: Int
        public var height: Int
        /// The PNG itself, when the page embeds it.
        public var embeddedPNG: Data?

        /// Creates a variant.
        public init(path: String, width: Int, height: Int, embeddedPNG: Data? = nil) {
            self.path = path
            self.width = width
            self.height = height
            self.embeddedPNG = embeddedPNG
        }
    }

    /// Creates a reference.
    public init(path: String, caption: String, width: Int, height: Int, embeddedPNG: Data? = nil, narrow: NarrowVariant? = nil,
                data: String? = nil) {
        self.data = data
        self.path = path
        self.caption = caption
        self.width = width
        self.height = height
        self.embeddedPNG = embeddedPNG
        self.narrow = narrow
    }
}
