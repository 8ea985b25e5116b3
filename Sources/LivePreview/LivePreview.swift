import FileAccess
import FlyingFox
import Foundation
import NotebookKit

/// `notebook watch`: runs the notebooks, serves the output folder on 127.0.0.1, and runs them
/// again whenever a notebook or a file it reads changes (only changed blocks run: the cache
/// keeps the rest); the pages reload when the reports change and show a notebook's problems
/// over the last good report while it does not validate.
public enum LivePreview {
    /// Options of `notebook watch`.
    public struct Options: Sendable {
        /// How the notebooks run.
        public var run: Commands.RunOptions
        /// The port (0: any free one).
        public var port: Int
        /// Open the index in the browser once it is served.
        public var open: Bool
        /// How often the files are looked at, in seconds.
        public var interval: Double

        /// Creates the options.
        public init(run: Commands.RunOptions, port: Int = 8000, open: Bool = false, interval: Double = 0.25) {
            self.run = run
            self.port = port
            self.open = open
            self.interval = interval
        }
    }

    /// Runs until interrupted; returns 2 when the server cannot start.
    public static func watch(_ options: Options) -> Int32 {
        guard (0...65535).contains(options.port) else {
            printError("error: --port must be in 0...65535 (got \(options.port))")
            return 2
        }
        // What is served is the output folder and nothing else: it must be a folder.
        switch FileKind.of(options.run.outputDirectory) {
        case _ where options.run.outputDirectory.isEmpty:
            printError("error: -o: the output folder is empty; give a folder for the reports")
            return 2
        case .missing:
            do { try FileOperations.createFolder(options.run.outputDirectory) } catch {
                printError("error: \(error.description)")
                return 2
            }
        case .directory:
            break
        default:
            printError("error: -o \(options.run.outputDirectory) is not a folder: give a folder for the reports")
            return 2
        }
        let root = URL(fileURLWithPath: options.run.outputDirectory).standardizedFileURL.resolvingSymlinksInPath().path
        let hub = PreviewHub()
        runOnce(options.run, hub: hub, reload: false)

        let server = PreviewServer(root: root, hub: hub)
        let port: UInt16
        do { port = try server.start(port: UInt16(options.port)) } catch {
            printError("error: cannot serve on 127.0.0.1:\(options.port): \(error)")
            return 2
        }
        let base = "http://127.0.0.1:\(port)/"
        printError("serving \(options.run.outputDirectory) at \(base) (Ctrl-C to stop); reports: "
            + Set(options.run.paths.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }).sorted()
                .map { "\(base)\($0)/" }.joined(separator: ", "))
        if options.open { openInBrowser(base) }

        // The notebooks, and the files they read as of the last time they validated.
        var inputs = Commands.inputFiles(of: options.run.loadRequest) ?? []
        var watched: [String] { options.run.paths + inputs }
        var seen = WatchedFiles.scan(watched)
        while true {
            Thread.sleep(forTimeInterval: options.interval)
            guard WatchedFiles.scan(watched) != seen else { continue }
            // Let a save that writes in several steps finish.
            Thread.sleep(forTimeInterval: options.interval)
            inputs = Commands.inputFiles(of: options.run.loadRequest) ?? inputs
            seen = WatchedFiles.scan(watched)
            printError("\nchanged: running again")
            runOnce(options.run, hub: hub, reload: true)
        }
    }

    /// Makes Ctrl-C (and SIGTERM) end the preview at once, exit status 0. Called after every run:
    /// a run traps the signals while it goes and leaves them blocked for dispatch's threads.
    static func stopOnInterrupt() {
        for number in [SIGINT, SIGTERM] {
            signal(number) { _ in
                // Only async-signal-safe calls here: write(2) of a static text, then _exit.
                let message: StaticString = "\nnotebook watch: stopped\n"
                _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
                _exit(0)
            }
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Validates and runs the notebooks; tells the pages the problems, or to reload.
    static func runOnce(_ run: Commands.RunOptions, hub: PreviewHub, reload: Bool) {
        defer { stopOnInterrupt() }
        if let problems = Commands.problems(of: run.loadRequest) {
            printError(problems)
            hub.publishProblems(problems)
            return
        }
        var options = run
        options.noHistory = true
        let status = Commands.run(options)
        if status == 130 || status == 143 {
            // Ctrl-C (or SIGTERM) during a run stops the run, then the preview.
            printError("notebook watch: stopped")
            exit(0)
        }
        if status == 2 {
            hub.publishProblems("notebook run stopped before writing the reports (exit status 2); see the terminal")
            return
        }
        hub.publishProblems(nil)
        if reload { hub.publishReload() }
    }

    /// Opens `url` with the desktop's opener, when there is one.
    static func openInBrowser(_ url: String) {
        guard let opener = ["xdg-open", "open"].lazy.compactMap({ ChildProcess.find($0) }).first else {
            printError("note: no xdg-open to open \(url) with; open it in your browser")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }

    /// Writes `text` to standard error, its control characters escaped.
    static func printError(_ text: String) { Commands.printError(text) }
}
