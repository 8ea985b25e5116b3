import FileAccess
import Foundation
import Report
import Testing
@testable import NotebookKit

@Suite("The output folder: what notebook may replace, and text safe for the terminal")
struct OutputFolderTests {
    /// A fresh folder, by its real path.
    private func scratch() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("output-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return ReadScope.realPath(url.path)!
    }

    private func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("a report folder is notebook's by its marker, or by the exact layout reports had before it")
    func reportFolders() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(OutputFolder.ownership(ofReportFolder: root + "/none") == .absent)
        try write(String(decoding: OutputFolder.reportMarkerContents, as: UTF8.self), root + "/marked/.notebook-report")
        #expect(OutputFolder.ownership(ofReportFolder: root + "/marked") == .ours)
        try write("something else", root + "/fake/.notebook-report")
        #expect(OutputFolder.ownership(ofReportFolder: root + "/fake") == .foreign("a folder without notebook's .notebook-report marker"))

        let results = "{\"notebook\": \"n.md\", \"title\": \"N\", \"status\": \"ok\", \"blocks\": []}"
        try write(results, root + "/legacy/results.json")
        try write("<html></html>", root + "/legacy/index.html")
        try write("png", root + "/legacy/figures/a.png")
        #expect(OutputFolder.ownership(ofReportFolder: root + "/legacy") == .ours)
        try write("my notes", root + "/legacy/notes.txt")
        #expect(OutputFolder.ownership(ofReportFolder: root + "/legacy") != .ours, "a file of the user's makes it the user's")
        try write("{\"name\": \"other\"}", root + "/other/results.json")
        #expect(OutputFolder.ownership(ofReportFolder: root + "/other") != .ours, "a results.json of another shape")
        try write("file", root + "/plain")
        #expect(OutputFolder.ownership(ofReportFolder: root + "/plain") == .foreign("a file"))
    }

    @Test("the index page and the cache folder are notebook's by their marks")
    func indexAndCache() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\(IndexWriter.generatorMarker)\n", root + "/ours.html")
        #expect(OutputFolder.ownership(ofIndexPage: root + "/ours.html") == .ours)
        try write("<html><body>mine</body></html>", root + "/mine.html")
        #expect(OutputFolder.ownership(ofIndexPage: root + "/mine.html") == .foreign("a file without notebook's generator mark"))

        try write("", root + "/empty-cache/.keep")
        #expect(OutputFolder.ownership(ofCacheFolder: root + "/empty-cache") != .ours)
        try write(String(decoding: OutputFolder.cacheTagContents, as: UTF8.self), root + "/tagged/CACHEDIR.TAG")
        try write("anything", root + "/tagged/x")
        #expect(OutputFolder.ownership(ofCacheFolder: root + "/tagged") == .ours)
        try write("entry", root + "/legacy/" + String(repeating: "ab", count: 32) + ".result")
        #expect(OutputFolder.ownership(ofCacheFolder: root + "/legacy") == .ours)
        #expect(String(decoding: OutputFolder.cacheTagContents, as: UTF8.self).hasPrefix("Signature: 8a477f597d28d172789f06886806bc55\n"))
    }

    @Test("report folder names: hidden, reserved, too long or with control characters are refused")
    func reportNames() {
        #expect(ReportName.problem(withStem: "experiments") == nil)
        #expect(ReportName.problem(withStem: "Ünïcode notes") == nil)
        #expect(ReportName.problem(withStem: ".cache") != nil)
        #expect(ReportName.problem(withStem: "index.html") != nil)
        #expect(ReportName.problem(withStem: "x.interrupted") != nil)
        #expect(ReportName.problem(withStem: "a\u{1B}b") != nil)
        #expect(ReportName.problem(withStem: String(repeating: "é", count: 101)) != nil, "202 bytes")
        #expect(ReportName.problem(withStem: String(repeating: "e", count: 200)) == nil)
    }

    @Test("control characters are escaped for the terminal; line feeds and tabs stay")
    func terminalText() {
        #expect(TerminalText.escaped("plain text, ünïcode ✓") == "plain text, ünïcode ✓")
        #expect(TerminalText.escaped("a\u{1B}]0;title\u{07}b\u{1B}[2J") == "a\\e]0;title\\ab\\e[2J")
        #expect(TerminalText.escaped("over\rwrite\u{08}\u{7F}\u{01}") == "over\\rwrite\\b\\x7F\\x01")
        #expect(TerminalText.escaped("csi\u{9B}2J bidi\u{202E}txt") == "csi\\u{9B}2J bidi\\u{202E}txt")
        #expect(TerminalText.escaped("line one\n\tline two") == "line one\n\tline two")
    }
}
