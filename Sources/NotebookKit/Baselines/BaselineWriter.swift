import Crypto
import FileAccess
import Foundation

extension Commands {
    /// Options of `notebook baseline`.
    public struct BaselineWriteOptions: Sendable {
        /// How the notebooks run (their reports go to `run.outputDirectory` as usual).
        public var run: RunOptions
        /// The baseline folder: one `<stem>/` per notebook.
        public var baseline: String
        /// Replace baselines that exist.
        public var update: Bool
        /// Keep the figures' images (`false`: only their SHA-256, in `figures.sha256`).
        public var figures: Bool = true

        /// Creates the options.
        public init(run: RunOptions, baseline: String, update: Bool = false, figures: Bool = true) {
            self.figures = figures
            self.run = run
            self.baseline = baseline
            self.update = update
        }
    }

    /// `notebook baseline FILE.md... -o PATH`: runs the notebooks, then keeps of each report only
    /// what a comparison reads (its `results.json` and figures, and each sweep point's) in
    /// `PATH/<stem>/`, small enough to commit. An existing baseline is replaced only with
    /// `--update`; nothing is written when a block fails.
    public static func baseline(_ options: BaselineWriteOptions) -> Int32 {
        guard !options.baseline.isEmpty else {
            printError("error: -o: the baseline folder is empty; give a folder for the baselines")
            return 2
        }
        guard let notebooks = loadedOrReported(options.run.loadRequest) else { return 2 }
        let root = URL(fileURLWithPath: options.baseline)
        if FileKind.of(options.baseline) != .missing, FileKind.of(options.baseline) != .directory {
            printError("error: \(options.baseline) is not a folder: a baseline is a folder with one report per notebook")
            return 2
        }
        if !options.update {
            let existing = notebooks.map(\.base.stem).filter { FileKind.of(root.appendingPathComponent($0).path, followingLinks: false) != .missing }
            if !existing.isEmpty {
                printError("error: \(options.baseline) already holds the baseline of \(existing.joined(separator: ", ")): give --update to replace it")
                return 2
            }
        }
        let status = run(options.run)
        guard status == 0 else {
            printError("error: no baseline written: the run did not succeed (exit status \(status))")
            return status
        }
        let reports = URL(fileURLWithPath: options.run.outputDirectory)
        for notebook in notebooks {
            let source = reports.appendingPathComponent(notebook.base.stem)
            var files = [(path: String, contents: Data)]()
            do {
                let folders = notebook.isSwept ? notebook.points.compactMap { $0.name.map { "points/\($0)/" } } : [""]
                for folder in folders {
                    let file = source.appendingPathComponent(folder + "results.json")
                    let results = try BaselineResults.read(file, shown: file.path)
                    files.append((folder + "results.json", try readFile(file.path)))
                    var digests = [String]()
                    for block in results.blocks {
                        for figure in block.figures {
                            let image = try readFile(source.appendingPathComponent(folder + figure).path)
                            if options.figures {
                                files.append((folder + figure, image))
                            } else {
                                digests.append("\(CacheKey.hex(SHA256.hash(data: image)))  \(figure)\n")
                            }
                        }
                    }
                    if !options.figures { files.append((folder + BaselineResults.digestsName, Data(digests.joined().utf8))) }
                }
                if notebook.isSwept { files.append(("sweep.json", try readFile(source.appendingPathComponent("sweep.json").path))) }
                try ReportFolder.write(RenderedReport(files: files, copies: [], succeeded: true),
                                       to: root.appendingPathComponent(notebook.base.stem).path)
            } catch {
                printError("error: could not write the baseline of \(notebook.base.path): \(error)")
                return 2
            }
            let size = files.reduce(0) { $0 + $1.contents.count }
            if !options.run.quiet {
                printError("wrote the baseline of \(notebook.base.path) to \(options.baseline)/\(notebook.base.stem)/ (\(files.count) files, \(ByteCount.text(size)))")
            }
        }
        return 0
    }

    private static func readFile(_ path: String) throws -> Data {
        do { return try RegularFile.read(path) } catch {
            throw BaselineError("\(path) \(error.explanation)")
        }
    }
}
