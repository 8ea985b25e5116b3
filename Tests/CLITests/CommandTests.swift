import Foundation
import Testing

@Suite("notebook check, kinds, clean, --help")
struct CommandTests {
    @Test("check: exit 0 and a quiet stderr on a good notebook, exit 2 on a bad one")
    func check() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.copyExperimentsNotebook()
        var result = try CLI.run(["check", "experiments.md"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        #expect(result.stdout.contains("competition") && result.stdout.contains("coarse"), "\(result)")
        #expect(!scratch.exists("output"), "check writes nothing")

        try scratch.write("# Bad\n\n```{species}\nsteps: 0\n```\n", to: "bad.md")
        result = try CLI.run(["check", "bad.md"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.hasPrefix("bad.md:4: error: "), "\(result)")

        result = try CLI.run(["check", "experiments.md", "bad.md"], in: scratch.url)
        #expect(result.status == 2, "one bad notebook fails the check: \(result)")
    }

    @Test("kinds lists {species} with every key")
    func kinds() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let keys = ["params", "initial", "solver", "h", "steps", "t_start", "save_every", "plot", "data",
                    "id", "caption", "seed", "cache", "timeout"]
        for arguments in [["kinds"], ["kinds", "species"], ["kinds", "{species}"]] {
            let result = try CLI.run(arguments, in: scratch.url)
            #expect(result.status == 0, "\(arguments): \(result)")
            #expect(result.stdout.contains("{species}"), "\(arguments): \(result)")
            let lines = result.stdout.split(separator: "\n")
            for key in keys {
                #expect(lines.contains { $0.hasPrefix("  \(key) ") }, "'\(key)' missing from \(arguments.joined(separator: " "))")
            }
            #expect(result.stdout.contains("default: 1000"), "the default of steps is shown")
        }
        let result = try CLI.run(["kinds", "nope"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("unknown kind 'nope'"), "\(result)")
        let misspelled = try CLI.run(["kinds", "specis"], in: scratch.url)
        #expect(misspelled.status == 2 && misspelled.stderr.contains("did you mean 'species'"), "\(misspelled)")
    }

    @Test("clean -o DIR removes reports and the index, and keeps other files")
    func clean() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try scratch.write(Notebooks.twoDefaultBlocks, to: "defaults.md")
        var result = try CLI.run(["run", "defaults.md", "-o", "site"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        try scratch.write("keep me\n", to: "site/notes.txt")
        try scratch.write("not a report\n", to: "site/drafts/plan.txt")
        #expect(scratch.exists("site/defaults/index.html"))

        result = try CLI.run(["clean", "-o", "site"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(!scratch.exists("site/defaults"))
        #expect(!scratch.exists("site/index.html"))
        #expect(try scratch.read("site/notes.txt") == "keep me\n")
        #expect(scratch.exists("site/drafts/plan.txt"), "a folder without results.json is not a report")

        result = try CLI.run(["clean", "-o", "site"], in: scratch.url)
        #expect(result.status == 0, "cleaning twice is fine: \(result)")
        result = try CLI.run(["clean", "-o", "never-made"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
    }

    @Test("--help shows examples; an unknown subcommand or flag exits 2")
    func help() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var result = try CLI.run(["--help"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Examples:") && result.stdout.contains("notebook run notebooks/experiments.md"), "\(result)")
        for subcommand in ["run", "check", "kinds", "clean"] {
            #expect(result.stdout.contains(subcommand))
        }
        result = try CLI.run(["run", "--help"], in: scratch.url)
        #expect(result.status == 0 && result.stdout.contains("Examples:"), "\(result)")

        for arguments in [["frobnicate"], ["run", "--frobnicate", "x.md"], ["check"], ["run"], ["kinds", "a", "b"]] {
            result = try CLI.run(arguments, in: scratch.url)
            #expect(result.status == 2 && !result.signaled, "\(arguments): \(result)")
            #expect(result.stderr.contains("Error") || result.stderr.contains("error"), "\(arguments): \(result)")
        }
        #expect(!scratch.exists("output"))
    }
}
