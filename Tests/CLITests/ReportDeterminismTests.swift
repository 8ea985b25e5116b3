import Foundation
import Testing

/// A notebook exercising what can vary between runs: math, figures, a fit whose log states its
/// duration, an adaptive solve, a `-p` override.
let determinismNotebook = """
    ---
    title: Two runs, one report
    seed: 7
    ---

    # Determinism

    Euler's step $x_{n+1} = x_n + h\\,f(x_n)$ and the model

    $$
    \\frac{dx_1}{dt} = r_1 x_1 \\left(1 - \\frac{x_1}{N_1}\\right) - a_1 x_1 x_2
    $$

    ```{species}
    id: competition
    caption: Two species
    steps: 100
    ```

    ```{species}
    id: fit
    h: 1
    steps: 40
    data: {t: [0, 10, 15, 30, 36, 40], x1: [100, 165, 197, 280, 305, 318], x2: [150, 283, 290, 276, 269, 266]}
    fit: {lr: 1e-4, epochs: 20}
    ```

    ```{ode}
    id: decay
    equations: {x: -k*x}
    params: {k: 0.5}
    initial: {x: 1}
    t_end: 4
    ```

    """

/// Masks what docs/format.md allows to change between two runs of the same notebook: in HTML every
/// element carrying `data-run-dependent` (start tag, content and end tag), in JSON every field
/// whose name contains `seconds`.
enum RunDependentMask {
    /// `html` with each marked element replaced by `<name data-masked>`, and how many were masked.
    static func html(_ html: String) -> (text: String, masked: Int) {
        var output = ""
        var rest = Substring(html)
        var masked = 0
        while let marker = rest.range(of: " data-run-dependent=\"") {
            guard let tagStart = rest[..<marker.lowerBound].lastIndex(of: "<") else { break }
            let name = String(rest[rest.index(after: tagStart)...].prefix { $0.isLetter || $0.isNumber })
            guard let startEnd = rest[marker.upperBound...].firstIndex(of: ">") else { break }
            // Find the matching end tag, counting nested elements of the same name.
            var depth = 1
            var index = rest.index(after: startEnd)
            var end: Substring.Index?
            while index < rest.endIndex {
                let tail = rest[index...]
                if tail.hasPrefix("</\(name)>") {
                    depth -= 1
                    if depth == 0 {
                        end = rest.index(index, offsetBy: name.count + 3)
                        break
                    }
                } else if tail.hasPrefix("<\(name)"), let next = tail.dropFirst(name.count + 1).first, next == " " || next == ">" {
                    depth += 1
                }
                index = rest.index(after: index)
            }
            guard let end else { break }
            output += rest[..<tagStart] + "<\(name) data-masked>"
            rest = rest[end...]
            masked += 1
        }
        return (output + rest, masked)
    }

    /// `json` with the value of every key containing `seconds` replaced, and how many were.
    static func json(_ json: String) -> (text: String, masked: Int) {
        let pattern = try! NSRegularExpression(pattern: "(\"[^\"]*seconds[^\"]*\": )[-+0-9.eE]+")
        let range = NSRange(json.startIndex..., in: json)
        let count = pattern.numberOfMatches(in: json, range: range)
        return (pattern.stringByReplacingMatches(in: json, range: range, withTemplate: "$1<masked>"), count)
    }
}

@Suite("Deterministic reports")
struct ReportDeterminismTests {
    /// Every regular file under `root`, by path relative to it.
    func files(under root: URL) throws -> [String: Data] {
        var result = [String: Data]()
        let manager = FileManager.default
        let enumerator = try #require(manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let url as URL in enumerator {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            // The run history records runs; it is not part of a report.
            if relative.hasPrefix("history.sqlite") { continue }
            result[relative] = try Data(contentsOf: url)
        }
        return result
    }

    @Test("two runs give the same files, byte for byte outside the marked dates and durations",
          arguments: [false, true])
    func twoRuns(selfContained: Bool) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(determinismNotebook, to: "twice.md")
        var outputs = [[String: Data]]()
        for run in 1...2 {
            let arguments = ["run", "twice.md", "-o", "run\(run)", "--no-cache", "-p", "competition.h=0.05", "--quiet"]
                + (selfContained ? ["--self-contained"] : [])
            let result = try CLI.run(arguments, in: scratch.url)
            #expect(result.status == 0, "\(result)")
            outputs.append(try files(under: scratch.file("run\(run)")))
        }
        let (first, second) = (outputs[0], outputs[1])
        #expect(Set(first.keys) == Set(second.keys))
        #expect(first.keys.contains("twice/index.html") && first.keys.contains("twice/results.json"))
        #expect(first.keys.contains("twice/figures/competition-time.png"))
        #expect(first.keys.contains { $0.hasPrefix("twice/katex/") } == !selfContained)

        var maskedElements = 0
        for path in first.keys.sorted() {
            let a = try #require(first[path]), b = try #require(second[path])
            if path.hasSuffix(".html") {
                let (maskedA, countA) = RunDependentMask.html(String(decoding: a, as: UTF8.self))
                let (maskedB, countB) = RunDependentMask.html(String(decoding: b, as: UTF8.self))
                #expect(countA == countB, "\(path): \(countA) and \(countB) marked elements")
                #expect(maskedA == maskedB, "\(path) differs outside its run-dependent elements")
                maskedElements += countA
            } else if path.hasSuffix(".json") {
                let (maskedA, countA) = RunDependentMask.json(String(decoding: a, as: UTF8.self))
                let (maskedB, _) = RunDependentMask.json(String(decoding: b, as: UTF8.self))
                #expect(countA == 3, "one seconds field per block")
                #expect(maskedA == maskedB, "\(path) differs outside its seconds fields")
            } else {
                #expect(a == b, "\(path) differs between the runs")
            }
        }
        // The report: the footer, three block durations, the fit's logged duration; the index: one date.
        #expect(maskedElements == 6)
        let report = try scratch.read("run1/twice/index.html")
        #expect(report.contains("<span class=\"math display\">"), "the notebook's math reached the report")
    }

    @Test("the mask finds marked elements, nested ones included, and leaves the rest")
    func mask() {
        let html = "<p>a <span data-run-dependent=\"duration\">1 <span>s</span></span> b</p><td class=\"num\" data-run-dependent=\"x\">2</td>"
        let (text, count) = RunDependentMask.html(html)
        #expect(text == "<p>a <span data-masked> b</p><td data-masked>")
        #expect(count == 2)
        let (json, fields) = RunDependentMask.json("{\"seconds\": 0.5, \"seconds_per_iteration\": 1e-3, \"steps\": 3}")
        #expect(json == "{\"seconds\": <masked>, \"seconds_per_iteration\": <masked>, \"steps\": 3}")
        #expect(fields == 2)
    }
}
