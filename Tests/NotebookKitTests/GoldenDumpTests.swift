import Foundation
import Testing
@testable import NotebookKit

/// Parses each `Golden/*.md` and compares its dump with `Golden/*.dump`.
/// `RECORD_GOLDEN=1` rewrites the dumps (and fails, so that a recording is never mistaken for a pass).
@Suite("Golden parse dumps")
struct GoldenDumpTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var cases: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".md") }.map { String($0.dropLast(3)) }.sorted()
    }

    @Test("Parsed notebook matches its golden dump", arguments: cases)
    func golden(name: String) throws {
        let path = Self.directory.appendingPathComponent("\(name).md").path
        let relative = "Golden/\(name).md"
        let notebooks = try NotebookLoader.load([path]).get()
        var dump = NotebookDump.dump(notebooks[0])
        dump = dump.replacingOccurrences(of: path, with: relative)
        let golden = Self.directory.appendingPathComponent("\(name).dump")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try dump.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(golden.path); run again without RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(dump == expected, "dump of \(name).md differs from \(golden.lastPathComponent); RECORD_GOLDEN=1 re-records")
    }

    @Test("There are golden cases")
    func casesExist() {
        #expect(Self.cases.count >= 2)
    }
}
