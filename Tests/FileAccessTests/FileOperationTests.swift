import FileAccess
import Foundation
import Testing

@Suite("reading regular files, paths inside a folder, and folder operations")
struct FileOperationTests {
    @Test("a named pipe is refused at once, never opened")
    func pipeRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.fifo("pipe")
        #expect(throws: RegularFile.Problem.notRegular(.namedPipe)) { try RegularFile.read(folder.at("pipe")) }
        #expect(throws: RegularFile.Problem.notRegular(.characterDevice)) { try RegularFile.read("/dev/zero") }
        #expect(throws: RegularFile.Problem.notRegular(.directory)) { try RegularFile.read(folder.path) }
        #expect(throws: RegularFile.Problem.missing) { try RegularFile.read(folder.at("none")) }
    }

    @Test("a file is read whole, or refused above the size limit")
    func readWithLimit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("0123456789", "ten")
        #expect(try RegularFile.read(file) == Data("0123456789".utf8))
        #expect(try RegularFile.readPrefix(file, count: 4) == Data("0123".utf8))
        #expect(throws: RegularFile.Problem.tooLarge(size: 10, limit: 9)) { try RegularFile.read(file, limit: 9) }
        #expect(RegularFile.Problem.tooLarge(size: 2_500_000, limit: 1_000_000).explanation == "is 2.5 MB, more than the limit of 1.0 MB")
    }

    @Test("relative paths that could leave their folder are refused")
    func relativePaths() {
        for bad in ["", "/etc/passwd", "..", "../x", "a/../../x", "figures/../../x", "a//b", "a/./b", "a/\u{1B}[2J", "x\0y",
                    String(repeating: "n", count: 256)] {
            #expect(RelativePath(bad) == nil, "accepted \(bad.debugDescription)")
        }
        #expect(RelativePath("figures/competition-time.png")?.components == ["figures", "competition-time.png"])
        #expect(RelativePath("data/x y.csv") != nil)
    }

    @Test("two folders swap in one step; removal does not follow links out of the folder")
    func exchangeAndRemove() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("old", "report/index.html")
        try folder.write("new", "staging/index.html")
        try folder.write("keep me", "elsewhere/precious.txt")
        try folder.link("report/link", to: folder.at("elsewhere"))
        let swapped = try FileOperations.exchange(folder.at("staging"), folder.at("report"))
        if swapped {
            #expect(try String(contentsOfFile: folder.at("report/index.html"), encoding: .utf8) == "new")
            #expect(try String(contentsOfFile: folder.at("staging/index.html"), encoding: .utf8) == "old")
        }
        try FileOperations.remove(swapped ? folder.at("staging") : folder.at("report"))
        #expect(FileKind.of(folder.at("elsewhere/precious.txt")) == .regular)
    }

    @Test("failures say what the system said, with the path")
    func plainFailures() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("x", "file")
        do {
            try FileOperations.createFolder(file + "/sub")
            Issue.record("created a folder under a file")
        } catch {
            #expect(error.description == "could not create the folder \(file): File exists")
        }
        do {
            try FileOperations.write(Data(), to: folder.at("missing/x"))
            Issue.record("wrote into a missing folder")
        } catch {
            #expect(error.description == "could not write \(folder.at("missing/x")): No such file or directory")
        }
    }
}

@Suite("Path text")
struct PathTextTests {
    @Test("parent and last component as dirname and basename say them, one-character paths included")
    func splitting() {
        let cases: [(String, String, String)] = [
            ("x", "", "x"), ("xy", "", "xy"), ("a/x", "a", "x"), ("/x", "/", "x"), ("a/x/", "a", "x"),
            ("/a/b//c", "/a/b", "c"), ("/", "/", "/"), ("a//x", "a", "x"),
        ]
        for (path, parent, last) in cases {
            #expect(PathText.parent(path) == parent, "parent of \(path)")
            #expect(PathText.lastComponent(path) == last, "last component of \(path)")
        }
    }
}
