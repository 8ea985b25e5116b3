import Foundation
import Testing

/// A one-block notebook that runs in milliseconds.
private let quickNotebook = """
    # Notes

    ```{species}
    steps: 10
    ```

    """

/// Three blocks that take about half a second in a debug build, with six figures to write.
private let slowNotebook = """
    # Slow

    ```{species}
    id: a
    steps: 20000
    h: 0.01
    ```

    ```{ode}
    id: b
    equations: {x: sigma*(y - x), y: x*(rho - z) - y, z: x*y - beta*z}
    params: {sigma: 10, rho: 28, beta: 2.6666667}
    initial: {x: 1, y: 1, z: 1}
    t_end: 40
    ```

    ```{species}
    id: c
    steps: 20000
    h: 0.01
    ```

    """

/// Every file under `url` (relative path → contents; a symbolic link as `-> target`).
private func snapshot(_ url: URL) -> [String: Data] {
    var files = [String: Data]()
    let manager = FileManager.default
    guard let enumerator = manager.enumerator(atPath: url.path) else { return files }
    while let relative = enumerator.nextObject() as? String {
        let path = url.appendingPathComponent(relative).path
        if let target = try? manager.destinationOfSymbolicLink(atPath: path) {
            files[relative] = Data("-> \(target)".utf8)
        } else if let data = manager.contents(atPath: path) {
            files[relative] = data
        }
    }
    return files
}

/// Runs `command arguments...` and returns its exit status (-1 when it cannot start).
@discardableResult
private func shell(_ command: String, _ arguments: [String]) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return -1 }
    _ = process.waitUntilExit(timeout: 60, poll: 0.02)
    return process.terminationStatus
}

/// A small tmpfs mounted at `url` for the duration of `body`, or `nil` when this process may not
/// mount (not root, or no mount privilege in this container).
private func withTmpfs(at url: URL, size: String, _ body: () throws -> Void) throws -> Bool {
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    guard getuid() == 0, shell("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", url.path]) == 0 else { return false }
    defer { shell("/bin/umount", ["-l", url.path]) }
    try body()
    return true
}

@Suite("never destroy a user's files, never write or read outside where it should")
struct SafetyTests {
    // MARK: Only replace what it made

    @Test("a folder of the user's where the report would go survives, and nothing runs")
    func userFolderSurvives() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write(quickNotebook, to: "notes.md")
        try scratch.write("my thesis", to: "out/notes/thesis.txt")
        let result = try CLI.run(["run", "notes.md", "-o", "out"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == """
            error: out/notes is not a report folder written by notebook (it is a folder without notebook's .notebook-report marker), \
            so notebook will not replace it; nothing was run. Move it away, or write the reports elsewhere with -o DIR

            """)
        #expect(try scratch.read("out/notes/thesis.txt") == "my thesis")
        #expect(!scratch.exists("out/.cache") && !scratch.exists("out/index.html"), "nothing is written when the run is refused")

        // A file, or a link to a folder elsewhere, is refused the same way.
        try FileManager.default.removeItem(at: scratch.file("out/notes"))
        try scratch.write("a file", to: "out/notes")
        var again = try CLI.run(["run", "notes.md", "-o", "out"], in: scratch.url)
        #expect(again.status == 2 && again.stderr.hasPrefix("error: out/notes is not a report folder written by notebook (it is a file)"), "\(again)")
        try FileManager.default.removeItem(at: scratch.file("out/notes"))
        try scratch.write("elsewhere", to: "elsewhere/keep.txt")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("out/notes").path, withDestinationPath: scratch.file("elsewhere").path)
        again = try CLI.run(["run", "notes.md", "-o", "out"], in: scratch.url)
        #expect(again.status == 2 && again.stderr.hasPrefix("error: out/notes is not a report folder written by notebook (it is a symbolic link)"), "\(again)")
        #expect(try scratch.read("elsewhere/keep.txt") == "elsewhere")
    }

    @Test("a report folder notebook wrote is replaced whole; the interrupted report of the user's is not")
    func ownFolderReplaced() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write(quickNotebook, to: "notes.md")
        var result = try CLI.run(["run", "notes.md", "-o", "out", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(try scratch.read("out/notes/.notebook-report").hasPrefix("notebook report folder\n"))
        try scratch.write("left over", to: "out/notes/figures/stale.png")
        result = try CLI.run(["run", "notes.md", "-o", "out", "--quiet", "--no-cache"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(!scratch.exists("out/notes/figures/stale.png"), "the new report replaces the old folder whole")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.file("out").path).filter { $0.hasPrefix(".notes") }
        #expect(leftovers.isEmpty, "no staging folders are left: \(leftovers)")

        try scratch.write("mine", to: "out/notes.interrupted/keep.txt")
        result = try CLI.run(["run", "notes.md", "-o", "out", "--quiet"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.hasPrefix("error: out/notes.interrupted is not a report folder written by notebook"), "\(result)")
        #expect(try scratch.read("out/notes.interrupted/keep.txt") == "mine")
    }

    @Test("an index page or a .cache folder of the user's stops the run; --no-cache leaves the folder alone")
    func indexAndCache() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write(quickNotebook, to: "notes.md")
        try scratch.write("<html><body>my site</body></html>", to: "site/index.html")
        var result = try CLI.run(["run", "notes.md", "-o", "site"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == """
            error: site/index.html is not an index page written by notebook (it is a file without notebook's generator mark), \
            so notebook will not replace it; nothing was run. Move it away, or write the reports elsewhere with -o DIR

            """)
        #expect(try scratch.read("site/index.html") == "<html><body>my site</body></html>")
        #expect(!scratch.exists("site/notes"))

        try scratch.write("cached things of another program", to: "home/.cache/other/file")
        result = try CLI.run(["run", "notes.md", "-o", "home"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == """
            error: home/.cache is not notebook's result cache (it is a folder without notebook's CACHEDIR.TAG), \
            so notebook will not replace it; nothing was run. Move it away, or write the reports elsewhere with -o DIR, or run with --no-cache

            """)
        let before = snapshot(scratch.file("home/.cache"))
        result = try CLI.run(["run", "notes.md", "-o", "home", "--no-cache", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(snapshot(scratch.file("home/.cache")) == before, "--no-cache neither reads nor writes the cache folder")
        #expect(try scratch.read("home/notes/index.html").contains("<meta name=\"generator\" content=\"notebook\">"))
    }

    @Test("notebook clean removes what notebook wrote and keeps, and names, what it did not")
    func cleanKeepsForeign() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write(quickNotebook, to: "notes.md")
        let result = try CLI.run(["run", "notes.md", "-o", "out", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        try scratch.write("{\"notebook\": \"x\", \"blocks\": []}", to: "out/mine/results.json")
        try scratch.write("my notes", to: "out/mine/notes.txt")
        try scratch.write("mine", to: "out/readme.txt")
        let clean = try CLI.run(["clean", "-o", "out"], in: scratch.url)
        #expect(clean.status == 0, "\(clean)")
        #expect(clean.stdout == "removed from out: .cache, index.html, notes\nkept (not written by notebook): mine\n")
        #expect(try scratch.read("out/mine/notes.txt") == "my notes")
        #expect(try scratch.read("out/readme.txt") == "mine")
        #expect(!scratch.exists("out/notes") && !scratch.exists("out/.cache"))
    }

    // MARK: Write only inside DIR

    @Test("-o / and -o on a file are refused before any block runs, in plain words")
    func badOutputFolders() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        let stem = "notebook-safety-\(UUID().uuidString.prefix(8).lowercased())"
        try scratch.write(quickNotebook, to: "\(stem).md")
        var result = try CLI.run(["run", "\(stem).md", "-o", "/"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == "error: -o /: refusing to write reports into the root folder '/'; give a folder of their own (for example -o output)\n")
        #expect(!FileManager.default.fileExists(atPath: "/\(stem)"))
        result = try CLI.run(["run", "\(stem).md", "-o", "\(scratch.url.path)/../../../../../.."], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("refusing to write reports into the root folder"), "\(result)")

        try scratch.write("not a folder", to: "afile")
        result = try CLI.run(["run", "\(stem).md", "-o", "afile"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == "error: -o afile: is a file, not a folder; give a folder for the reports (it is created when missing)\n")
        #expect(try scratch.read("afile") == "not a folder")

        result = try CLI.run(["run", "\(stem).md", "-o", "afile/sub"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == "error: -o afile/sub: cannot create the folder: File exists\n")
    }

    @Test("an output folder that cannot be written is refused before any block runs")
    func readOnlyOutput() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write(quickNotebook, to: "notes.md")
        let folder = scratch.file("locked")
        var expected = "error: -o locked: cannot write in the folder: Permission denied\n"
        let mounted = try withTmpfs(at: folder, size: "1m") {
            #expect(shell("/bin/mount", ["-o", "remount,ro", folder.path]) == 0)
            expected = "error: -o locked: cannot write in the folder: Read-only file system\n"
            let result = try CLI.run(["run", "notes.md", "-o", "locked"], in: scratch.url)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr == expected)
        }
        if !mounted {
            // Not root: permissions stop the write.
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path) }
            let result = try CLI.run(["run", "notes.md", "-o", "locked"], in: scratch.url)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr == expected)
        }
    }

    @Test("a full disk fails the run with the system's reason and keeps the previous report")
    func fullDisk() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write(slowNotebook, to: "slow.md")
        let disk = scratch.file("disk")
        let mounted = try withTmpfs(at: disk, size: "8m") {
            var result = try CLI.run(["run", "slow.md", "-o", "disk", "--quiet"], in: scratch.url)
            #expect(result.status == 0, "\(result)")
            let previous = snapshot(disk.appendingPathComponent("slow"))
            // Fill what is left, then run with other options (no cache hit): the report cannot fit.
            _ = FileManager.default.createFile(atPath: disk.appendingPathComponent("filler").path, contents: nil)
            let filler = try FileHandle(forWritingTo: disk.appendingPathComponent("filler"))
            let chunk = Data(count: 64 * 1024)
            while (try? filler.write(contentsOf: chunk)) != nil {}
            try? filler.close()
            result = try CLI.run(["run", "slow.md", "-o", "disk", "--quiet", "--no-cache", "-p", "a.steps=20001"], in: scratch.url)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("error: could not write the report of slow.md: could not "), "\(result)")
            #expect(result.stderr.contains("No space left on device"), "\(result)")
            #expect(!result.stderr.contains("NSCocoaErrorDomain"), "\(result)")
            #expect(snapshot(disk.appendingPathComponent("slow")) == previous, "the previous report is kept as it was")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: disk.path).filter { $0.hasPrefix(".slow") }
            #expect(leftovers.isEmpty, "the staging folder is removed: \(leftovers)")
        }
        if !mounted {
            print("SafetyTests.fullDisk: skipped: mounting a small tmpfs needs root and the mount privilege")
        }
    }

    @Test("a cache entry whose file path was rewritten to leave the folder is rejected, and nothing is written outside")
    func cacheEntryPathRewritten() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write(quickNotebook, to: "notes.md")
        var result = try CLI.run(["run", "notes.md", "-o", "out/site", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        let cache = scratch.file("out/site/.cache")
        let entry = try #require(try FileManager.default.contentsOfDirectory(atPath: cache.path).first { $0.hasSuffix(".result") })
        let entryURL = cache.appendingPathComponent(entry)
        let rewritten = try rewriteEntry(Data(contentsOf: entryURL)) { manifest in
            // JSONEncoder writes '/' as '\/'.
            manifest.replacingOccurrences(of: "data\\/species-1.csv", with: "..\\/..\\/x.csv")
        }
        try rewritten.write(to: entryURL)
        result = try CLI.run(["run", "notes.md", "-o", "out/site"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("warning: notes: species-1 {species}: ignored the cache entry \(entryURL.resolvingSymlinksInPath().path): it names a file outside the report's figures/ and data/ folders; the block runs again"), "\(result)")
        #expect(!scratch.exists("out/x.csv") && !scratch.exists("x.csv"), "nothing is written outside the output folder")
        #expect(scratch.exists("out/site/notes/data/species-1.csv"))
    }

    /// The entry with its manifest (the block as JSON) changed by `change` and its checksum made right.
    private func rewriteEntry(_ data: Data, _ change: (String) -> String) throws -> Data {
        let bytes = [UInt8](data)
        let header = Array("notebook result cache 1\n".utf8)
        let bodyStart = header.count + 65
        var chunks = [[UInt8]]()
        var position = bodyStart
        while position < bytes.count {
            let newline = try #require(bytes[position...].firstIndex(of: UInt8(ascii: "\n")))
            let count = try #require(Int(String(decoding: bytes[position..<newline], as: UTF8.self)))
            chunks.append(Array(bytes[(newline + 1)..<(newline + 1 + count)]))
            position = newline + 1 + count
        }
        chunks[1] = Array(change(String(decoding: chunks[1], as: UTF8.self)).utf8)
        var body = [UInt8]()
        for chunk in chunks { body += Array("\(chunk.count)\n".utf8) + chunk }
        let scratch = try Scratch(prefix: "notebook-entry")
        defer { scratch.remove() }
        let bodyFile = scratch.file("body")
        try Data(body).write(to: bodyFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [bodyFile.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        _ = process.waitUntilExit(timeout: 60, poll: 0.02)
        let digest = String(decoding: output.prefix(64), as: UTF8.self)
        return Data(header + Array((digest + "\n").utf8) + body)
    }

    // MARK: Read only inside the project

    @Test("images: a link inside the project is copied as its file; links out, folders and pipes are refused")
    func images() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        let picture = Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
        try FileManager.default.createDirectory(at: scratch.file("project/pictures"), withIntermediateDirectories: true)
        try picture.write(to: scratch.file("project/pictures/real.png"))
        try Data("secret".utf8).write(to: scratch.file("secret.png"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("project/inside.png").path, withDestinationPath: "pictures/real.png")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("project/outside.png").path, withDestinationPath: "../secret.png")
        #expect(mkfifo(scratch.file("project/pipe.png").path, 0o644) == 0)
        let project = scratch.file("project")

        try scratch.write("# Pictures\n\n![in](inside.png)\n", to: "project/good.md")
        var result = try CLI.run(["run", "good.md", "-o", "out", "--quiet"], in: project)
        #expect(result.status == 0, "\(result)")
        let copy = project.appendingPathComponent("out/good/assets/inside.png")
        let type = try FileManager.default.attributesOfItem(atPath: copy.path)[.type] as? FileAttributeType
        #expect(type == .typeRegular, "the copy is the file itself, not a link")
        #expect(try Data(contentsOf: copy) == picture)

        let root = project.resolvingSymlinksInPath().path
        let cases: [(String, String)] = [
            ("![out](outside.png)", "image 'outside.png' is a symbolic link (or passes through one) that leads outside the project root \(root) (the notebook's folder; it is in no git work tree); notebooks read only files inside it; move the file there, or allow its folder with --allow-read DIR"),
            ("![dir](pictures)", "image 'pictures' is a folder, not a regular file"),
            ("![pipe](pipe.png)", "image 'pipe.png' is a named pipe (FIFO), not a regular file"),
        ]
        for (markdown, message) in cases {
            try scratch.write("# Bad\n\n\(markdown)\n", to: "project/bad.md")
            for command in [["check", "bad.md"], ["run", "bad.md", "-o", "out"], ["run", "bad.md", "-o", "out", "--self-contained"]] {
                result = try CLI.run(command, in: project, timeout: 30)
                #expect(result.status == 2 && !result.timedOut, "\(command): \(result)")
                #expect(result.stderr == "bad.md:3: error: \(message)\n", "\(command)")
            }
        }
        #expect(!scratch.exists("project/out/bad"), "no report is written for a refused image")
        #expect(!snapshot(project.appendingPathComponent("out")).values.contains(Data("secret".utf8)), "the secret was copied nowhere")
    }

    @Test("data files: links out of the project (file or folder) and pipes are refused; --allow-read and the git work tree open places")
    func dataFiles() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        let observations = "t,x1,x2\n0,100,150\n1,101,151\n"
        try scratch.write(observations, to: "shared/obs.csv")
        try scratch.write(observations, to: "repo/data/obs.csv")
        try FileManager.default.createDirectory(at: scratch.file("repo/notebooks"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("repo/notebooks/linked.csv").path, withDestinationPath: "../../shared/obs.csv")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("repo/notebooks/linked-folder").path, withDestinationPath: scratch.file("shared").path)
        #expect(mkfifo(scratch.file("repo/notebooks/pipe.csv").path, 0o644) == 0)
        let notebooks = scratch.file("repo/notebooks")
        func notebook(_ csv: String) throws {
            try scratch.write("# Data\n\n```{species}\nh: 1\nsteps: 2\ndata: {csv: \(csv)}\n```\n", to: "repo/notebooks/n.md")
        }
        let root = notebooks.resolvingSymlinksInPath().path
        let outside = "the project root \(root) (the notebook's folder; it is in no git work tree); notebooks read only files inside it; move the file there, or allow its folder with --allow-read DIR"
        for (csv, message) in [
            ("linked.csv", "'linked.csv' is a symbolic link (or passes through one) that leads outside \(outside)"),
            ("linked-folder/obs.csv", "'linked-folder/obs.csv' is a symbolic link (or passes through one) that leads outside \(outside)"),
            ("../data/obs.csv", "'../data/obs.csv' is outside \(outside)"),
            ("pipe.csv", "'pipe.csv' is a named pipe (FIFO), not a regular file"),
        ] {
            try notebook(csv)
            for command in [["check", "n.md"], ["run", "n.md", "-o", "out"]] {
                let result = try CLI.run(command, in: notebooks, timeout: 30)
                #expect(result.status == 2 && !result.timedOut, "\(command): \(result)")
                #expect(result.stderr == "n.md:6: error: 'data.csv': \(message)\n", "\(command)")
            }
        }

        // --allow-read names the shared folder: the links into it are read.
        try notebook("linked.csv")
        var result = try CLI.run(["run", "n.md", "-o", "out", "--quiet", "--allow-read", "../../shared"], in: notebooks)
        #expect(result.status == 0, "\(result)")
        #expect(scratch.exists("repo/notebooks/out/n/results.json"))

        // A git work tree makes the whole repository the project: ../data is inside it.
        try FileManager.default.createDirectory(at: scratch.file("repo/.git"), withIntermediateDirectories: true)
        try notebook("../data/obs.csv")
        result = try CLI.run(["check", "n.md"], in: notebooks)
        #expect(result.status == 0, "\(result)")
        try notebook("../../shared/obs.csv")
        result = try CLI.run(["check", "n.md"], in: notebooks)
        let repository = scratch.file("repo").resolvingSymlinksInPath().path
        #expect(result.stderr == "n.md:6: error: 'data.csv': '../../shared/obs.csv' is outside the project root \(repository) (the git work tree that holds the notebook); notebooks read only files inside it; move the file there, or allow its folder with --allow-read DIR\n", "\(result)")
    }

    @Test("a file the user allowed is read, but no message quotes its text")
    func noContentsInMessages() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write("# Data\n\n```{species}\ndata: {csv: /etc/passwd}\n```\n", to: "n.md")
        var result = try CLI.run(["check", "n.md"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("'/etc/passwd' is outside the project root"), "\(result)")
        result = try CLI.run(["check", "n.md", "--allow-read", "/etc"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == "n.md:4: error: 'data.csv': passwd line 2, column 1: not a number\n", "\(result)")
        #expect(!result.stderr.contains("root") && !result.stderr.contains(":x:"))
    }

    // MARK: Names and the terminal

    @Test("a notebook whose file name holds escape codes is refused, and the name is printed escaped")
    func escapedFileName() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        let name = "\u{1B}]0;owned\u{07}\u{1B}[2Jx.md"
        try scratch.write(quickNotebook, to: name)
        let result = try CLI.run(["check", name], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == "\\e]0;owned\\a\\e[2Jx.md: error: the file name holds control characters, which cannot name a report folder; rename the notebook\n")
        #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    // MARK: What already held, kept as tests

    @Test("kill -9 at 20 moments of a run: the previous report is there, whole, every time")
    func killNine() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write(slowNotebook, to: "slow.md")
        let first = try CLI.run(["run", "slow.md", "-o", "out", "--quiet"], in: scratch.url)
        #expect(first.status == 0, "\(first)")
        var generator = SystemRandomNumberGenerator()
        var killedDuringRun = 0
        for attempt in 0..<20 {
            let delay = Double.random(in: 0...0.9, using: &generator)
            var finished = false
            _ = try CLI.run(["run", "slow.md", "-o", "out", "--quiet", "--no-cache", "-p", "a.steps=\(20000 + attempt)"], in: scratch.url) { process, _ in
                Thread.sleep(forTimeInterval: delay)
                finished = !process.isRunning
                if !finished { kill(process.processIdentifier, SIGKILL) }
            }
            if !finished { killedDuringRun += 1 }
            let page = try scratch.read("out/slow/index.html")
            #expect(page.hasSuffix("</html>\n"), "attempt \(attempt) after \(delay) s: the report page is whole")
            #expect(try scratch.json("out/slow/results.json")["blocks"] as? [Any] != nil, "attempt \(attempt): results.json is whole")
            #expect(scratch.exists("out/slow/.notebook-report"), "attempt \(attempt): the marker is there")
            // Six figures of the block; from the third run on, also the history figure.
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("out/slow/figures").path)
                .filter { !$0.hasSuffix("-history.png") }.count == 6)
        }
        #expect(killedDuringRun >= 10, "most kills land while the run is going (\(killedDuringRun) of 20)")
        let clean = try CLI.run(["clean", "-o", "out"], in: scratch.url)
        #expect(clean.status == 0, "\(clean)")
        // The run history stays (clean keeps it); a killed run may leave SQLite's WAL files beside it.
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.file("out").path).filter { !$0.hasPrefix("history.sqlite") }
        #expect(left.isEmpty, "clean removes the staging folders killed runs left: \(left)")
    }

    @Test("two runs at once on one output folder both finish cleanly")
    func concurrentRuns() throws {
        let scratch = try Scratch(prefix: "notebook-safety")
        defer { scratch.remove() }
        try scratch.write(slowNotebook, to: "slow.md")
        let results = try [0, 1].map { index in
            DispatchQueue.global().asyncResult {
                try CLI.run(["run", "slow.md", "-o", "out", "--quiet", "--no-cache", "-p", "a.steps=\(20000 + index)"], in: scratch.url)
            }
        }.map { try $0.wait() }
        for result in results { #expect(result.status == 0, "\(result)") }
        #expect(try scratch.read("out/slow/index.html").hasSuffix("</html>\n"))
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.file("out").path).sorted()
        #expect(left == ["history.sqlite", "index.html", "slow"], "\(left)")
    }
}

/// A value computed on a queue, waited for.
private final class AsyncResult<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    func set(_ value: Result<Value, any Error>) {
        result = value
        done.signal()
    }

    func wait() throws -> Value {
        done.wait()
        return try result!.get()
    }
}

extension DispatchQueue {
    fileprivate func asyncResult<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) -> AsyncResult<Value> {
        let box = AsyncResult<Value>()
        async { box.set(Result { try work() }) }
        return box
    }
}
