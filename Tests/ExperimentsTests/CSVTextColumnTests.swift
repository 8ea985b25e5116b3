import Testing
@testable import Experiments

@Suite("CSV tables with text columns")
struct CSVTextColumnTests {
    @Test("Named columns are kept as text, the others read as numbers")
    func textColumns() throws {
        let table = try CSVTable.parse("series,t,x\na,0,1.5\nb,0.5,\n", name: "s.csv", textColumns: ["series"])
        #expect(table.texts["series"] == ["a", "b"])
        #expect(table.columns.map(\.name) == ["t", "x"])
        #expect(table.columns[1].values == [1.5, nil])
    }

    @Test("An empty text field and a word in a number column are errors with the line")
    func textColumnErrors() {
        #expect(throws: CSVError.self) { try CSVTable.parse("series,t\n,1\n", name: "s.csv", textColumns: ["series"]) }
        do {
            _ = try CSVTable.parse("series,t\na,1\nb,x\n", name: "s.csv", textColumns: ["series"])
            Issue.record("a word in a number column was accepted")
        } catch {
            #expect(error.description == "s.csv line 3, column 't': not a number")
        }
    }
}
