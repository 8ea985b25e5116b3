import FileAccess
import Foundation
import Report

/// The output folder of a run (`-o DIR`) and the rules by which notebook writes in it: it creates
/// and replaces only what it made, and it knows what it made by a mark.
///
/// - A report folder `DIR/<stem>/` (and `DIR/<stem>.interrupted/`) holds the file
///   ``reportMarker``, written before anything else in it.
/// - The index page `DIR/index.html` carries ``IndexWriter/generatorMarker`` in its head.
/// - The cache folder `DIR/.cache/` holds a `CACHEDIR.TAG` (the Cache Directory Tagging
///   Specification, which backup tools honour).
///
/// Report folders, index pages and caches written before the marks existed are recognised by their
/// exact layout (see ``ownership(ofReportFolder:)``). Anything else at those places is the user's:
/// a run stops before any block runs, and `notebook clean` leaves it alone.
struct OutputFolder: Sendable {
    /// The index page's name.
    static let indexName = "index.html"
    /// The name prefix of the empty file a run creates and removes to learn that it may write in
    /// the output folder (a run killed in between leaves it; `clean` removes it).
    static let writeProbePrefix = ".notebook-write-check-"
    /// The cache folder's name.
    static let cacheName = ".cache"
    /// What a report folder's name gets when the run that wrote it was interrupted.
    static let interruptedSuffix = ".interrupted"
    /// The file that marks a report folder as notebook's.
    static let reportMarker = ".notebook-report"
    /// The first line of ``reportMarker``.
    static let reportMarkerHeader = "notebook report folder\n"
    /// The marker's contents.
    static let reportMarkerContents = Data((reportMarkerHeader
        + "This folder was written by notebook: `notebook run` replaces it and `notebook clean` removes it.\n"
        + "Keep no files of your own here.\n").utf8)
    /// The cache folder's tag file.
    static let cacheTagName = "CACHEDIR.TAG"
    /// The tag's contents: the specification's signature line, then a comment.
    static let cacheTagContents = Data(("Signature: 8a477f597d28d172789f06886806bc55\n"
        + "# This file is a cache directory tag created by notebook (its result cache).\n"
        + "# For information about cache directory tags, see https://bford.info/cachedir/\n").utf8)

    /// The folder's path, absolute.
    let path: String
    /// The folder as the user gave it, for messages.
    let shown: String

    /// Whether notebook may replace or remove what is at a place.
    enum Ownership: Equatable {
        /// Nothing is there.
        case absent
        /// notebook made it.
        case ours
        /// Something else is there; the text says what ("a file", "a folder without the marker").
        case foreign(String)

        /// What the kind of the entry at `path` (a link itself, not followed) already decides:
        /// `absent` when nothing is there, `foreign` naming anything but an `expected` kind;
        /// `nil` for an entry of the expected kind, whose contents decide.
        static func decidedByKind(of path: String, expecting expected: FileKind) -> Ownership? {
            switch FileKind.of(path, followingLinks: false) {
            case .missing: return .absent
            case expected: return nil
            case let kind: return .foreign(kind.described)
            }
        }
    }

    /// Checks `argument` (the `-o` value) before any block runs, and creates the folder: it must
    /// not be the root folder, must be (or become) a folder notebook can write in, and every place
    /// the run will replace (the reports of `stems`, the index page, and the cache when
    /// `usesCache`) must be absent or notebook's own.
    ///
    /// - Throws: the problems found, each a plain sentence naming the place and what to do.
    static func prepare(_ argument: String, stems: [String], usesCache: Bool, usesShards: Bool = false,
                        writesIndex: Bool = true) throws(Diagnostics) -> OutputFolder {
        func fail(_ message: String) -> Diagnostics { Diagnostics([Diagnostic(file: nil, message: message)]) }
        guard !argument.isEmpty else { throw fail("-o: the output folder is empty; give a folder for the reports") }
        let absolute = ReadScope.realPath(argument) ?? normalizedAbsolute(argument)
        guard absolute != "/" else {
            throw fail("-o \(argument): refusing to write reports into the root folder '/'; give a folder of their own (for example -o output)")
        }
        switch FileKind.of(argument) {
        case .directory:
            break
        case .missing:
            do { try FileOperations.createFolder(argument) } catch {
                throw fail("-o \(argument): cannot create the folder: \(error.reason)")
            }
        case let .unexaminable(code):
            throw fail("-o \(argument): cannot use the folder: \(FileSystemError.text(of: code))")
        case let kind:
            throw fail("-o \(argument): is \(kind.described), not a folder; give a folder for the reports (it is created when missing)")
        }
        let probe = (argument as NSString).appendingPathComponent("\(writeProbePrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw fail("-o \(argument): cannot write in the folder: \(FileSystemError.text(of: errno))")
        }
        close(descriptor)
        unlink(probe)

        let folder = OutputFolder(path: ReadScope.realPath(argument) ?? absolute, shown: argument)
        var problems = [Diagnostic]()
        for stem in stems {
            for name in [stem, stem + interruptedSuffix] {
                if case let .foreign(what) = ownership(ofReportFolder: folder.path(name)) {
                    problems.append(Diagnostic(file: nil, message: folder.refusal(name, what: what, thing: "a report folder written by notebook")))
                }
            }
        }
        if writesIndex, case let .foreign(what) = ownership(ofIndexPage: folder.path(indexName)) {
            problems.append(Diagnostic(file: nil, message: folder.refusal(indexName, what: what, thing: "an index page written by notebook")))
        }
        if usesCache, case let .foreign(what) = ownership(ofCacheFolder: folder.path(cacheName)) {
            problems.append(Diagnostic(file: nil, message: folder.refusal(cacheName, what: what, thing: "notebook's result cache")
                + ", or run with --no-cache"))
        }
        if usesShards, case let .foreign(what) = ShardStore.ownership(of: folder.path(ShardStore.folderName)) {
            problems.append(Diagnostic(file: nil, message: folder.refusal(ShardStore.folderName, what: what, thing: "notebook's shard results")))
        }
        guard problems.isEmpty else { throw Diagnostics(problems) }
        return folder
    }

    /// The folder at `path` without checks (for `notebook clean` and tests).
    init(path: String, shown: String) {
        self.path = path
        self.shown = shown
    }

    /// The absolute path of the entry `name` in the folder.
    func path(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// The entry `name` as the user would write it: `out/notes`.
    func shown(_ name: String) -> String {
        (shown as NSString).appendingPathComponent(name)
    }

    /// Why notebook will not touch `name` (which is `what` instead of `thing`), and what the user
    /// can do.
    func refusal(_ name: String, what: String, thing: String) -> String {
        "\(shown(name)) is not \(thing) (it is \(what)), so notebook will not replace it; nothing was run. "
            + "Move it away, or write the reports elsewhere with -o DIR"
    }

    // MARK: - Ownership

    /// Report folder entries of the layout written before the marker existed.
    static let legacyReportEntries: Set<String> = ["index.html", "results.json", "figures", "data", "assets", "katex"]

    /// Whether the report folder at `path` is notebook's: a real folder (not a link) holding the
    /// marker, or one of the layout reports had before the marker existed (only report files, and a
    /// `results.json` of notebook's shape).
    static func ownership(ofReportFolder path: String) -> Ownership {
        if let ownership = Ownership.decidedByKind(of: path, expecting: .directory) { return ownership }
        if let header = try? RegularFile.readPrefix(path + "/" + reportMarker, count: reportMarkerHeader.utf8.count),
           header == Data(reportMarkerHeader.utf8), FileKind.of(path + "/" + reportMarker, followingLinks: false) == .regular {
            return .ours
        }
        let names = FileOperations.names(in: path)
        if !names.isEmpty, names.contains("results.json"), names.allSatisfy(legacyReportEntries.contains),
           FileKind.of(path + "/results.json", followingLinks: false) == .regular,
           let data = try? RegularFile.read(path + "/results.json", limit: 64 << 20),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           object["notebook"] is String, object["blocks"] is [Any] {
            return .ours
        }
        return .foreign("a folder without notebook's \(reportMarker) marker")
    }

    /// Whether the index page at `path` is notebook's: a regular file (not a link) whose head
    /// carries the generator mark, or the title index pages had before it.
    static func ownership(ofIndexPage path: String) -> Ownership {
        if let ownership = Ownership.decidedByKind(of: path, expecting: .regular) { return ownership }
        guard let head = try? RegularFile.readPrefix(path, count: 2048) else { return .foreign("an unreadable file") }
        let text = String(decoding: head, as: UTF8.self)
        if text.contains(IndexWriter.generatorMarker) || text.contains("<title>Notebook reports</title>") { return .ours }
        return .foreign("a file without notebook's generator mark")
    }

    /// Whether the cache folder at `path` is notebook's: a real folder holding `CACHEDIR.TAG`, or
    /// one of the layout caches had before the tag (only `<sha-256>.result` files).
    static func ownership(ofCacheFolder path: String) -> Ownership {
        if let ownership = Ownership.decidedByKind(of: path, expecting: .directory) { return ownership }
        if FileKind.of(path + "/" + cacheTagName, followingLinks: false) == .regular { return .ours }
        let names = FileOperations.names(in: path)
        if names.allSatisfy(isCacheEntryName) { return .ours }
        return .foreign("a folder without notebook's \(cacheTagName)")
    }

    /// `<64 hex digits>.result`.
    static func isCacheEntryName(_ name: String) -> Bool {
        guard name.hasSuffix(".result") else { return false }
        let digest = name.dropLast(".result".count)
        return digest.count == 64 && digest.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// `path` made absolute against the working folder, `.` and `..` resolved by their text.
    static func normalizedAbsolute(_ path: String) -> String {
        ReadScope.normalized(path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path)
    }
}
