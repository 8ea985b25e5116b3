import Foundation
import Report

/// Writes report folders so that a reader never sees a half-written one: everything goes to a
/// hidden temporary folder beside the destination, which then replaces the old report.
enum ReportFolder {
    /// Writes `report` to `destination`, replacing what was there only once all files are written.
    static func write(_ report: RenderedReport, to destination: URL) throws {
        let manager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let token = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(token)")
        let retired = parent.appendingPathComponent(".\(destination.lastPathComponent).old-\(token)")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            for file in report.files {
                let url = staging.appendingPathComponent(file.path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try writeFile(file.contents, to: url)
            }
            for copy in report.copies {
                let url = staging.appendingPathComponent(copy.path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try manager.copyItem(at: copy.source, to: url)
            }
            if manager.fileExists(atPath: destination.path) {
                try manager.moveItem(at: destination, to: retired)
            }
            try manager.moveItem(at: staging, to: destination)
        } catch {
            try? manager.removeItem(at: staging)
            if manager.fileExists(atPath: retired.path), !manager.fileExists(atPath: destination.path) {
                try? manager.moveItem(at: retired, to: destination)
            }
            throw error
        }
        try? manager.removeItem(at: retired)
    }

    /// Writes `data` to a new file at `url` without forcing it to disk (Foundation's `Data.write`
    /// syncs every file, which costs a disk flush per figure): the staging folder is moved into
    /// place whole, and a report can always be written again.
    static func writeFile(_ data: Data, to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += written
            }
        }
    }

    /// Writes `text` to `url` through a temporary file and a rename.
    static func writeAtomically(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// Rewrites `directory/index.html`, listing every report folder under `directory`.
    static func writeIndex(of directory: URL) throws {
        let manager = FileManager.default
        let children = (try? manager.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        var entries = [IndexEntry]()
        for child in children where !child.lastPathComponent.hasPrefix(".") {
            let results = child.appendingPathComponent("results.json")
            guard let data = manager.contents(atPath: results.path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            let blocks = object["blocks"] as? [[String: Any]] ?? []
            let failed = blocks.filter { ($0["status"] as? String) == "failed" }.count
            let modified = (try? manager.attributesOfItem(atPath: results.path)[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
            entries.append(IndexEntry(
                title: object["title"] as? String ?? child.lastPathComponent,
                href: (child.lastPathComponent.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? child.lastPathComponent) + "/index.html",
                status: BlockStatus(rawValue: object["status"] as? String ?? "") ?? .failed,
                // Milliseconds keep reports written within one second in the order they were written.
                date: ReportBuilder.iso8601(modified, fractionalSeconds: true), blocks: blocks.count, failedBlocks: failed))
        }
        try writeAtomically(IndexWriter.page(title: "Notebook reports", entries: entries), to: directory.appendingPathComponent("index.html"))
    }
}
