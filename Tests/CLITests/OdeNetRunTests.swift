import Foundation
import Testing

@Suite("notebook run with {odenet}")
struct OdeNetRunTests {
    @Test("a notebook outside the repository finds the built-in digits: check passes and a short run writes its outputs")
    func digitsOutsideRepository() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        _ = try scratch.write("""
            # Digits

            ```{odenet}
            id: tiny
            width: 8
            epochs: 2
            ```
            """, to: "digits.md")
        let check = try CLI.run(["check", "digits.md"], in: scratch.url)
        #expect(check.status == 0, "\(check)")
        let result = try CLI.run(["run", "digits.md", "--quiet"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        for figure in ["curves", "confusion"] {
            #expect(scratch.exists("output/digits/figures/tiny-\(figure).png"), "figure \(figure)")
        }
        let history = try scratch.read("output/digits/data/tiny-history.csv").split(separator: "\n")
        #expect(history.first == "epoch,loss,train_accuracy,test_accuracy,nfe_forward,nfe_backward,seconds")
        #expect(history.count == 3)
        let results = try scratch.json("output/digits/results.json")
        #expect(try metric(results, block: "tiny", "test_accuracy") > 0.3)
        #expect(try metric(results, block: "tiny", "nfe") == 16)
    }

    @Test("a CSV without a label column is refused by check at the data line, naming the file")
    func missingLabel() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        _ = try scratch.write("a,b\n1,2\n3,4\n", to: "table.csv")
        _ = try scratch.write("# T\n\n```{odenet}\nid: t\ndata: {csv: table.csv}\n```\n", to: "table.md")
        let check = try CLI.run(["check", "table.md"], in: scratch.url)
        #expect(check.status != 0)
        #expect(check.stderr.contains("table.md:5: error: 'table.csv' has no 'label' column (columns: a, b)"), "\(check)")
    }
}
