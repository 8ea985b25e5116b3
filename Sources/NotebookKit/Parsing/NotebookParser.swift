import Experiments
import Expressions
import FileAccess
import Foundation

/// A notebook split into prose and experiment blocks whose options are not yet decoded, so that
/// `-p` overrides can be matched against every notebook of a run before anything is checked.
struct ParsedNotebook {
    let source: NotebookSource
    let frontMatter: FrontMatter
    let title: String
    let cells: [ParsedCell]
    let assets: [Asset]
    /// Where the notebook may read files from.
    let readScope: ReadScope
    /// The values the prose quotes, in order (their markers in the prose's HTML carry the index).
    let proseValues: [ProseValue]
}

/// A cell before option decoding.
enum ParsedCell {
    case prose(ProseCell)
    case block(RawBlock)
}

/// An experiment block as written: its kind, lines and YAML body.
struct RawBlock {
    let kind: any ExperimentKind.Type
    /// The line of the opening fence.
    let line: Int
    /// The body, `nil` when empty.
    let body: OptionNode?
    /// The id written in the body, if any.
    var writtenID: String? {
        guard case let .mapping(entries, _)? = body,
              let value = entries.last(where: { $0.key == "id" })?.value,
              case let .scalar(id, _, _) = value, !value.isNull else { return nil }
        return id
    }
}

/// Turns a notebook's text into cells: Markdown through cmark-gfm, experiment blocks recognised
/// by their `{kind}` fence, their YAML bodies read with line numbers.
enum NotebookParser {
    /// Parses `source`, collecting every problem found rather than stopping at the first. Local
    /// images the prose shows must be regular files inside `readScope` (default: the notebook's
    /// project).
    static func parse(_ source: NotebookSource, allowHTML: Bool, readScope: ReadScope? = nil) -> (ParsedNotebook?, [Diagnostic]) {
        var diagnostics = [Diagnostic]()
        func report(_ error: OptionError) {
            diagnostics.append(Diagnostic(file: source.path, line: error.position.line, message: error.message))
        }
        let frontMatter: FrontMatter
        let body: String
        do {
            (frontMatter, body) = try FrontMatter.split(source.text)
        } catch {
            report(error)
            return (nil, diagnostics)
        }
        let sourceLines = body.linesSplitAtLineFeeds()
        let quoted = ProseValueProtection.protect(body)
        for problem in quoted.problems {
            diagnostics.append(Diagnostic(file: source.path, line: problem.line, column: problem.column, message: problem.message))
        }
        let document = MarkdownDocument(MathProtection.protect(quoted.text))
        if !allowHTML { document.escapeRawHTML() }
        let directory = source.url.deletingLastPathComponent()
        let scope = readScope ?? ReadScope(notebookDirectory: directory)
        var assets = [Asset]()
        document.rewriteImageURLs { url, line in
            do {
                guard let asset = try localAsset(url, directory: directory, scope: scope, existing: assets) else { return nil }
                if !assets.contains(asset) { assets.append(asset) }
                return asset.reportPath
            } catch let refusal as ImageRefusal {
                diagnostics.append(Diagnostic(file: source.path, line: line, message: refusal.message))
                return nil
            } catch {
                diagnostics.append(Diagnostic(file: source.path, line: line, message: "image '\(url)': \(error)"))
                return nil
            }
        }

        for node in document.nestedCodeBlocks where node.fence != nil && experimentInfo(node.fenceInfo) != nil {
            diagnostics.append(Diagnostic(file: source.path, line: node.startLine,
                message: "the experiment block '\(node.fenceInfo.trimmingCharacters(in: .whitespaces))' is inside a list or a quote; experiment blocks must start at the beginning of a line, outside lists and quotes"))
        }
        var cells = [ParsedCell]()
        var pending = [(node: MarkdownNode, html: String, heading: Heading?, math: Int)]()
        var anchors = AnchorNames()
        var title = frontMatter.title
        var droppedTitleHeading = false
        var rawBlocks = [RawBlock]()
        let nodes = document.topLevelNodes

        // Block ids (written, or the default <kind>-<n>) are anchors too: collect them first so
        // heading anchors avoid them.
        var kindCounts = [String: Int]()
        for node in nodes where node.isCodeBlock && node.fence != nil {
            if case let .kind(name)? = experimentInfo(node.fenceInfo), Kinds.named(name) != nil {
                kindCounts[name, default: 0] += 1
                anchors.reserve(firstID(in: node.literal) ?? "\(name)-\(kindCounts[name]!)")
            }
        }

        func flushProse() {
            guard let first = pending.first, let last = pending.last else { return }
            cells.append(.prose(ProseCell(
                lines: first.node.startLine...max(first.node.startLine, last.node.endLine),
                html: pending.map(\.html).joined(),
                headings: pending.compactMap(\.heading),
                mathCount: pending.map(\.math).reduce(0, +))))
            pending.removeAll()
        }

        // Bytes of block YAML read so far: past the notebook's limit the rest is not composed.
        var yamlBytes = 0
        var yamlLimitReported = false
        for node in nodes {
            if node.isCodeBlock, node.fence != nil, let info = experimentInfo(node.fenceInfo) {
                flushProse()
                let line = node.startLine
                switch info {
                case let .malformed(text):
                    diagnostics.append(Diagnostic(file: source.path, line: line,
                        message: "malformed block info '\(text)': write the kind in braces, e.g. ```{species}"))
                    continue
                case let .kind(name):
                    guard let kind = Kinds.named(name) else {
                        let names = Kinds.all.map { $0.name }
                        let advice = Suggestion.closest(to: name, in: names).map { "; did you mean '{\($0)}'?" } ?? ""
                        diagnostics.append(Diagnostic(file: source.path, line: line,
                            message: "unknown block kind '{\(name)}'\(advice) (kinds: \(names.map { "{\($0)}" }.joined(separator: ", ")))"))
                        continue
                    }
                    if !isClosed(node, lines: sourceLines) {
                        diagnostics.append(Diagnostic(file: source.path, line: line,
                            message: "the {\(name)} block opened here is never closed: end it with a line of \(node.fence.map { String(repeating: $0.character, count: $0.length) } ?? "```")"))
                        continue
                    }
                    // A block over its own limit is refused by the reader (and not counted).
                    let bytes = node.literal.utf8.count
                    if bytes <= YAMLReader.maximumBytes { yamlBytes += bytes }
                    if yamlBytes > YAMLReader.maximumNotebookBytes {
                        if !yamlLimitReported {
                            diagnostics.append(Diagnostic(file: source.path, line: line, message:
                                "the blocks' YAML reaches \(ByteCount.text(YAMLReader.maximumNotebookBytes)) here, the most one notebook may hold; put long lists of values in data files, or split the notebook"))
                            yamlLimitReported = true
                        }
                        continue
                    }
                    do {
                        let body = try YAMLReader.read(node.literal, firstLine: line + 1, context: "the {\(name)} block")
                        let block = RawBlock(kind: kind, line: line, body: body)
                        rawBlocks.append(block)
                        cells.append(.block(block))
                    } catch {
                        report(error)
                    }
                }
                continue
            }
            // The heading's text (for the contents and the title) keeps its math as `$...$`.
            let headingText = node.isHeading ? MathProtection.restoringDelimiters(node.plainText).trimmingCharacters(in: .whitespaces) : ""
            let math = document.markMath(in: node)
            var html = document.html(node, unsafe: allowHTML)
            var heading: Heading?
            if node.isHeading {
                let text = headingText
                if title == nil, node.headingLevel == 1, !droppedTitleHeading {
                    title = text
                    droppedTitleHeading = true
                    continue
                }
                let anchor = anchors.unique(slug(text))
                let level = node.headingLevel
                let tag = "<h\(level)"
                if html.hasPrefix(tag) {
                    html = tag + " id=\"\(anchor)\"" + html.dropFirst(tag.count)
                }
                heading = Heading(level: level, text: text, anchor: anchor, line: node.startLine)
            }
            pending.append((node, html, heading, math))
        }
        flushProse()
        let notebook = ParsedNotebook(
            source: source, frontMatter: frontMatter, title: title ?? source.stem, cells: cells, assets: assets, readScope: scope,
            proseValues: quoted.values)
        return (notebook, diagnostics)
    }

    enum ExperimentInfo: Equatable {
        case kind(String)
        case malformed(String)
    }

    /// `{species}` → the kind; a fence that starts with `{` but is not `{word}` is malformed;
    /// anything else is an ordinary listing.
    static func experimentInfo(_ info: String) -> ExperimentInfo? {
        let trimmed = info.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{") else { return nil }
        guard trimmed.hasSuffix("}") else { return .malformed(trimmed) }
        let name = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            return .malformed(trimmed)
        }
        return .kind(name)
    }

    /// Whether a fenced block has its closing fence (cmark runs an unclosed fence to the end).
    private static func isClosed(_ node: MarkdownNode, lines: [Substring]) -> Bool {
        guard let fence = node.fence, node.endLine > node.startLine, node.endLine - 1 < lines.count else { return false }
        let line = lines[node.endLine - 1].drop { $0 == " " }
        let run = line.prefix { $0 == fence.character }.count
        return run >= fence.length && line.dropFirst(run).allSatisfy(\.isWhitespace)
    }

    /// A quick look for `id: x` in a block body (for anchor reservation only).
    private static func firstID(in body: String) -> String? {
        for line in body.linesSplitAtLineFeeds() where line.utf8.starts(with: "id:".utf8) {
            return line.dropFirst(3).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return nil
    }

    /// GitHub-style heading anchor: lowercase, punctuation dropped, spaces to `-`.
    static func slug(_ text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" || character == "_" {
                slug.append(character)
            } else if character == " " {
                slug.append("-")
            }
        }
        return slug.isEmpty ? "section" : slug
    }


    /// A local image the prose shows becomes an asset of the report: a regular file inside the
    /// read scope, copied (as the file a link inside the scope points to) into `assets/`. URLs with
    /// a scheme, fragments and data URIs are left alone, and so is a local path where no file is
    /// (the image shows as missing). A path that leaves the scope (by `..`, an absolute path, a
    /// percent-encoded escape or a symbolic link) or names a folder, a pipe or a device is an error.
    static func localAsset(_ url: String, directory: URL, scope: ReadScope, existing: [Asset]) throws(ImageRefusal) -> Asset? {
        guard !url.isEmpty, !url.hasPrefix("#"), !url.hasPrefix("//"), !hasScheme(url) else { return nil }
        let withoutFragment = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let withoutQuery = withoutFragment.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let encoded = String(withoutQuery)
        let path = encoded.removingPercentEncoding ?? encoded
        guard !path.isEmpty else { return nil }
        let file: URL
        do { file = try scope.resolve(path, from: directory) } catch {
            if error.reason == .missing { return nil }
            let shown = path == url ? "" : "'\(url)' → "
            throw ImageRefusal(message: "image \(shown)\(error.description)")
        }
        if let known = existing.first(where: { $0.source == file }) { return known }
        var name = String(path.split(separator: "/").last ?? "image")
        name = String(name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "_" : Character($0) })
        if name.utf8.count > 120 || !RelativePath.isPlainName(name) {
            let suffix = (name as NSString).pathExtension
            name = "image" + (suffix.isEmpty || suffix.utf8.count > 10 ? "" : ".\(suffix)")
        }
        if existing.contains(where: { $0.reportPath == "assets/\(name)" }) { name = "\(existing.count)-\(name)" }
        return Asset(source: file, reportPath: "assets/\(name)")
    }

    /// Whether a URL starts with a scheme (`https:`, `mailto:`, `data:`): letters, digits, `+`,
    /// `-` or `.` after a letter, then a colon.
    static func hasScheme(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":"), let first = url.first, first.isASCII, first.isLetter else { return false }
        return url[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    /// An image of the prose that cannot be shown from the project.
    struct ImageRefusal: Error {
        let message: String
    }
}
