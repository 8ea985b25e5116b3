import Experiments
import Foundation
import Report
import Testing
@testable import NotebookKit

@Suite("Parameter summary")
struct ParameterSummaryTests {
    /// The summary of every block of a notebook written from `text`.
    func summary(_ text: String, overrides: [String] = []) throws -> [String: [ParameterSetting]] {
        let notebook = try NotebookLoader.load([try temporaryNotebook(text)], overrides: overrides).get()[0]
        var result = [String: [ParameterSetting]]()
        for block in notebook.blocks {
            result[block.id] = ParameterSummary.parameters(of: block, notebookSeed: notebook.seed).settings
        }
        return result
    }

    @Test("A block at its defaults has nothing to show; an explicit default is not a difference")
    func defaults() throws {
        let settings = try summary("```{species}\n```\n\n```{species}\nid: b\nh: 0.1\nsteps: 1000\ncaption: c\n```\n")
        #expect(settings["species-1"] == [])
        #expect(settings["b"] == [])
    }

    @Test("The front matter's figure format is the notebook's setting, not listed per block; one a block writes is")
    func figureFormat() throws {
        let settings = try summary("---\nfigure_format: svg\n---\n```{species}\nid: a\n```\n\n```{species}\nid: b\nfigure_format: svg\n```\n")
        #expect(settings["a"] == [])
        #expect(settings["b"]?.map(\.name) == ["figure_format"])
    }

    @Test("Written values, -p values (even at the default), entries of fixed-key sections, the notebook's seed")
    func differences() throws {
        let text = """
            ---
            seed: 4
            ---
            ```{species}
            id: a
            steps: 20
            params: {r1: 0.2, r2: 0.3}
            seed: 4
            ```

            ```{species}
            id: b
            seed: 9
            ```
            """
        let settings = try summary(text, overrides: ["a.h=0.1", "b.steps=30"])
        #expect(settings["a"] == [
            ParameterSetting(name: "params.r1", value: "0.2", origin: "line 7"),
            ParameterSetting(name: "h", value: "0.1", origin: "-p a.h=0.1"),
            ParameterSetting(name: "steps", value: "20", origin: "line 6"),
        ])
        #expect(settings["b"] == [
            ParameterSetting(name: "seed", value: "9", origin: "line 13"),
            ParameterSetting(name: "steps", value: "30", origin: "-p b.steps=30"),
        ])
    }

    @Test("Sections: a fit shows its changed keys, a map option shows whole, long values are cut")
    func sections() throws {
        let times = (0..<60).map(String.init).joined(separator: ", ")
        let values = (0..<60).map { String(100 + $0) }.joined(separator: ", ")
        let text = """
            ```{species}
            id: fit
            h: 1
            steps: 60
            data: {t: [\(times)], x1: [\(values)], x2: [\(values)]}
            fit: {lr: 0.01, epochs: 5}
            ```

            ```{species}
            id: plain-fit
            h: 1
            steps: 3
            data: {t: [0, 1], x1: [100, 101], x2: [150, 151]}
            fit: {}
            ```

            ```{ode}
            id: decay
            equations: {x: -k*x}
            params: {k: 0.5}
            initial: {x: 1}
            t_end: 1
            ```
            """
        let settings = try summary(text)
        let fit = try #require(settings["fit"])
        #expect(fit.map(\.name) == ["h", "steps", "data", "fit.lr", "fit.epochs"])
        let data = try #require(fit.first { $0.name == "data" })
        #expect(data.value.count == ParameterSummary.maximumValueLength && data.value.hasSuffix("…"))
        #expect(data.value.hasPrefix("{t: [0, 1, 2"))
        #expect(fit.first { $0.name == "fit.lr" }?.value == "0.01")
        let plain = try #require(settings["plain-fit"])
        #expect(plain.last?.name == "fit" && plain.last?.value.hasPrefix("{init: {}") == true)
        #expect(settings["decay"]?.map(\.name) == ["equations", "params", "initial", "t_end"])
        #expect(settings["decay"]?.first { $0.name == "params" }?.value == "{k: 0.5}")
    }

    @Test("-p on one entry of a written section: that entry is from -p, the others keep their lines")
    func entryOverride() throws {
        let text = """
            ```{species}
            id: fitted
            h: 1
            steps: 3
            data: {t: [0, 1], x1: [100, 101], x2: [150, 151]}
            fit:
              lr: 0.01
              epochs: 50
            ```
            """
        let settings = try summary(text, overrides: ["fit.epochs=5"])
        #expect(settings["fitted"]?.suffix(2) == [
            ParameterSetting(name: "fit.lr", value: "0.01", origin: "line 7"),
            ParameterSetting(name: "fit.epochs", value: "5", origin: "-p fit.epochs=5"),
        ])
    }
}
