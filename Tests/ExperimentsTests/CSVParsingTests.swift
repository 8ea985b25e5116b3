import Foundation
import Testing
@testable import Experiments

/// The message of the error `parse` throws for `text`, or `nil` when it parses.
private func parseError(_ text: String, textColumns: Set<String> = []) -> String? {
    do {
        _ = try CSVTable.parse(text, name: "x.csv", textColumns: textColumns)
        return nil
    } catch {
        return error.description
    }
}

@Suite("CSV parsing (RFC 4180)")
struct CSVParsingTests {
    @Test("A quoted field may hold commas; a quoted number is a number")
    func quotedCommas() throws {
        let table = try CSVTable.parse("series,t,x\n\"a, b\",0,\"1.5\"\n\"c,\",\"1\",\n", name: "x.csv", textColumns: ["series"])
        #expect(table.texts["series"] == ["a, b", "c,"])
        #expect(table.columns.map(\.name) == ["t", "x"])
        #expect(table.columns[0].values == [0, 1])
        #expect(table.columns[1].values == [1.5, nil])
    }

    @Test("A doubled quote in a quoted field is one quote, also in the header")
    func doubledQuotes() throws {
        let table = try CSVTable.parse("series,\"t\"\n\"say \"\"hi\"\"\",1\n\"\"\"\",2\n", name: "x.csv", textColumns: ["series"])
        #expect(table.texts["series"] == ["say \"hi\"", "\""])
        #expect(table.columns.map(\.name) == ["t"])
        let header = try CSVTable.parse("\"a \"\"b\"\"\",t\n1,2\n", name: "x.csv")
        #expect(header.columns.map(\.name) == ["a \"b\"", "t"])
    }

    @Test("A quoted field may hold line breaks, and later lines are counted with them")
    func embeddedNewlines() throws {
        let text = "series,t\n\"a\nb\",1\n\"c\r\n\nd\",2\ne,3\n"
        let table = try CSVTable.parse(text, name: "x.csv", textColumns: ["series"])
        #expect(table.texts["series"] == ["a\nb", "c\r\n\nd", "e"])
        #expect(table.columns[0].values == [1, 2, 3])
        // Lines: 1 header, 2-3 "a\nb", 4-6 "c\r\n\nd", 7 e.
        #expect(parseError(text + "f,x\n", textColumns: ["series"]) == "x.csv line 8, column 't': not a number")
        #expect(parseError(text + "f\n", textColumns: ["series"]) == "x.csv line 8: 1 fields, but the header has 2")
        // A field after a multi-line one is on the line where it starts.
        #expect(parseError("series,t\n\"a\nb\",x\n", textColumns: ["series"]) == "x.csv line 3, column 't': not a number")
    }

    @Test("Lines may end in CRLF, LF or CR, mixed")
    func lineEnds() throws {
        for text in ["t,x\r\n0,1\r\n1,\r\n", "t,x\n0,1\n1,\n", "t,x\r0,1\r1,\r", "t,x\r\n0,1\n1,\r\n", "t,x\r\n0,1\r\n1,"] {
            let table = try CSVTable.parse(text, name: "x.csv")
            #expect(table.columns.map(\.name) == ["t", "x"], "\(text.debugDescription)")
            #expect(table.columns[1].values == [1, nil], "\(text.debugDescription)")
        }
        #expect(parseError("t,x\r\n0,1\r\n1,a\r\n") == "x.csv line 3, column 'x': not a number")
        #expect(parseError("t,x\r0,1\r1,a\r") == "x.csv line 3, column 'x': not a number")
    }

    @Test("A UTF-8 byte-order mark at the start is skipped, in text and in a file")
    func byteOrderMark() throws {
        let table = try CSVTable.parse("\u{FEFF}t,x\n0,1\n", name: "x.csv")
        #expect(table.columns.map(\.name) == ["t", "x"])
        let quoted = try CSVTable.parse("\u{FEFF}\"t\",x\n0,1\n", name: "x.csv")
        #expect(quoted.columns.map(\.name) == ["t", "x"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csv-bom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("bom.csv")
        try Data([0xEF, 0xBB, 0xBF] + Array("t,x\r\n0,1\r\n".utf8)).write(to: url)
        let read = try CSVTable.read(url)
        #expect(read.columns.map(\.name) == ["t", "x"])
        #expect(read.columns[0].values == [0])
        // Only at the start: elsewhere it is text, which is not a number.
        #expect(parseError("t,x\n0,\u{FEFF}1\n") == "x.csv line 2, column 'x': not a number")
    }

    @Test("Empty lines at the end (and elsewhere) are skipped; a file of them is empty")
    func emptyLines() throws {
        for text in ["t,x\n0,1\n\n", "t,x\r\n0,1\r\n\r\n", "t,x\n0,1\n \n\t\n\u{00A0}\n", "\nt,x\n\n0,1\n"] {
            let table = try CSVTable.parse(text, name: "x.csv")
            #expect(table.columns[1].values == [1], "\(text.debugDescription)")
        }
        #expect(parseError("\n\r\n  \n") == "x.csv is empty")
        #expect(parseError("\u{FEFF}") == "x.csv is empty")
        // A quoted empty field is a value (missing), not a blank line.
        let table = try CSVTable.parse("x\n1\n\"\"\n2\n", name: "x.csv")
        #expect(table.columns[0].values == [1, nil, 2])
    }

    @Test("An unclosed quote names the line it opens on and the column")
    func unclosedQuote() {
        #expect(parseError("t,x\n0,1\n2,\"3\n4,5\n") == "x.csv line 3, column 'x': the quote that opens the field is never closed")
        #expect(parseError("t,\"x\n0,1\n") == "x.csv line 1, column 2: the quote that opens the field is never closed")
        // A column without a plain name is named by number.
        #expect(parseError("t,\"x y!\"\n0,\"1\n") == "x.csv line 2, column 2: the quote that opens the field is never closed")
    }

    @Test("Text after a closing quote, and a quote in an unquoted field, are errors that quote nothing")
    func strayQuotes() {
        #expect(parseError("t,x\n0,\"secret\"oops\n")
            == "x.csv line 2, column 'x': text follows the closing quote of the field; a quote inside a quoted field is written twice (\"\")")
        #expect(parseError("series,t\n\"a\nb\"c,1\n", textColumns: ["series"])?.hasPrefix("x.csv line 3, column 'series': text follows") == true)
        #expect(parseError("t,x\n0,sec\"ret\n")
            == "x.csv line 2, column 'x': a quote inside a field that does not start with one; put the field in quotes and write the quote twice (\"\")")
        for text in ["t,x\n0,\"secret\"oops\n", "t,x\n0,sec\"ret\n", "t,x\n0,\"secret\n", "t,x\n0,\"secret\"\n", "t,x\n0,1,\"secret\"\n"] {
            let message = parseError(text)
            #expect(message != nil && !message!.contains("secret") && !message!.contains("oops"), "\(text.debugDescription): \(message ?? "no error")")
        }
    }

    @Test("Spaces around a quoted field are ignored; inside it they are kept")
    func spacesAroundQuotes() throws {
        let table = try CSVTable.parse("series , t\n \" a \" , 1 \n", name: "x.csv", textColumns: ["series"])
        #expect(table.texts["series"] == [" a "])
        #expect(table.columns.map(\.name) == ["t"])
        #expect(table.columns[0].values == [1])
    }

    @Test("A wrong number of fields names the line the record starts on")
    func fieldCount() {
        #expect(parseError("series,t\n\"a\nb\",1,2\n", textColumns: ["series"]) == "x.csv line 2: 3 fields, but the header has 2")
        #expect(parseError("t,x\n0,1\n\n1\n") == "x.csv line 4: 1 fields, but the header has 2")
        // A comma inside quotes does not count as a separator.
        #expect(parseError("t,x\n0,\"1,2\"\n") == "x.csv line 2, column 'x': not a number")
        // A line of a million commas is counted, not kept.
        #expect(parseError("t,x\n0,1\n" + String(repeating: ",", count: 1_000_000) + "\n") == "x.csv line 3: 1000001 fields, but the header has 2")
    }

    @Test("The reader keeps at most the fields asked for, and counts the rest")
    func readerLimit() throws {
        var reader = CSVReader("a,\"b\",c,\"d\ne\"\nf\n")
        let record = try reader.next(keepingAtMost: 2)
        #expect(record == .init(line: 1, fields: [.init(text: "a", quoted: false, line: 1), .init(text: "b", quoted: true, line: 1)], count: 4))
        #expect(try reader.next(keepingAtMost: 2) == .init(line: 3, fields: [.init(text: "f", quoted: false, line: 3)]))
        #expect(try reader.next() == nil)
    }

    @Test("Awkward text fields and header names survive writing and reading back")
    func roundTrip() throws {
        let awkward = ["a,b", "say \"hi\"", "\"", "\"\"", "line\nbreak", "cr\r\nlf", "\r", " padded ", "\ttab", "\u{FEFF}mark", "é ü 😀", ",", "x\"", "end,"]
        let text = CSVTable.formatRecord(["series", "t"]) + "\n"
            + awkward.enumerated().map { CSVTable.formatRecord([$1, String($0)]) + "\n" }.joined()
        let table = try CSVTable.parse(text, name: "x.csv", textColumns: ["series"])
        #expect(table.texts["series"] == awkward)
        #expect(table.columns[0].values == awkward.indices.map(Double.init))

        let names = ["t", "x, \"y\"", "a\nb", " z ", "w"]
        let written = CSVTable.format(columns: names, rows: [[0, 1, 2, 3, 4], [1, .nan, .infinity, 2, 3]])
        let read = try CSVTable.parse(written, name: "x.csv")
        #expect(read.columns.map(\.name) == names)
        #expect(read.columns.map(\.values) == [[0, 1], [1, nil], [2, nil], [3, 2], [4, 3]])
        // A one-column table keeps its missing values (an empty line would be skipped).
        let single = CSVTable.format(columns: ["x"], rows: [[1], [.nan], [2]])
        #expect(try CSVTable.parse(single, name: "x.csv").columns[0].values == [1, nil, 2])
    }

    @Test("The writer quotes only fields that need it")
    func writerQuoting() {
        #expect(CSVTable.formatField("plain name_1.5") == "plain name_1.5")
        #expect(CSVTable.formatField("") == "")
        #expect(CSVTable.formatField("a,b") == "\"a,b\"")
        #expect(CSVTable.formatField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVTable.formatField("a\nb") == "\"a\nb\"")
        #expect(CSVTable.formatField("a\rb") == "\"a\rb\"")
        #expect(CSVTable.formatField(" a") == "\" a\"")
        #expect(CSVTable.format(columns: ["t", "x,y"], rows: [[0, 1]]) == "t,\"x,y\"\n0,1\n")
    }

    @Test("The reader gives each record and field the line it starts on")
    func readerLines() throws {
        var reader = CSVReader("a,\"b\nc\"\r\nd,e\r\r\"f\"\"\",\n")
        var records = [CSVReader.Record]()
        while let record = try reader.next() { records.append(record) }
        #expect(records == [
            .init(line: 1, fields: [.init(text: "a", quoted: false, line: 1), .init(text: "b\nc", quoted: true, line: 1)]),
            .init(line: 3, fields: [.init(text: "d", quoted: false, line: 3), .init(text: "e", quoted: false, line: 3)]),
            .init(line: 4, fields: [.init(text: "", quoted: false, line: 4)]),
            .init(line: 5, fields: [.init(text: "f\"", quoted: true, line: 5), .init(text: "", quoted: false, line: 5)]),
        ])
    }

    /// Every text of up to five characters from CSV's own alphabet: the reader never crashes; what
    /// it reads, written back with `formatRecord`, reads back the same; an error names a line.
    @Test("Every short text of commas, quotes, line ends and letters reads back as written, or fails with a line")
    func exhaustiveShortTexts() throws {
        let alphabet: [Character] = [",", "\"", "\n", "\r", " ", "a"]
        var texts = [""]
        var all = [String]()
        for _ in 1...5 {
            texts = texts.flatMap { text in alphabet.map { text + String($0) } }
            all += texts
        }
        var read = 0
        for text in all {
            var reader = CSVReader(text)
            var records = [[String]]()
            do {
                while let record = try reader.next() { records.append(record.fields.map(\.text)) }
            } catch {
                #expect(error.line >= 1 && error.line <= 6 && error.field >= 0, "\(text.debugDescription)")
                continue
            }
            read += 1
            var again = CSVReader(records.map { CSVTable.formatRecord($0) + "\n" }.joined())
            var reread = [[String]]()
            while let record = try again.next() { reread.append(record.fields.map(\.text)) }
            #expect(reread == records, "\(text.debugDescription)")
            _ = parseError(text)
        }
        #expect(read > 1000)
    }

    @Test("Reading stays linear: a long line of escaped quotes and many short records")
    func linearTime() throws {
        let quotes = String(repeating: "\"\"", count: 500_000)
        let many = String(repeating: "0,1\r\n", count: 200_000)
        let started = Date()
        let table = try CSVTable.parse("series,t\n\"\(quotes)\",1\n", name: "x.csv", textColumns: ["series"])
        #expect(table.texts["series"]?.first?.count == 500_000)
        #expect(try CSVTable.parse("t,x\r\n" + many, name: "x.csv").columns[0].values.count == 200_000)
        #expect(parseError("t,x\n\"" + String(repeating: "a,\n", count: 300_000)) == "x.csv line 2, column 't': the quote that opens the field is never closed")
        let seconds = Date().timeIntervalSince(started)
        #expect(seconds < 20, "took \(seconds) s")
    }
}
