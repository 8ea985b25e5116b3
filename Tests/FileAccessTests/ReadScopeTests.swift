import FileAccess
import Foundation
import Testing

@Suite("the read scope: files a notebook may read")
struct ReadScopeTests {
    /// A project folder `project/` (the notebook's folder, in no git work tree) beside `outside/`.
    func layout() throws -> (TemporaryFolder, ReadScope, URL) {
        let folder = try TemporaryFolder()
        try folder.write("t,x1\n0,1\n", "project/data/obs.csv")
        try folder.write("secret\n", "outside/secret.csv")
        let notebookFolder = URL(fileURLWithPath: folder.at("project"))
        return (folder, ReadScope(notebookDirectory: notebookFolder), notebookFolder)
    }

    func reason(_ scope: ReadScope, _ path: String, from directory: URL) -> ReadRefusal.Reason? {
        do {
            _ = try scope.resolve(path, from: directory)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("a file inside the project resolves to its real path")
    func inside() throws {
        let (folder, scope, directory) = try layout()
        defer { folder.remove() }
        #expect(scope.project == ReadScope.Place(path: folder.at("project"), origin: .notebookFolder))
        #expect(try scope.resolve("data/obs.csv", from: directory).path == folder.at("project/data/obs.csv"))
        #expect(try scope.resolve("./data/../data/obs.csv", from: directory).path == folder.at("project/data/obs.csv"))
        #expect(try scope.resolve(folder.at("project/data/obs.csv"), from: directory).path == folder.at("project/data/obs.csv"))
    }

    @Test("'..' and absolute paths that leave the project are refused, whether the file exists or not")
    func outside() throws {
        let (folder, scope, directory) = try layout()
        defer { folder.remove() }
        #expect(reason(scope, "../outside/secret.csv", from: directory) == .outside(folder.at("outside/secret.csv")))
        #expect(reason(scope, folder.at("outside/secret.csv"), from: directory) == .outside(folder.at("outside/secret.csv")))
        #expect(reason(scope, "/etc/passwd", from: directory) == .outside("/etc/passwd"))
        // A missing file outside is refused the same way: the answer does not tell what exists there.
        #expect(reason(scope, "../outside/nothing.csv", from: directory) == .outside(folder.at("outside/nothing.csv")))
        #expect(reason(scope, "data/../../outside/secret.csv", from: directory) == .outside(folder.at("outside/secret.csv")))
    }

    @Test("the refusal names the path as written, the project root and --allow-read")
    func refusalMessage() throws {
        let (folder, scope, directory) = try layout()
        defer { folder.remove() }
        do {
            _ = try scope.resolve("../outside/secret.csv", from: directory)
            Issue.record("resolved a path outside the project")
        } catch {
            #expect(error.description == "'../outside/secret.csv' is outside the project root \(folder.at("project")) (the notebook's folder; it is in no git work tree); notebooks read only files inside it; move the file there, or allow its folder with --allow-read DIR")
        }
    }

    @Test("symbolic links are followed inside the project and refused when they lead out")
    func links() throws {
        let (folder, scope, directory) = try layout()
        defer { folder.remove() }
        try folder.link("project/inner.csv", to: "data/obs.csv")
        try folder.link("project/escape.csv", to: "../outside/secret.csv")
        try folder.link("project/escape-folder", to: folder.at("outside"))
        try folder.link("project/dangling.csv", to: "nothing-here.csv")
        #expect(try scope.resolve("inner.csv", from: directory).path == folder.at("project/data/obs.csv"))
        #expect(reason(scope, "escape.csv", from: directory) == .linksOutside(folder.at("outside/secret.csv")))
        #expect(reason(scope, "escape-folder/secret.csv", from: directory) == .linksOutside(folder.at("outside/secret.csv")))
        #expect(reason(scope, "dangling.csv", from: directory) == .missing)
    }

    @Test("folders, named pipes and devices are refused by their type, without opening them")
    func types() throws {
        let (folder, scope, directory) = try layout()
        defer { folder.remove() }
        try folder.fifo("project/pipe.csv")
        #expect(reason(scope, "data", from: directory) == .notRegular(.directory))
        #expect(reason(scope, "pipe.csv", from: directory) == .notRegular(.namedPipe))
        #expect(reason(scope, "missing.csv", from: directory) == .missing)
        #expect(reason(scope, "", from: directory) == .invalid)
        let devices = ReadScope(notebookDirectory: directory, allowed: [try ReadScope.allowedPlace("/dev")])
        #expect(reason(devices, "/dev/null", from: directory) == .notRegular(.characterDevice))
    }

    @Test("the enclosing git work tree is the project root, found by its .git folder or file")
    func gitWorkTree() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.folder("repo/.git")
        try folder.write("t,x1\n0,1\n", "repo/data/obs.csv")
        try folder.write("# n\n", "repo/notebooks/deep/n.md")
        try folder.write("gitdir: elsewhere\n", "worktree/.git")
        try folder.folder("worktree/notebooks")
        let directory = URL(fileURLWithPath: folder.at("repo/notebooks/deep"))
        let scope = ReadScope(notebookDirectory: directory)
        #expect(scope.project == ReadScope.Place(path: folder.at("repo"), origin: .gitWorkTree))
        #expect(try scope.resolve("../../data/obs.csv", from: directory).path == folder.at("repo/data/obs.csv"))
        #expect(reason(scope, "../../../worktree/.git", from: directory) == .outside(folder.at("worktree/.git")))
        #expect(ReadScope.projectRoot(of: URL(fileURLWithPath: folder.at("worktree/notebooks"))) == ReadScope.Place(path: folder.at("worktree"), origin: .gitWorkTree))
    }

    @Test("--allow-read opens a folder or a file outside the project, and nothing beside it")
    func allowRead() throws {
        let (folder, _, directory) = try layout()
        defer { folder.remove() }
        try folder.write("other\n", "outside-too/x.csv")
        let place = try ReadScope.allowedPlace(folder.at("outside"))
        let scope = ReadScope(notebookDirectory: directory, allowed: [place])
        #expect(try scope.resolve("../outside/secret.csv", from: directory).path == folder.at("outside/secret.csv"))
        #expect(reason(scope, "../outside-too/x.csv", from: directory) == .outside(folder.at("outside-too/x.csv")))
        let single = ReadScope(notebookDirectory: directory, allowed: [try ReadScope.allowedPlace(folder.at("outside-too/x.csv"))])
        #expect(try single.resolve("../outside-too/x.csv", from: directory).path == folder.at("outside-too/x.csv"))
        #expect(throws: AllowReadError.self) { try ReadScope.allowedPlace(folder.at("no-such-folder")) }
    }

    @Test("paths normalise by their text: '.', empty components and '..' (never above the root)")
    func normalisation() {
        #expect(ReadScope.normalized("/a/./b//c/../d") == "/a/b/d")
        #expect(ReadScope.normalized("/../../x") == "/x")
        #expect(ReadScope.normalized("/") == "/")
    }
}
