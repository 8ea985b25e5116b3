import Foundation
import Testing

/// One generated input of the hostile-input table: a notebook `check` must answer, without a
/// crash or a hang, with `status` and a first line of standard error that starts with `message`
/// (`nil`: no message, the notebook is fine).
struct HostileCase: Sendable, CustomTestStringConvertible {
    let name: String
    let notebook: @Sendable () -> String
    let status: Int32
    let message: String?

    var testDescription: String { name }

    /// An `{ode}` block whose equation for `x` is `equation`.
    static func ode(_ equation: String) -> String {
        "# Hostile\n\n```{ode}\nequations: {x: \(equation)}\ninitial: {x: 1}\nt_end: 1\n```\n"
    }

    static let all: [HostileCase] = [
        HostileCase(name: "parentheses nested 10,000 deep", notebook: { ode(String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)) },
                    status: 2, message: "hostile.md:4: error: in the equation for 'x': the expression nests more than 256 levels deep"),
        HostileCase(name: "signs nested 10,000 deep", notebook: { ode(String(repeating: "-(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)) },
                    status: 2, message: "hostile.md:4: error: in the equation for 'x': the expression nests more than 256 levels deep"),
        HostileCase(name: "calls nested 10,000 deep", notebook: { ode(String(repeating: "sin(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)) },
                    status: 2, message: "hostile.md:4: error: in the equation for 'x': the expression nests more than 256 levels deep"),
        HostileCase(name: "a sum of 100,000 terms", notebook: { ode(Array(repeating: "x", count: 100_000).joined(separator: "+")) },
                    status: 2, message: "hostile.md:4: error: in the equation for 'x': the expression nests more than 256 levels deep"),
        HostileCase(name: "an expression 250 levels deep is fine", notebook: { ode(String(repeating: "(", count: 250) + "-x" + String(repeating: ")", count: 250)) },
                    status: 0, message: nil),
        HostileCase(name: "a prose line of 5,000 dollars", notebook: { "# Dollars\n\n" + String(repeating: "$", count: 5000) + "\n" }, status: 0, message: nil),
        HostileCase(name: "a 200 KB prose line of inline math", notebook: { "# Math\n\n" + String(repeating: "word $a_1$ ", count: 20_000) + "\n" }, status: 0, message: nil),
        HostileCase(name: "50,000 equal headings", notebook: { String(repeating: "# a\n\n", count: 50_000) }, status: 0, message: nil),
        HostileCase(name: "a YAML billion laughs", notebook: {
            var yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n"
            for level in 1...8 {
                let name = Character(UnicodeScalar(97 + level)!), previous = Character(UnicodeScalar(96 + level)!)
                yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
            }
            return "# Laughs\n\n```{species}\n" + yaml + "```\n"
        }, status: 2, message: "hostile.md:5: error: YAML aliases (*name) are not supported in the {species} block"),
    ]
}

@Suite("Hostile and huge input: an answer, never a hang or a crash")
struct HostileInputTests {
    @Test("check answers each generated input with its exit status and message", arguments: HostileCase.all)
    func check(_ item: HostileCase) throws {
        let scratch = try Scratch(prefix: "notebook-hostile")
        defer { scratch.remove() }
        try scratch.write(item.notebook(), to: "hostile.md")
        let result = try CLI.run(["check", "hostile.md"], in: scratch.url, timeout: 30)
        #expect(!result.timedOut && !result.signaled, "\(item.name): \(result.description.prefix(2000))")
        #expect(result.status == item.status, "\(item.name): \(result.description.prefix(2000))")
        if let message = item.message {
            #expect(result.stderr.hasPrefix(message), "\(item.name): \(result.stderr.prefix(500))")
            #expect(result.stderr.split(separator: "\n").allSatisfy { $0.count <= 300 }, "no message line repeats a huge input")
        }
    }

    @Test("SIGTERM during a long adaptive solve ends the run within a second, with the interrupted report")
    func terminateLongSolve() throws {
        let scratch = try Scratch(prefix: "notebook-hostile")
        defer { scratch.remove() }
        try scratch.write("""
            # Long

            ```{ode}
            id: long
            equations: {x: -x + sin(t)}
            initial: {x: 1}
            t_end: 1e12
            max_step: 1e-3
            max_steps: 1000000000
            ```

            """, to: "long.md")
        var ended = 0.0
        let result = try CLI.run(["run", "long.md", "-o", "out"], in: scratch.url, timeout: 60) { process, _ in
            Thread.sleep(forTimeInterval: 1.5)
            let sent = Date()
            kill(process.processIdentifier, SIGTERM)
            while process.isRunning, Date().timeIntervalSince(sent) < 10 { Thread.sleep(forTimeInterval: 0.01) }
            ended = Date().timeIntervalSince(sent)
        }
        #expect(result.status == 143, "\(result)")
        #expect(ended < 1, "the run ended \(ended) s after SIGTERM")
        #expect(result.stderr.contains("long.md: long {ode} stopped before it finished") || result.stderr.contains("long {ode} stopped before it finished"), "\(result)")
        #expect(scratch.exists("out/long.interrupted/index.html"))
    }

    @Test("a timeout stops a long adaptive solve at its limit")
    func timeoutLongSolve() throws {
        let scratch = try Scratch(prefix: "notebook-hostile")
        defer { scratch.remove() }
        try scratch.write("```{ode}\nid: long\nequations: {x: -x}\ninitial: {x: 1}\nt_end: 1e12\nmax_step: 1e-3\nmax_steps: 1000000000\ntimeout: 1\n```\n", to: "long.md")
        let started = Date()
        let result = try CLI.run(["run", "long.md", "-o", "out"], in: scratch.url, timeout: 60)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.status == 1 && result.stderr.contains("stopped at its time limit (timeout: 1 s)"), "\(result)")
    }
}
