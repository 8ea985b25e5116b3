import Foundation
import Testing

@Suite("notebook run with {spiral}")
struct SpiralRunTests {
    @Test("a short {spiral} training writes its figures, CSVs and metrics, and the same seed repeats it")
    func shortTraining() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        _ = try scratch.write("""
            # Spiral

            ```{spiral}
            id: tiny
            data_size: 200
            hidden: [8]
            iterations: 12
            batch_size: 6
            test_every: 4
            snapshots: 2
            rtol: 1e-5
            atol: 1e-7
            ```
            """, to: "spiral.md")
        let result = try CLI.run(["run", "spiral.md", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        for figure in ["time", "phase", "field", "snapshots", "loss", "nfe"] {
            #expect(scratch.exists("output/spiral/figures/tiny-\(figure).png"), "figure \(figure)")
        }
        let history = try scratch.read("output/spiral/data/tiny-history.csv").split(separator: "\n")
        #expect(history.first == "iteration,loss,nfe_forward,nfe_backward")
        #expect(history.count == 13)
        let tests = try scratch.read("output/spiral/data/tiny-tests.csv").split(separator: "\n")
        #expect(tests.count == 5, "header and tests at iterations 4, 6 (a snapshot), 8, 12")
        let results = try scratch.json("output/spiral/results.json")
        let final = try metric(results, block: "tiny", "loss.final")
        #expect(final.isFinite && final > 0)
        #expect(try metric(results, block: "tiny", "nfe.forward") > 0)
        #expect(try metric(results, block: "tiny", "nfe.backward") > 0)
        #expect(try metric(results, block: "tiny", "seconds_per_iteration") > 0)

        let again = try CLI.run(["run", "spiral.md", "--quiet", "-o", "again"], in: scratch.url)
        #expect(again.status == 0, "\(again)")
        #expect(try scratch.read("again/spiral/data/tiny-history.csv") == history.joined(separator: "\n") + "\n")
    }

    @Test("a true field that depends on t is also drawn at three times; an autonomous one is not")
    func timeDependentField() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        _ = try scratch.write("""
            # Forced

            ```{spiral}
            id: forced
            equations:
              x: v
              v: -x + 0.5 * cos(t)
            y0: [1, 0]
            t_end: 10
            input: raw
            hidden: [8]
            iterations: 3
            ```

            ```{spiral}
            id: free
            equations:
              x: v
              v: -x
            y0: [1, 0]
            t_end: 10
            input: raw
            hidden: [8]
            iterations: 3
            ```
            """, to: "forced.md")
        let result = try CLI.run(["run", "forced.md", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(scratch.exists("output/forced/figures/forced-field-times.png"))
        #expect(!scratch.exists("output/forced/figures/free-field-times.png"))
        let page = try scratch.read("output/forced/index.html")
        #expect(page.contains("The true vector field at three times"))
        // Each figure links the CSV it draws, as the kind declares it.
        #expect(page.range(of: #"Figure 3\. The true vector field[^<]*<span class="figure-data"> <a href="data/forced-field\.csv" download="">"#,
                           options: .regularExpression) != nil)
        #expect(page.range(of: #"Figure 1\. True \(solid\)[^<]*<span class="figure-data"> <a href="data/forced-trajectories\.csv""#,
                           options: .regularExpression) != nil)
    }

}

@Suite("notebook run with {latent-ode}")
struct LatentODERunTests {
    @Test("a short {latent-ode} run on irregular CSV series of different lengths writes its figures, CSVs and metrics")
    func irregularSeries() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var csv = "series,t,x,y\n"
        for (name, times) in [("a", [0.0, 0.3, 0.5, 0.9, 1.2]), ("b", [0.1, 0.4, 0.8]), ("c", [0.0, 0.2, 0.6, 1.0, 1.1, 1.3])] {
            for t in times { csv += "\(name),\(t),\(cos(2 * t) * (1 + t)),\(sin(2 * t) * (1 + t))\n" }
        }
        _ = try scratch.write(csv, to: "series.csv")
        _ = try scratch.write("""
            # Latent

            ```{latent-ode}
            id: mine
            data: {csv: series.csv}
            latent_dim: 2
            nhidden: 6
            rnn_nhidden: 5
            iterations: 8
            show: 2
            rtol: 1e-5
            atol: 1e-7
            ```
            """, to: "latent.md")
        let result = try CLI.run(["run", "latent.md", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        for figure in ["reconstruction", "loss", "latent"] {
            #expect(scratch.exists("output/latent/figures/mine-\(figure).png"), "figure \(figure)")
        }
        let history = try scratch.read("output/latent/data/mine-history.csv").split(separator: "\n")
        #expect(history.first == "iteration,loss,elbo,log_likelihood,kl,nfe_forward,nfe_backward")
        #expect(history.count == 9)
        let results = try scratch.json("output/latent/results.json")
        #expect(try metric(results, block: "mine", "series") == 3)
        #expect(try metric(results, block: "mine", "loss.final").isFinite)
        #expect(try metric(results, block: "mine", "seconds_per_iteration") > 0)
    }
}
