/// The program's version, shown in reports and part of every cache key.
public enum ProgramVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
