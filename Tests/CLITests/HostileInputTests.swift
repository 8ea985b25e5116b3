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
        HostileCase(name: "a latent ODE on a million spirals", notebook: { "# Big\n\n```{latent-ode}\nnspiral: 1000000\nntotal: 10000000\n```\n" },
                    status: 2, message: "hostile.md:3: error: the block would need about 138 GB (activations kept for backpropagation 106 GB"),
        HostileCase(name: "a latent ODE with 4096 hidden units", notebook: { "# Big\n\n```{latent-ode}\nnhidden: 4096\n```\n" },
                    status: 2, message: "hostile.md:4: error: the block would need about 20.0 GB"),
        HostileCase(name: "a spiral network of eight 4096-wide layers", notebook: {
            "# Big\n\n```{spiral}\nhidden: [4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096]\nbatch_size: 500\ndata_size: 100000\n```\n"
        }, status: 2, message: "hostile.md:4: error: the block would need about 47.4 GB"),
        HostileCase(name: "rodas4 on 10,000 states", notebook: {
            let states = (0..<10_000).map { "x\($0): -x\($0) + x\(($0 + 1) % 10_000)" }.joined(separator: ", ")
            let initial = (0..<10_000).map { "x\($0): 1" }.joined(separator: ", ")
            return "# Big\n\n```{ode}\nequations: {\(states)}\ninitial: {\(initial)}\nsolver: rodas4\nt_end: 1\n```\n"
        }, status: 2, message: "hostile.md:6: error: rodas4 factorises a dense 10000 × 10000 matrix at every step"),
        HostileCase(name: "dopri5 on 10,000 states checks without a Jacobian", notebook: {
            let states = (0..<10_000).map { "x\($0): -x\($0) + x\(($0 + 1) % 10_000)" }.joined(separator: ", ")
            let initial = (0..<10_000).map { "x\($0): 1" }.joined(separator: ", ")
            return "# Big\n\n```{ode}\nequations: {\(states)}\ninitial: {\(initial)}\nt_end: 1\nplot: []\n```\n"
        }, status: 0, message: nil),
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
        HostileCase(name: "t_eval of a million points", notebook: {
            "# Dense\n\n```{ode}\nequations: {x: -x}\ninitial: {x: 1}\nt_end: 1\nt_eval: ["
                + (0..<1_000_000).map { String(Double($0) / 1e6) }.joined(separator: ",") + "]\n```\n"
        }, status: 2, message: "hostile.md:4: error: the YAML of the {ode} block is 8.9 MB, more than 1.0 MB; put long lists of values in a data file"),
        HostileCase(name: "six blocks of t_eval lists under 1 MB each, over 4 MB together", notebook: {
            let list = (0..<130_000).map(String.init).joined(separator: ",")  // 0.8 MB
            let block = "```{ode}\nequations: {x: -x}\ninitial: {x: 1}\nt_end: 200000\nt_eval: [\(list)]\n```\n\n"
            return "# Many\n\n" + String(repeating: block, count: 6)
        }, status: 2, message: "hostile.md:38: error: the blocks' YAML reaches 4.0 MB here, the most one notebook may hold"),
        HostileCase(name: "t_eval of 50,000 points is fine", notebook: {
            "# Dense\n\n```{ode}\nequations: {x: -x}\ninitial: {x: 1}\nt_end: 1\nt_eval: ["
                + (0..<50_000).map { String(Double($0) / 5e4) }.joined(separator: ",") + "]\n```\n"
        }, status: 0, message: nil),
    ]
}

@Suite("Hostile and huge input: an answer, never a hang or a crash")
struct HostileInputTests {
    @Test("check answers each generated input with its exit status and message", arguments: HostileCase.all)
    func check(_ item: HostileCase) throws {
        let scratch = try Scratch(prefix: "notebook-hostile")
        defer { scratch.remove() }
        try scratch.write(item.notebook(), to: "hostile.md")
        // A fixed memory limit, so that the refusals do not depend on the machine's memory.
        let result = try CLI.run(["check", "hostile.md", "--max-memory", "8G"], in: scratch.url, timeout: 30)
        #expect(!result.timedOut && !result.signaled, "\(item.name): \(result.description.prefix(2000))")
        #expect(result.status == item.status, "\(item.name): \(result.description.prefix(2000))")
        if let message = item.message {
            #expect(result.stderr.hasPrefix(message), "\(item.name): \(result.stderr.prefix(500))")
            #expect(result.stderr.split(separator: "\n").allSatisfy { $0.count <= 300 }, "no message line repeats a huge input")
        }
    }

    @Test("a data file above --max-data-size is refused by its size, at check time; a raised limit reads it")
    func dataSizeLimit() throws {
        let scratch = try Scratch(prefix: "notebook-hostile")
        defer { scratch.remove() }
        var csv = "t,x1,x2\n"
        for index in 0..<60_000 { csv += "\(index),100,150\n" }
        try scratch.write(csv, to: "big.csv")
        try scratch.write("# Data\n\n```{species}\nh: 1\nsteps: 10\ndata: {csv: big.csv}\n```\n", to: "data.md")
        let bytes = csv.utf8.count
        var result = try CLI.run(["check", "data.md", "--max-data-size", "100k"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == "data.md:6: error: 'data.csv': big.csv is \(String(format: "%.0f", Double(bytes) / 1000)) kB, more than the limit of 100 kB (--max-data-size); raise the limit to read it\n", "\(result)")
        result = try CLI.run(["check", "data.md", "--max-data-size", "10M"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("is not a step of the solve"), "read once allowed: \(result)")
        result = try CLI.run(["check", "data.md", "--max-memory", "lots"], in: scratch.url)
        #expect(result.status == 2 && result.stderr.contains("--max-memory lots: give a size such as 8G"), "\(result)")
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

    @Test("run of many tiny blocks grows linearly with their number (10x the blocks, well under 25x the time)")
    func manyTinyBlocksScaleLinearly() throws {
        // Not a speed target (notebook-bench tiny-blocks measures that): a ratio, which a pass
        // quadratic in the blocks (progress, index, report, cache) would push towards 100.
        func seconds(_ blocks: Int) throws -> Double {
            let scratch = try Scratch(prefix: "notebook-hostile")
            defer { scratch.remove() }
            let block = "```{species}\nsteps: 10\nplot: []\n```\n"
            try scratch.write("# Tiny\n\n" + Array(repeating: block, count: blocks).joined(separator: "\n"), to: "tiny.md")
            let start = ContinuousClock.now
            let result = try CLI.run(["run", "tiny.md", "-o", "out", "--jobs", "1", "--no-cache", "--quiet"], in: scratch.url, timeout: 300)
            let elapsed = ContinuousClock.now - start
            #expect(result.status == 0, "\(result)")
            let results = try scratch.read("out/tiny/results.json")
            #expect(results.components(separatedBy: "\"kind\": \"species\"").count - 1 == blocks)
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        let small = try seconds(150)
        let large = try seconds(1500)
        #expect(large < 25 * small, "150 blocks in \(small) s, 1500 in \(large) s")
    }
}
