import Foundation
import Testing
@testable import Experiments

private func scalar(_ text: String, line: Int = 2, plain: Bool = true) -> OptionNode {
    .scalar(text, plain: plain, position: SourcePosition(line: line, column: 4))
}

private func body(_ entries: [(String, OptionNode)]) -> OptionNode {
    .mapping(entries.enumerated().map { index, entry in
        OptionEntry(key: entry.0, keyPosition: SourcePosition(line: index + 2, column: 1), value: entry.1)
    }, position: SourcePosition(line: 2, column: 1))
}

private func decodeErrors(_ node: OptionNode) -> [OptionError] {
    do {
        _ = try SpeciesKind.schema.decode(node, blockLine: 1, defaults: ["id": .text("competition")])
        return []
    } catch {
        return error.errors
    }
}

@Suite("Option schema")
struct SchemaTests {
    @Test("Defaults fill every option")
    func defaults() throws {
        let options = try SpeciesKind.schema.decode(nil, blockLine: 3, defaults: ["id": .text("species-1")])
        #expect(options.id == "species-1")
        #expect(options[SystemOptionSet.steps] == 1000)
        #expect(options[SystemOptionSet.stepSize] == 0.1)
        #expect(options[SystemOptionSet.plot].map(\.kind) == ["time", "phase"])
        #expect(options[SpeciesKind.params]["iN2"] == 0.003)
        #expect(options[CommonOptions.cache] == true)
        #expect(options[CommonOptions.timeout] == nil)
        #expect(options.line(of: "steps") == 3)
    }

    @Test("Written keys keep their lines")
    func keyLines() throws {
        let options = try SpeciesKind.schema.decode(body([("h", scalar("0.5")), ("steps", scalar("20"))]), blockLine: 1)
        #expect(options.line(of: "h") == 2)
        #expect(options.line(of: "steps") == 3)
        #expect(options[SystemOptionSet.steps] == 20)
    }

    @Test("A misspelled key gets a suggestion and its line")
    func misspelledKey() {
        let errors = decodeErrors(body([("h", scalar("0.1")), ("step", scalar("10"))]))
        #expect(errors == [OptionError("unknown key 'step' in {species} block 'competition'; did you mean 'steps'?",
                                       at: SourcePosition(line: 3, column: 1))])
    }

    @Test("An unknown key with no close match lists the keys")
    func unknownKey() {
        let errors = decodeErrors(body([("zzzzzz", scalar("1"))]))
        #expect(errors.count == 1)
        #expect(errors[0].message.contains("(keys: id, caption, seed"))
    }

    @Test("Out-of-range and mistyped values name the key and the expected type", arguments: [
        ("steps", "-5", "'steps' in {species} block 'competition' must be an integer ≥ 1, not '-5'"),
        ("steps", "2.5", "'steps' in {species} block 'competition' must be an integer ≥ 1, not '2.5'"),
        ("h", "0", "'h' in {species} block 'competition' must be a number > 0, not '0'"),
        ("h", "abc", "'h' in {species} block 'competition' must be a number > 0, not 'abc'"),
        ("cache", "maybe", "'cache' in {species} block 'competition' must be true or false, not 'maybe'"),
        ("solver", "eular", "'solver' in {species} block 'competition' must be one of euler, midpoint, heun, rk4, bosh3, dopri5, tsit5, dop853, rodas4, not 'eular'; did you mean 'euler'?"),
    ])
    func badValues(key: String, value: String, message: String) {
        let errors = decodeErrors(body([(key, scalar(value))]))
        #expect(errors.map(\.message) == [message])
    }

    @Test("Quoted numbers are text, not numbers")
    func quotedNumber() {
        #expect(decodeErrors(body([("h", scalar("0.1", plain: false))])).count == 1)
    }

    @Test("Integers may be written 1e3")
    func integerNotation() throws {
        let options = try SpeciesKind.schema.decode(body([("steps", scalar("1e3"))]), blockLine: 1)
        #expect(options[SystemOptionSet.steps] == 1000)
    }

    @Test("Maps merge with their defaults and reject unknown entries")
    func records() throws {
        let params = OptionNode.mapping([
            OptionEntry(key: "r1", keyPosition: SourcePosition(line: 2), value: scalar("0.5")),
        ], position: SourcePosition(line: 2))
        let options = try SpeciesKind.schema.decode(body([("params", params)]), blockLine: 1)
        #expect(options[SpeciesKind.params] == ["r1": 0.5, "r2": 0.3, "a1": 1e-4, "a2": 2e-4, "iN1": 0.002, "iN2": 0.003])
        let wrong = OptionNode.mapping([
            OptionEntry(key: "r3", keyPosition: SourcePosition(line: 5), value: scalar("0.5")),
        ], position: SourcePosition(line: 5))
        let errors = decodeErrors(body([("params", wrong)]))
        #expect(errors.map(\.message) == ["unknown key 'r3' in 'params' of {species} block 'competition'; did you mean 'r1'?"])
        #expect(errors.map(\.position.line) == [5])
    }

    @Test("A single word is a list of one where lists of words are expected")
    func singleAsList() throws {
        let options = try SpeciesKind.schema.decode(body([("plot", scalar("phase"))]), blockLine: 1)
        #expect(options[SystemOptionSet.plot].map(\.kind) == ["phase"])
    }

    @Test("Columns must have equal lengths")
    func columnLengths() {
        let data = OptionNode.mapping([
            OptionEntry(key: "t", keyPosition: SourcePosition(line: 3), value: .sequence([scalar("0"), scalar("1")], position: SourcePosition(line: 3))),
            OptionEntry(key: "x1", keyPosition: SourcePosition(line: 4), value: .sequence([scalar("1")], position: SourcePosition(line: 4))),
        ], position: SourcePosition(line: 3))
        let errors = decodeErrors(body([("data", data)]))
        #expect(errors.map(\.position.line) == [4])
        #expect(errors.first?.message.contains("same length") == true)
    }

    @Test("Values render back as YAML")
    func yaml() {
        #expect(OptionValue.record([RecordField("r1", .number(0.1)), RecordField("steps", .integer(3))]).yaml == "{r1: 0.1, steps: 3}")
        #expect(OptionValue.list([.text("time"), .text("a: b")]).yaml == "[time, \"a: b\"]")
        #expect(OptionValue.number(1e-7).yaml == "1e-07")
    }

    @Test("Ids are lowercase letters, digits and dashes")
    func identifiers() {
        #expect(OptionSchema.isIdentifier("spiral-main-2"))
        #expect(!OptionSchema.isIdentifier("Spiral"))
        #expect(!OptionSchema.isIdentifier("a_b"))
        #expect(!OptionSchema.isIdentifier("-a"))
        #expect(!OptionSchema.isIdentifier(""))
    }
}
