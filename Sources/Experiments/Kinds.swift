/// Every block kind this build knows, by name.
public enum Kinds {
    /// The kinds in the order `notebook kinds` lists them.
    public static let all: [any ExperimentKind.Type] = [OdeKind.self, SpeciesKind.self, SpiralKind.self, LatentODEKind.self, OdeNetKind.self]

    /// The kind called `name`.
    public static func named(_ name: String) -> (any ExperimentKind.Type)? {
        all.first { $0.name == name }
    }
}
