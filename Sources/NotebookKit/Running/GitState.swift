import Foundation

/// The git work tree a notebook sits in, as the run history records it: its top folder, the
/// commit checked out and whether anything tracked was changed since.
struct GitState: Sendable, Equatable {
    /// The work tree's top folder (absolute, symbolic links resolved).
    var top: String
    /// The commit checked out (`HEAD`), `nil` in a repository without commits.
    var commit: String?
    /// Whether tracked files differ from that commit.
    var dirty: Bool

    /// The state of the work tree holding `folder`, or `nil` when it is not in one (or git is
    /// not installed).
    static func of(folder: String) -> GitState? {
        guard let git = ChildProcess.find("git"),
              let top = try? ChildProcess.run(git, ["-C", folder, "rev-parse", "--show-toplevel"]), top.status == 0 else { return nil }
        let root = top.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let head = try? ChildProcess.run(git, ["-C", root, "rev-parse", "--verify", "--quiet", "HEAD"])
        let status = try? ChildProcess.run(git, ["-C", root, "status", "--porcelain", "--untracked-files=no"])
        let commit = head?.status == 0 ? head?.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        return GitState(top: root, commit: commit, dirty: !(status?.output.isEmpty ?? true))
    }

    /// How the history names the notebook at `path`: relative to its work tree's top folder
    /// (`notebooks/experiments.md`), so that every clone and working directory agree; absolute
    /// outside a work tree.
    static func historyName(of path: String, in state: GitState?) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        guard let top = state?.top else { return absolute }
        let resolvedTop = URL(fileURLWithPath: top).resolvingSymlinksInPath().path
        let prefix = resolvedTop.hasSuffix("/") ? resolvedTop : resolvedTop + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }
}
