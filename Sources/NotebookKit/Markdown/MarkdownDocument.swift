import CCmark
import Foundation
import Report

/// A CommonMark document with GitHub's extensions (tables, strikethrough, autolinks, task lists),
/// parsed by cmark-gfm. Gives its top-level blocks with their source lines and renders them to HTML.
final class MarkdownDocument {
    private let root: OpaquePointer
    private let parser: OpaquePointer
    private let extensions: UnsafeMutablePointer<cmark_llist>?

    /// The GitHub extensions attached to every parser.
    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

    /// cmark-gfm's extension registry is global; register it once.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// cmark-gfm adds the extensions' special characters (`~`, `:`, `w` ...) to a table shared by
    /// every parser when a parse finishes its blocks, and takes them out again at its end: two
    /// parses at once can each lose the other's strikethrough and autolinks (cmark-gfm pull request
    /// 176, not merged). Parses take turns.
    private static let parseLock = NSLock()
    /// The math elements (`<span class="math …">`), in the order their markers were placed in
    /// the tree: a text node `U+E006 index U+E007` stands for each, replaced after rendering, so
    /// that math also shows where a custom node cannot go (table cells).
    private var mathElements = [String]()
    /// Opens and closes a math element's marker in a text node.
    static let mathMarkerOpen: Character = "\u{E006}", mathMarkerClose: Character = "\u{E007}"

    /// Parses `text`. Line numbers of nodes are lines of `text`, 1-based.
    init(_ text: String) {
        _ = Self.registered
        Self.parseLock.lock()
        defer { Self.parseLock.unlock() }
        let parser = cmark_parser_new(CMARK_OPT_DEFAULT)!
        for name in Self.extensionNames {
            if let syntax = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntax)
            }
        }
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parser_feed(parser, $0, buffer.count)
            }
        }
        self.parser = parser
        root = cmark_parser_finish(parser)
        extensions = cmark_parser_get_syntax_extensions(parser)
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    /// The document's top-level blocks, in order.
    var topLevelNodes: [MarkdownNode] {
        var nodes = [MarkdownNode]()
        var node = cmark_node_first_child(root)
        while let current = node {
            nodes.append(MarkdownNode(pointer: current))
            node = cmark_node_next(current)
        }
        return nodes
    }

    /// Every node of the document in document order.
    private func allNodes() -> [OpaquePointer] {
        nodes(under: root)
    }

    /// Replaces raw HTML with text showing the same characters, so that it is displayed, not
    /// interpreted (what a report does unless the run passes `--allow-html`).
    func escapeRawHTML() {
        for node in allNodes() {
            let type = cmark_node_get_type(node)
            guard type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_HTML_BLOCK else { continue }
            let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
            let text = cmark_node_new(CMARK_NODE_TEXT)!
            if type == CMARK_NODE_HTML_INLINE {
                cmark_node_set_literal(text, literal)
                cmark_node_insert_before(node, text)
            } else {
                var trimmed = literal
                while trimmed.hasSuffix("\n") { trimmed.removeLast() }
                cmark_node_set_literal(text, trimmed)
                let paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH)!
                cmark_node_append_child(paragraph, text)
                cmark_node_insert_before(node, paragraph)
            }
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
    }

    /// Code blocks that are not at the top level (inside a list item or a block quote).
    var nestedCodeBlocks: [MarkdownNode] {
        allNodes().filter { node in
            cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK && cmark_node_parent(node).map { cmark_node_get_type($0) != CMARK_NODE_DOCUMENT } ?? false
        }.map { MarkdownNode(pointer: $0) }
    }

    /// Calls `rewrite` with the URL of every image and the line it is on, and sets the URL it returns.
    func rewriteImageURLs(_ rewrite: (_ url: String, _ line: Int) -> String?) {
        for node in allNodes() where cmark_node_get_type(node) == CMARK_NODE_IMAGE {
            guard let url = cmark_node_get_url(node).map({ String(cString: $0) }),
                  let replacement = rewrite(url, Self.line(of: node)) else { continue }
            cmark_node_set_url(node, replacement)
        }
    }

    /// The source line of `node`, or of the nearest enclosing node that has one (cmark-gfm does
    /// not give every inline its position).
    private static func line(of node: OpaquePointer) -> Int {
        var current: OpaquePointer? = node
        while let candidate = current {
            let line = Int(cmark_node_get_start_line(candidate))
            if line > 0 { return line }
            current = cmark_node_parent(candidate)
        }
        return 1
    }

    /// Turns the math spans that ``MathProtection`` marked inside `node` into math elements:
    /// `<span class="math inline">$TeX$</span>` and `<span class="math display">$$TeX$$</span>`,
    /// the TeX as escaped text (written by the HTML writer), ready for KaTeX and readable without it.
    /// Where markup cannot hold an element (image descriptions, code, raw HTML, link destinations
    /// and titles), the markers become the `$` delimiters again. Returns the number of math elements.
    @discardableResult
    func markMath(in node: MarkdownNode) -> Int {
        cmark_consolidate_text_nodes(node.pointer)
        var textNodes = [OpaquePointer]()
        for current in nodes(under: node.pointer) {
            let type = cmark_node_get_type(current)
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                for (get, set) in [(cmark_node_get_url, cmark_node_set_url), (cmark_node_get_title, cmark_node_set_title)] {
                    if let text = get(current).map({ String(cString: $0) }), text.contains(where: MathProtection.markers.contains) {
                        _ = set(current, MathProtection.restoringDelimiters(text))
                    }
                }
            }
            guard let literal = cmark_node_get_literal(current).map({ String(cString: $0) }),
                  literal.contains(where: MathProtection.markers.contains) else { continue }
            if type == CMARK_NODE_TEXT && !isInsideImage(current) {
                textNodes.append(current)
            } else {
                cmark_node_set_literal(current, MathProtection.restoringDelimiters(literal))
            }
        }
        var count = 0
        var absorbed = Set<OpaquePointer>()
        for text in textNodes where !absorbed.contains(text) {
            count += replaceMath(startingAt: text, absorbed: &absorbed)
        }
        return count
    }

    /// Replaces the marked spans that start in the text node `first`, following a span into later
    /// siblings (display math over several lines: text, soft breaks, text). Nodes merged into a
    /// span are unlinked, freed and recorded in `absorbed`.
    ///
    /// One pass over the text: the node keeps the text before its first span, and the spans and the
    /// text between them become new nodes after it, so a paragraph of many formulas costs time in
    /// proportion to its length.
    private func replaceMath(startingAt first: OpaquePointer, absorbed: inout Set<OpaquePointer>) -> Int {
        func literal(_ node: OpaquePointer) -> [Character] { Array(cmark_node_get_literal(node).map { String(cString: $0) } ?? "") }
        func isOpen(_ character: Character) -> Bool { character == MathProtection.inlineOpen || character == MathProtection.displayOpen }
        var count = 0
        var node = first
        var characters = literal(first)
        var index = 0
        // The node that keeps the text before its first span, until that text is set.
        var owner: OpaquePointer? = first
        var anchor = first
        func addText(_ text: [Character].SubSequence) {
            let shown = MathProtection.restoringDelimiters(String(text))
            if let current = owner {
                cmark_node_set_literal(current, shown)
                owner = nil
            } else if !shown.isEmpty {
                let textNode = cmark_node_new(CMARK_NODE_TEXT)!
                cmark_node_set_literal(textNode, shown)
                cmark_node_insert_after(anchor, textNode)
                anchor = textNode
            }
        }
        while true {
            guard let open = characters[index...].firstIndex(where: isOpen) else {
                addText(characters[index...])
                return count
            }
            let display = characters[open] == MathProtection.displayOpen
            let close = display ? MathProtection.displayClose : MathProtection.inlineClose
            var tex: String
            var next: (node: OpaquePointer, characters: [Character], index: Int)?
            var merged = [OpaquePointer]()
            if let end = characters[(open + 1)...].firstIndex(of: close) {
                tex = String(characters[(open + 1)..<end])
                next = (node, characters, end + 1)
            } else {
                tex = String(characters[(open + 1)...])
                var sibling = cmark_node_next(node)
                while let candidate = sibling {
                    let type = cmark_node_get_type(candidate)
                    if type == CMARK_NODE_TEXT {
                        let text = literal(candidate)
                        if let end = text.firstIndex(of: close) {
                            tex += String(text[..<end])
                            next = (candidate, text, end + 1)
                            break
                        }
                        tex += String(text)
                    } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                        tex += "\n"
                    } else {
                        tex += MarkdownNode(pointer: candidate).plainText
                    }
                    merged.append(candidate)
                    sibling = cmark_node_next(candidate)
                }
                guard next != nil else {
                    // No close before the paragraph ends: the delimiter is shown as written.
                    addText(characters[index...])
                    return count
                }
            }
            addText(characters[index..<open])
            let fence = display ? "$$" : "$"
            let element = HTML.element(
                "span", [.init("class", display ? "math display" : "math inline")],
                .text(fence + MathProtection.restoringDelimiters(tex) + fence))
            let math = cmark_node_new(CMARK_NODE_TEXT)!
            cmark_node_set_literal(math, "\(Self.mathMarkerOpen)\(mathElements.count)\(Self.mathMarkerClose)")
            mathElements.append(element.rendered)
            cmark_node_insert_after(anchor, math)
            anchor = math
            count += 1
            for merged in merged {
                absorbed.insert(merged)
                cmark_node_unlink(merged)
                cmark_node_free(merged)
            }
            guard let next else { return count }
            if next.node != node {
                // The span ended in a later text node: its rest is read from there, and the node
                // itself is emptied (it stays, after the span, holding the text that follows).
                absorbed.insert(next.node)
                cmark_node_unlink(next.node)
                cmark_node_insert_after(anchor, next.node)
                anchor = next.node
                owner = next.node
                node = next.node
                characters = next.characters
            }
            index = next.index
        }
    }

    /// Every node under `root` (itself included) in document order.
    private func nodes(under root: OpaquePointer) -> [OpaquePointer] {
        var nodes = [OpaquePointer]()
        let iterator = cmark_iter_new(root)
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) { nodes.append(node) }
        }
        return nodes
    }

    /// Whether the node sits in an image's description (rendered as its `alt` text).
    private func isInsideImage(_ node: OpaquePointer) -> Bool {
        var parent = cmark_node_parent(node)
        while let current = parent {
            if cmark_node_get_type(current) == CMARK_NODE_IMAGE { return true }
            parent = cmark_node_parent(current)
        }
        return false
    }

    /// Renders one node (and its children) to HTML. Raw HTML passes through only when `unsafe`.
    func html(_ node: MarkdownNode, unsafe: Bool) -> String {
        let options = CMARK_OPT_DEFAULT | (unsafe ? CMARK_OPT_UNSAFE : 0)
        guard let rendered = cmark_render_html(node.pointer, options, extensions) else { return "" }
        defer { free(rendered) }
        return scrollableTables(withMath(String(cString: rendered)))
    }

    /// Each table of the prose in a horizontally scrolling wrapper, as the report's own tables
    /// are, so that a wide table scrolls on a phone instead of widening the page.
    private func scrollableTables(_ html: String) -> String {
        guard html.contains("<table>") else { return html }
        return html.replacingOccurrences(of: "<table>", with: "<div class=\"table-wrap\"><table>")
            .replacingOccurrences(of: "</table>", with: "</table></div>")
    }

    /// `html` with each math marker replaced by its element.
    private func withMath(_ html: String) -> String {
        guard !mathElements.isEmpty, html.contains(Self.mathMarkerOpen) else { return html }
        var output = ""
        var rest = Substring(html)
        while let open = rest.firstIndex(of: Self.mathMarkerOpen) {
            output += rest[..<open]
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: Self.mathMarkerClose), let index = Int(rest[after..<close]),
                  mathElements.indices.contains(index) else {
                rest = rest[after...]
                continue
            }
            output += mathElements[index]
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}

/// A node of a `MarkdownDocument`; valid while its document is alive.
struct MarkdownNode {
    let pointer: OpaquePointer

    /// The node's type name (`heading`, `code_block`, `table`, ...).
    var typeName: String { String(cString: cmark_node_get_type_string(pointer)) }
    /// Whether this is a fenced or indented code block.
    var isCodeBlock: Bool { cmark_node_get_type(pointer) == CMARK_NODE_CODE_BLOCK }
    /// Whether this is a heading.
    var isHeading: Bool { cmark_node_get_type(pointer) == CMARK_NODE_HEADING }
    /// First source line.
    var startLine: Int { Int(cmark_node_get_start_line(pointer)) }
    /// Last source line.
    var endLine: Int { Int(cmark_node_get_end_line(pointer)) }
    /// The info string of a fenced code block (`{species}`, `python`).
    var fenceInfo: String { cmark_node_get_fence_info(pointer).map { String(cString: $0) } ?? "" }
    /// The content of a code block.
    var literal: String { cmark_node_get_literal(pointer).map { String(cString: $0) } ?? "" }
    /// The heading level, 1...6.
    var headingLevel: Int { Int(cmark_node_get_heading_level(pointer)) }

    /// Whether the block is fenced (not indented), with its fence character and length.
    var fence: (character: Character, length: Int)? {
        var length: Int32 = 0, offset: Int32 = 0, character: Int8 = 0
        guard cmark_node_get_fenced(pointer, &length, &offset, &character) == 1, length > 0 else { return nil }
        return (Character(UnicodeScalar(UInt8(bitPattern: character))), Int(length))
    }

    /// The plain text of the node's inline content (for headings in the table of contents).
    var plainText: String {
        var text = ""
        let iterator = cmark_iter_new(pointer)
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_HTML_INLINE {
                text += cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                text += " "
            }
        }
        return text
    }
}
