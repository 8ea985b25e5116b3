/// The keys every block kind accepts (docs/format.md §2).
public enum CommonOptions {
    /// The longest id, in characters: ids name the block's figure and data files, whose names must
    /// stay within the file system's limit whatever the kind appends.
    public static let maximumIDLength = 64

    /// The block's id: lowercase letters, digits and `-`, unique in the notebook, at most
    /// ``maximumIDLength`` characters.
    public static let id = Option<String>.identifier("id", "the block's id, unique in the notebook (default <kind>-<n>)")
    /// A caption shown above the block's results.
    public static let caption = Option<String?>.text("caption", "a caption shown with the block's results")
    /// The random seed.
    public static let seed = Option<Int>.integer("seed", minimum: 0, default: 0, "random seed (default: the notebook's seed)")
    /// Whether results may be reused from the cache.
    public static let cache = Option<Bool>.boolean("cache", default: true, "reuse the cached result when nothing changed")
    /// A time limit in seconds.
    public static let timeout = Option<Double?>.optionalNumber("timeout", .positive, "stop the block after this many seconds")

    /// How the block's figures are drawn: PNG, or SVG (crisp at any zoom).
    public static let figureFormat = Option<String>.choice(
        "figure_format", ["png", "svg"], default: "png", "png, or svg for figures crisp at any zoom (default: the notebook's)")

    /// How closely the block's metrics must match a baseline (`notebook run --baseline`); the
    /// `--rtol`/`--atol` flags apply where it says nothing.
    public static let tolerance = Option<OptionValue?>(
        OptionSpec("tolerance", .tolerance, default: nil,
                   "baseline tolerance: {rtol: R, atol: A}, or per metric {final.x1: {rtol: R}} (default: --rtol/--atol)")) { .some($0) }

    /// All common keys, in the order `notebook kinds` lists them.
    public static let all: [OptionSpec] = [id.spec, caption.spec, seed.spec, cache.spec, timeout.spec, figureFormat.spec, tolerance.spec]
}
