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
}
