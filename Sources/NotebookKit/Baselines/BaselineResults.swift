import FileAccess
import Foundation

/// The `results.json` of a baseline report (or of one sweep point's report): each block's metrics
/// and figures, and the folder its figures are read from.
struct BaselineResults: Sendable {
    /// One block of the baseline.
    struct Block: Sendable {
        var id: String
        var line: Int
        /// Metrics in the order the baseline lists them; `nil` where it stored no finite number.
        var metrics: [(name: String, value: Double?)]
        /// Figure paths, relative to the report folder.
        var figures: [String]
    }

    /// The file read, as shown in messages.
    var shownPath: String
    /// The report folder the file sits in (its figures are under it).
    var folder: URL
    /// The notebook path the baseline's report was written from.
    var notebook: String
    var blocks: [Block]
    /// SHA-256 of each figure, by path, for a baseline that keeps checksums instead of the images
    /// (`notebook baseline --no-figures` writes them to `figures.sha256`, in `sha256sum`'s format).
    var figureDigests = [String: String]()

    /// The name of the checksum file beside results.json.
    static let digestsName = "figures.sha256"

    /// The block called `id`.
    func block(_ id: String) -> Block? { blocks.first { $0.id == id } }

    /// Reads `file` (a `results.json`), shown as `shown` in messages.
    static func read(_ file: URL, shown: String) throws(BaselineError) -> BaselineResults {
        let data: Data
        do { data = try RegularFile.read(file.path) } catch {
            throw BaselineError("\(shown): the baseline \(error.explanation)")
        }
        // JSONDecoder, not JSONSerialization: the latter rounds some doubles on Linux
        // (250.44159838838578 reads back as 250.44159838838567).
        let results: ResultsFile
        do { results = try JSONDecoder().decode(ResultsFile.self, from: data) } catch {
            throw BaselineError("\(shown): not a results.json of a notebook report (\(Self.reason(error)))")
        }
        let parsed = results.blocks.map { block in
            Block(id: block.id, line: block.line ?? 0,
                  metrics: (block.metrics?.values ?? [:]).sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) },
                  figures: block.figures ?? [])
        }
        var read = BaselineResults(shownPath: shown, folder: file.deletingLastPathComponent(),
                                   notebook: results.notebook ?? "", blocks: parsed)
        let digests = file.deletingLastPathComponent().appendingPathComponent(digestsName)
        if let text = try? RegularFile.read(digests.path) {
            for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
                // "<64 hex>  <path>"
                let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
                guard parts.count == 2, parts[0].count == 64 else { continue }
                read.figureDigests[parts[1].trimmingCharacters(in: .whitespaces)] = String(parts[0]).lowercased()
            }
        }
        return read
    }

    /// What JSONDecoder found wrong, in a few words.
    private static func reason(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return "no \"\(key.stringValue)\"" + where_(context)
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "unexpected value" + where_(context)
        case let DecodingError.dataCorrupted(context):
            return context.codingPath.isEmpty ? "not JSON" : "damaged value" + where_(context)
        default:
            return "unreadable"
        }
    }

    private static func where_(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "" : " at \(path)"
    }

    /// The parts of results.json a baseline needs.
    private struct ResultsFile: Decodable {
        var notebook: String?
        var blocks: [BlockEntry]
    }

    private struct BlockEntry: Decodable {
        var id: String
        var line: Int?
        var metrics: MetricValues?
        var figures: [String]?
    }

    /// A metrics object: names to numbers, `null` for a value that was not finite.
    private struct MetricValues: Decodable {
        var values: [String: Double?]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            var values = [String: Double?]()
            for key in container.allKeys {
                values[key.stringValue] = try container.decodeNil(forKey: key) ? .some(nil) : container.decode(Double.self, forKey: key)
            }
            self.values = values
        }
    }
}

/// A baseline that cannot be used: said in one line, and the run exits with status 2.
struct BaselineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
