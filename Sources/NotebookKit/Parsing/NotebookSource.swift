import FileAccess
import Foundation

/// A notebook file's text, checked to be a readable UTF-8 text file.
struct NotebookSource {
    /// The path as the user gave it.
    let path: String
    /// The file's URL.
    let url: URL
    /// The text, with `\r\n` line ends made `\n`.
    let text: String

    /// Reads `path`, or explains why it cannot be a notebook.
    static func read(_ path: String) throws(Diagnostic) -> NotebookSource {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let data: Data
        do { data = try RegularFile.read(url.path) } catch {
            switch error {
            case .missing:
                throw Diagnostic(file: path, message: "no such file")
            case .notRegular(.directory):
                let notebooks = FileOperations.names(in: url.path).filter { $0.hasSuffix(".md") }
                let example = notebooks.first.map { " (for example \((path as NSString).appendingPathComponent($0)))" } ?? ""
                throw Diagnostic(file: path, message: "is a directory, not a notebook; give the .md files to run\(example)")
            case let .notRegular(kind):
                throw Diagnostic(file: path, message: "is \(kind.described), not a notebook file")
            case .system, .tooLarge:
                throw Diagnostic(file: path, message: error.explanation)
            }
        }
        guard !data.isEmpty else {
            throw Diagnostic(file: path, message: "the notebook is empty; write Markdown prose and ```{species} blocks into it")
        }
        if let zero = data.firstIndex(of: 0) {
            throw Diagnostic(file: path, message: "is a binary file (NUL byte at offset \(zero)), not a Markdown notebook")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(file: path, message: "is not UTF-8 text; save the notebook as UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if data.contains(UInt8(ascii: "\r")) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        guard !text.allSatisfy(\.isWhitespace) else {
            throw Diagnostic(file: path, message: "the notebook is empty; write Markdown prose and ```{species} blocks into it")
        }
        return NotebookSource(path: path, url: url, text: text)
    }

    /// The notebook's file name without extension: the name of its report folder.
    var stem: String { url.deletingPathExtension().lastPathComponent }
}
