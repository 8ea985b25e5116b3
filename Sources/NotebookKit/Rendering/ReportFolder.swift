import FileAccess
import Foundation
import Report

/// Writes report folders so that a reader never sees a half-written one and nothing but notebook's
/// own folders is ever replaced: everything goes to a hidden staging folder beside the destination
/// (marked as notebook's before anything else is written in it), which is then swapped with the old
/// report in one atomic step.
enum ReportFolder {
    /// Why a report was not written: a place that is not notebook's, a path that would leave the
    /// folder, or a failed file operation.
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes `report` to the folder `destination` (an absolute path), replacing what was there
    /// only once every file is written, and only when it is a report folder notebook wrote.
    static func write(_ report: RenderedReport, to destination: String) throws(WriteError) {
        if case let .foreign(what) = OutputFolder.ownership(ofReportFolder: destination) {
            throw WriteError(description: "\(destination) is not a report folder written by notebook (it is \(what)); it was left as it was")
        }
        let parent = PathText.parent(destination)
        let name = PathText.lastComponent(destination)
        let token = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let staging = "\(parent)/.\(name).partial-\(token)"
        do {
            try FileOperations.createFolder(parent)
            try FileOperations.createNewFolder(staging)
        } catch {
            throw WriteError(description: error.description)
        }
        do {
            try FileOperations.write(OutputFolder.reportMarkerContents, to: "\(staging)/\(OutputFolder.reportMarker)")
            for file in report.files {
                try writeInside(staging, relative: file.path, contents: file.contents)
            }
            for copy in report.copies {
                let contents: Data
                do { contents = try RegularFile.read(copy.source.path) } catch {
                    throw WriteError(description: "could not copy the image \(copy.source.path): it \(error.explanation)")
                }
                try writeInside(staging, relative: copy.path, contents: contents)
            }
            try replace(destination, with: staging)
        } catch let error as WriteError {
            try? FileOperations.remove(staging)
            throw error
        } catch let error as FileSystemError {
            try? FileOperations.remove(staging)
            throw WriteError(description: error.description)
        } catch {
            try? FileOperations.remove(staging)
            throw WriteError(description: "\(error)")
        }
    }

    /// Writes `contents` at `relative` inside `folder`, creating the folders on the way; a path that
    /// could leave the folder (absolute, `..`, empty or control characters) is refused.
    static func writeInside(_ folder: String, relative: String, contents: Data) throws {
        guard let path = RelativePath(relative) else {
            throw WriteError(description: "refused to write a file whose path would leave the report folder")
        }
        var current = folder
        for component in path.components.dropLast() {
            current += "/" + component
            if FileKind.of(current, followingLinks: false) != .directory { try FileOperations.createNewFolder(current) }
        }
        try FileOperations.write(contents, to: current + "/" + path.components.last!)
    }

    /// Puts the finished `staging` folder at `destination`: swapped with the old report in one step
    /// where the file system can, else by two renames; the old report is then removed.
    private static func replace(_ destination: String, with staging: String) throws {
        switch OutputFolder.ownership(ofReportFolder: destination) {
        case .absent:
            try FileOperations.move(staging, to: destination)
        case .ours:
            if try FileOperations.exchange(staging, destination) {
                // `staging` now holds the previous report.
                try? FileOperations.remove(staging)
            } else {
                let retired = staging.replacingOccurrences(of: ".partial-", with: ".old-")
                try FileOperations.move(destination, to: retired)
                do { try FileOperations.move(staging, to: destination) } catch {
                    do { try FileOperations.move(retired, to: destination) } catch let restoreError {
                        throw WriteError(description: "\(error.description); the previous report could not be put back (\(restoreError.description)) and is in \(retired)")
                    }
                    throw error
                }
                try? FileOperations.remove(retired)
            }
        case let .foreign(what):
            throw WriteError(description: "\(destination) is no longer a report folder written by notebook (it became \(what) while the blocks ran); it was left as it was")
        }
    }

    /// Writes `text` to `url` through a temporary file and a rename.
    static func writeAtomically(_ text: String, to url: URL) throws(FileSystemError) {
        try FileOperations.writeAtomically(Data(text.utf8), to: url.path)
    }

    /// Rewrites `directory/index.html`, listing every report folder notebook wrote under
    /// `directory`; an index page that is not notebook's is left alone.
    ///
    /// A report's date is when its results were written, except for the reports of this run
    /// (`run`: its start and the folders it wrote), which all take the run's date, so that they sort
    /// by title among themselves and the page does not depend on which block ended first.
    static func writeIndex(of directory: URL, run: (date: Date, folders: Set<String>)? = nil) throws(WriteError) {
        let index = directory.appendingPathComponent(OutputFolder.indexName).path
        if case let .foreign(what) = OutputFolder.ownership(ofIndexPage: index) {
            throw WriteError(description: "\(index) is not an index page written by notebook (it is \(what)); it was left as it was")
        }
        var entries = [IndexEntry]()
        for name in FileOperations.names(in: directory.path) where !name.hasPrefix(".") {
            let folder = directory.appendingPathComponent(name).path
            guard OutputFolder.ownership(ofReportFolder: folder) == .ours else { continue }
            // A report's results.json, or a sweep's sweep.json (its points counted as the blocks).
            var results = folder + "/results.json"
            var isSweep = false
            if FileKind.of(results) != .regular {
                results = folder + "/sweep.json"
                isSweep = true
            }
            guard let data = try? RegularFile.read(results, limit: 64 << 20),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            let blocks = object[isSweep ? "points" : "blocks"] as? [[String: Any]] ?? []
            let failed = blocks.filter { entry in
                let status = entry["status"] as? String
                return isSweep ? status != "ok" : status == "failed"
            }.count
            let modified = run.flatMap { $0.folders.contains(name) ? $0.date : nil }
                ?? (try? FileManager.default.attributesOfItem(atPath: results)[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
            entries.append(IndexEntry(
                title: (object["title"] as? String ?? name) + (isSweep ? " (sweep of \(blocks.count) points)" : ""),
                href: (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name) + "/index.html",
                status: BlockStatus(rawValue: object["status"] as? String ?? "") ?? .failed,
                // Milliseconds keep reports written within one second in the order they were written.
                date: ReportBuilder.iso8601(modified, fractionalSeconds: true), blocks: blocks.count, failedBlocks: failed))
        }
        do { try writeAtomically(IndexWriter.page(title: "Notebook reports", entries: entries), to: URL(fileURLWithPath: index)) } catch {
            throw WriteError(description: error.description)
        }
    }
}
