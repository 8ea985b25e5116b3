import BlockResults
import Experiments
import Foundation
import Report
import Testing
@testable import NotebookKit

@Suite("Values in prose")
struct ProseValueTests {
    @Test("Formats: significant digits, fixed, exponent, grouped integers, per cent; others refused",
          arguments: [(".3g", 0.367879441, "0.368"), (".2f", 1234.5678, "1234.57"), (",.1f", 1234567.25, "1,234,567.2"),
                      (",d", 1234567.0, "1,234,567"), (",d", -1234.4, "-1,234"), (".1%", 0.0315, "3.1%"), (".2e", 12345.0, "1.23e+04"),
                      ("g", 2.0 / 3.0, "0.666667")])
    func formats(specification: String, value: Double, expected: String) throws {
        let format = try #require(ValueFormat(specification))
        #expect(format.format(value) == expected)
    }

    @Test("Unknown formats are not formats", arguments: ["", ".g", "x", ".3q", ",g", ".2d", ".123f"])
    func badFormats(specification: String) {
        #expect(ValueFormat(specification) == nil)
    }

    static let decay = """
        ```{ode}
        id: decay
        caption: Exponential decay
        equations: {x: -k*x}
        params: {k: 0.5}
        initial: {x: 1}
        t_end: 2
        rtol: 1e-10
        atol: 1e-12
        plot: []
        ```
        """

    /// Loads `text` as a notebook, runs it and returns its page and rendered blocks.
    static func report(_ text: String) throws -> (page: String, blocks: [RenderedBlock]) {
        let notebook = try NotebookLoader.load([try temporaryNotebook(text)]).get()[0]
        let blocks = notebook.blocks.map { BlockRenderer.render(BlockRunner.run($0, monitor: RunMonitor())) }
        let run = RunInformation(overrides: [], date: Date(timeIntervalSince1970: 0), quiet: true)
        let report = ReportBuilder.build(notebook, blocks: blocks, run: run, totalSeconds: 1)
        return (String(decoding: try #require(report.files.first { $0.path == "index.html" }).contents, as: UTF8.self), blocks)
    }

    @Test("Metrics, parameters, options and block links are replaced by the run's values and link to the block; code keeps its braces")
    func substituted() throws {
        let text = """
            # Decay {{decay.final.x:.3f}}

            x ends at {{decay.final.x:.3g}} after {{decay.steps:,d}} steps with k = {{decay.param.k}} and
            {{decay.option.solver}} (rtol {{decay.option.rtol:.0e}}); see {{decay}}. Not timed: {{decay.nfe}}. Written `{{decay.nfe}}` stays, as does \\{{decay.nfe}}.

            ```
            {{decay.nfe}}
            ```

            \(Self.decay)
            """
        let (page, blocks) = try Self.report(text)
        let steps = try #require(blocks[0].metrics.first { $0.name == "steps" })
        guard case let .count(stepCount) = steps.value else { Issue.record("steps is a count"); return }
        #expect(page.contains("x ends at <a class=\"quoted-value\" href=\"#decay\" title=\"decay.final.x:.3g\">0.368</a>"))
        #expect(page.contains(">\(stepCount)</a> steps with k = <a class=\"quoted-value\" href=\"#decay\" title=\"decay.param.k\">0.5</a>"))
        #expect(page.contains("title=\"decay.option.solver\">dopri5</a> (rtol <a class=\"quoted-value\" href=\"#decay\" title=\"decay.option.rtol:.0e\">1e-10</a>)"))
        #expect(page.contains("see <a class=\"quoted-value\" href=\"#decay\" title=\"decay\">Exponential decay</a>"))
        #expect(page.contains("<code>{{decay.nfe}}</code> stays, as does {{decay.nfe}}."))
        #expect(page.contains("<pre><code>{{decay.nfe}}\n</code></pre>"))
        #expect(page.contains("Decay 0.368"), "the contents show the heading with its value")
        #expect(!page.contains("\u{E004}"), "\(page.components(separatedBy: "\u{E004}").dropFirst().map { $0.prefix(80) })")
    }

    @Test("Unknown blocks, metrics, parameters, options and formats are errors at check time, at their line and column")
    func checked() throws {
        let text = """
            # Bad

            A {{decai.final.x}} and {{decay.final.y}},
            then {{decay.param.kk}} and {{decay.option.solvr}} and {{decay.nfe:.3q}}.

            \(Self.decay)
            """
        let path = try temporaryNotebook(text)
        guard case let .failure(found) = NotebookLoader.load([path]) else {
            Issue.record("the notebook should not load")
            return
        }
        let name = URL(fileURLWithPath: path).lastPathComponent
        let lines = found.all.map(\.description).map { $0.replacingOccurrences(of: path, with: name) }
        #expect(lines == [
            "\(name):3:3: error: '{{decai.final.x}}': no block has the id 'decai'; did you mean 'decay'? (ids: decay)",
            "\(name):3:25: error: '{{decay.final.y}}': block 'decay' reports no metric 'final.y'; did you mean 'final.x'? (its metrics: final.x, steps, nfe, rejected)",
            "\(name):4:56: error: '{{decay.nfe:.3q}}': unknown format '.3q' (formats: .3g, .2f, .2e, ,d, .1%)",
            "\(name):4:6: error: '{{decay.param.kk}}': block 'decay' has no parameter 'kk'; did you mean 'k'? (its parameters: k)",
            "\(name):4:29: error: '{{decay.option.solvr}}': block 'decay' has no option 'solvr'; did you mean 'solver'?",
        ])
    }

    @Test("Figures are numbered in document order; [@ID-NAME] links to one as 'Figure N'; an unknown block is an error at check time")
    func figureReferences() throws {
        let text = """
            # Figures

            The phase portrait, [@decay-phase], follows [@decay-time]; `[@decay-time]` in code stays.

            ```{ode}
            id: decay
            equations: {x: -x, y: x - y}
            initial: {x: 1, y: 0}
            t_end: 1
            ```

            Again [@decay-time] and a missing one, [@decay-quiver].
            """
        let (page, _) = try Self.report(text)
        #expect(page.contains("The phase portrait, <a class=\"figure-ref\" href=\"#figure-decay-phase\">Figure 2</a>, follows <a class=\"figure-ref\" href=\"#figure-decay-time\">Figure 1</a>; <code>[@decay-time]</code> in code stays."))
        #expect(page.contains("Again <a class=\"figure-ref\" href=\"#figure-decay-time\">Figure 1</a> and a missing one, <a class=\"figure-ref missing\""))
        #expect(page.contains("<figure id=\"figure-decay-time\">"), "the link's target exists")
        #expect(page.contains("<figure id=\"figure-decay-phase\">"))
        #expect(page.contains("<figcaption>Figure 1. "))
        #expect(page.contains("<figcaption>Figure 2. "))

        let bad = try temporaryNotebook(text.replacingOccurrences(of: "[@decay-phase]", with: "[@decai-phase]"))
        guard case let .failure(problems) = NotebookLoader.load([bad]) else {
            Issue.record("an unknown block in a figure reference should not load")
            return
        }
        #expect(problems.all.map { "\($0.line ?? 0):\($0.column ?? 0): \($0.message)" } == [
            "3:21: '[@decai-phase]': no block's figure: a figure is named after its block, '<block id>-<figure>' (ids: decay)",
        ])
    }

    @Test("A quoted measured time is marked run-dependent, as in the metrics table; other values are not")
    func timingMarked() throws {
        let text = "# T\n\n{{s.seconds_per_iteration:.2g}} s per iteration, {{s.iterations}} iterations.\n\n"
            + "```{spiral}\nid: s\ndata_size: 100\nhidden: [4]\niterations: 2\nbatch_time: 5\nbatch_size: 4\ntest_every: 0\n```\n"
        let (page, _) = try Self.report(text)
        #expect(page.contains("title=\"s.seconds_per_iteration:.2g\" data-run-dependent=\"time\">"))
        #expect(page.contains("title=\"s.iterations\">2</a> iterations."))
    }

    @Test("{{ID.seconds}} quotes any block's measured time, marked run-dependent")
    func blockSeconds() throws {
        let (page, blocks) = try Self.report("# T\n\nThe solve took {{decay.seconds:.3e}} s.\n\n" + Self.decay)
        let expected = String(format: "%.3e", try #require(blocks.first).seconds)
        #expect(page.contains("title=\"decay.seconds:.3e\" data-run-dependent=\"time\">\(expected)</a> s."), "\(page)")
    }

    @Test("Each kind reports exactly the metrics it declares before running", arguments: [
        "```{species}\nsteps: 5\nplot: []\n```",
        "```{species}\nh: 1\nsteps: 10\ndata: {t: [0, 5, 10], x1: [100, 110, 120], x2: [150, 140, 130]}\nfit: {epochs: 3, lr: 0.001}\nplot: []\n```",
        "```{ode}\nequations: {x: -x}\ninitial: {x: 1}\nt_end: 1\nsolver: rodas4\ndata: {t: [0.5], x: [0.6]}\nplot: []\n```",
        "```{spiral}\ndata_size: 100\nhidden: [4]\niterations: 2\nbatch_time: 5\nbatch_size: 4\ntest_every: 0\n```",
        "```{latent-ode}\nnspiral: 4\nntotal: 40\nnsample: 10\nlatent_dim: 2\nnhidden: 4\nrnn_nhidden: 4\niterations: 1\n```",
        "```{odenet}\nmodel: resnet\nwidth: 4\nepochs: 1\n```",
        "```{odenet}\nwidth: 4\nepochs: 1\nstudy: true\nstudy_steps: [1, 3]\nstudy_rtol: [0.1]\n```",
    ])
    func declaredMetrics(block: String) throws {
        let path = try temporaryNotebook("# M\n\n\(block)\n")
        let experiment = try NotebookLoader.load([path]).get()[0].blocks[0].experiment
        let artifacts = try experiment.run(monitor: RunMonitor())
        #expect(artifacts.metrics.map(\.name) == experiment.metricNames)
    }
}
