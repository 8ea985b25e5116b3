import Experiments
import Foundation
@testable import NotebookKit

/// A stable text rendering of a parsed notebook: what the golden files hold.
enum NotebookDump {
    static func dump(_ notebook: Notebook) -> String {
        var lines = ["notebook: \(notebook.path)", "title: \(notebook.title)", "seed: \(notebook.seed)"]
        for (index, cell) in notebook.cells.enumerated() {
            switch cell {
            case let .prose(prose):
                lines.append("cell \(index + 1): prose, lines \(prose.lines.lowerBound)-\(prose.lines.upperBound)")
                for heading in prose.headings {
                    lines.append("  heading h\(heading.level) line \(heading.line) #\(heading.anchor): \(heading.text)")
                }
                for htmlLine in prose.html.split(separator: "\n") {
                    lines.append("  | \(htmlLine)")
                }
            case let .block(block):
                lines.append("cell \(index + 1): block {\(block.kind)} id \(block.id), line \(block.line)")
                for field in block.options.fields {
                    let origin: String
                    if block.options.overridden.contains(field.name) {
                        origin = "-p"
                    } else if let line = block.options.keyLines[field.name] {
                        origin = "line \(line)"
                    } else {
                        origin = "default"
                    }
                    lines.append("  \(field.name): \(field.value.yaml)  [\(origin)]")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
