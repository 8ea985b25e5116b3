import Foundation
import Report

/// KaTeX (Khan Academy's TeX typesetter) as Debian's `libjs-katex` installs it: the script, the
/// stylesheet and the WOFF2 fonts it names. Reports use these files, never the network: copied
/// next to the page (`katex/`), or embedded in it with `--self-contained`.
struct KaTeX: Sendable {
    /// Where `libjs-katex` puts KaTeX.
    static let defaultDirectory = "/usr/share/javascript/katex"

    /// The environment variable that points at another KaTeX folder (with `katex.min.js`,
    /// `katex.min.css` and `fonts/`).
    static let environmentVariable = "NOTEBOOK_KATEX_DIR"

    /// The installed KaTeX, read once per run, or why it cannot be used.
    static let installed: Result<KaTeX, KaTeXUnavailable> = {
        let path = ProcessInfo.processInfo.environment[environmentVariable] ?? defaultDirectory
        return load(from: URL(fileURLWithPath: path))
    }()

    /// The stylesheet with its fonts as relative files, written under `katex/` next to the page.
    let linkedFiles: [(path: String, contents: Data)]
    /// The stylesheet (fonts as data URIs) and the script, to embed in the page.
    let embedded: (stylesheet: EmbeddedCode, script: EmbeddedCode)

    /// The folder the report's copy goes to.
    static let folder = "katex"
    /// The page's URL of the copied stylesheet.
    static let stylesheetPath = "\(folder)/katex.min.css"
    /// The page's URL of the copied script.
    static let scriptPath = "\(folder)/katex.min.js"

    /// Reads KaTeX from `directory`: `katex.min.js` (else `katex.js`), `katex.min.css` (else
    /// `katex.css`) and every WOFF2 font the stylesheet names.
    static func load(from directory: URL) -> Result<KaTeX, KaTeXUnavailable> {
        func read(_ names: [String]) -> Data? {
            names.lazy.compactMap { try? Data(contentsOf: directory.appendingPathComponent($0)) }.first
        }
        guard let script = read(["katex.min.js", "katex.js"]), let scriptText = String(data: script, encoding: .utf8),
              let css = read(["katex.min.css", "katex.css"]), let cssText = String(data: css, encoding: .utf8) else {
            return .failure(KaTeXUnavailable(directory: directory.path, reason: "KaTeX was not found in \(directory.path)"))
        }
        let fonts = woff2Fonts(in: cssText)
        var fontData = [String: Data]()
        for font in fonts {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(font)) else {
                return .failure(KaTeXUnavailable(directory: directory.path, reason: "KaTeX's font \(font) is missing in \(directory.path)"))
            }
            fontData[font] = data
        }
        let linkedCSS = rewritingFontSources(cssText) { $0 }
        let embeddedCSS = rewritingFontSources(cssText) { font in
            "data:font/woff2;base64," + (fontData[font] ?? Data()).base64EncodedString()
        }
        guard let stylesheet = EmbeddedCode(css: embeddedCSS), let code = EmbeddedCode(javaScript: scriptText) else {
            return .failure(KaTeXUnavailable(directory: directory.path, reason: "KaTeX's files in \(directory.path) cannot be embedded in a page"))
        }
        var files: [(path: String, contents: Data)] = [
            (stylesheetPath, Data(linkedCSS.utf8)), (scriptPath, script),
        ]
        files += fonts.map { ("\(folder)/\($0)", fontData[$0] ?? Data()) }
        return .success(KaTeX(linkedFiles: files, embedded: (stylesheet, code)))
    }

    /// The WOFF2 files the stylesheet's `@font-face` rules name, in order, without repeats
    /// (`fonts/KaTeX_Main-Regular.woff2`).
    static func woff2Fonts(in css: String) -> [String] {
        var fonts = [String]()
        _ = rewritingFontSources(css) { font in
            if !fonts.contains(font) { fonts.append(font) }
            return font
        }
        return fonts
    }

    /// The stylesheet with each `@font-face` source list reduced to its WOFF2 file, at the URL
    /// `url` gives for the file's path (every browser that runs KaTeX reads WOFF2). A rule without
    /// a WOFF2 source is kept as it is.
    static func rewritingFontSources(_ css: String, url: (String) -> String) -> String {
        var output = ""
        var rest = Substring(css)
        while let face = rest.range(of: "@font-face") {
            output += rest[..<face.lowerBound]
            guard let close = rest[face.upperBound...].firstIndex(of: "}") else {
                rest = rest[face.lowerBound...]
                break
            }
            let rule = rest[face.lowerBound...close]
            output += rewritingSource(of: rule, url: url)
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    /// One `@font-face { ... }` rule with its `src:` reduced to the WOFF2 source.
    private static func rewritingSource(of rule: Substring, url: (String) -> String) -> String {
        guard let source = rule.range(of: "src:") else { return String(rule) }
        let end = rule[source.upperBound...].firstIndex { $0 == ";" || $0 == "}" } ?? rule.endIndex
        let list = rule[source.upperBound..<end]
        let urls = list.components(separatedBy: "url(").dropFirst().compactMap { part -> String? in
            guard let close = part.firstIndex(of: ")") else { return nil }
            return part[..<close].trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        }
        guard let woff2 = urls.first(where: { $0.hasSuffix(".woff2") }) else { return String(rule) }
        return String(rule[..<source.upperBound]) + "url(\(url(woff2))) format('woff2')" + String(rule[end...])
    }
}

/// Why KaTeX cannot typeset a report's math; the run says so once and shows the TeX as written.
struct KaTeXUnavailable: Error, Sendable {
    /// The folder that was looked in.
    let directory: String
    /// What is wrong.
    let reason: String

    /// The note the run prints.
    var note: String {
        "note: math is shown as TeX source: \(reason) (install Debian's libjs-katex, or set \(KaTeX.environmentVariable))"
    }
}
