import BlockResults
import Foundation
import Testing

@Suite("Metric coding")
struct MetricCodingTests {
    /// `value` encoded with sorted keys, as the result cache writes it.
    func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("A metric is its name and exactly one of count and real, as cache entries have always stored it")
    func layout() throws {
        #expect(try json(Metric("steps", .count(50))) == #"{"count":50,"name":"steps"}"#)
        #expect(try json(Metric("final.x1", .real(324.5))) == #"{"name":"final.x1","real":324.5}"#)
        let decoded = try JSONDecoder().decode([Metric].self, from: Data(#"[{"name":"a","count":3},{"name":"b","real":0.25}]"#.utf8))
        #expect(decoded == [Metric("a", .count(3)), Metric("b", .real(0.25))])
        for damaged in [#"{"name":"a"}"#, #"{"name":"a","count":1,"real":2}"#] {
            #expect(throws: DecodingError.self, "\(damaged)") { try JSONDecoder().decode(Metric.self, from: Data(damaged.utf8)) }
        }
    }

    @Test("A figure reference leaves out the PNG it does not embed")
    func figureWithoutPNG() throws {
        let figure = FigureReference(path: "figures/a-time.png", caption: "x", width: 640, height: 400)
        #expect(try json(figure) == #"{"caption":"x","height":400,"path":"figures\/a-time.png","width":640}"#)
    }

    @Test("A count reads as a real number for sorting and plotting")
    func number() {
        #expect(MetricValue.count(7).number == 7 && MetricValue.real(0.5).number == 0.5)
    }
}
