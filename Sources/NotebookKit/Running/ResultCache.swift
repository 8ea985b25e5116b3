import Crypto
import Foundation

/// Blocks' rendered results kept between runs under `DIR/.cache`, one file per cache key.
///
/// An entry holds the full key text and the rendered block (figures as PNG bytes, CSVs, metrics,
/// tables, log), so a hit draws nothing. Its layout:
///
/// ```
/// notebook result cache 1\n
/// <SHA-256 of everything below, hex>\n
/// <byte count>\n<key text>
/// <byte count>\n<the block as JSON, file contents left out>
/// <byte count>\n<contents of the block's first file> ... one per file, in order
/// ```
///
/// An entry is written to a temporary file and renamed into place, so a reader sees a whole entry
/// or none. One that is unreadable, fails its checksum, holds another key or does not decode is
/// never trusted: the lookup reports it as corrupt and removes it.
struct ResultCache: Sendable {
    /// The outcome of a lookup.
    enum Lookup: Sendable, Equatable {
        /// The stored result of the key.
        case hit(RenderedBlock)
        /// Nothing stored for the key.
        case miss
        /// An entry was there but could not be trusted (the reason says why); it was removed.
        case corrupt(String)
    }

    /// The cache folder (`DIR/.cache`).
    let directory: URL

    /// The first line of every entry: the layout's name and version.
    static let header = "notebook result cache 1\n"

    /// The cache under the output folder `outputDirectory`.
    init(outputDirectory: URL) {
        directory = outputDirectory.appendingPathComponent(".cache")
    }

    /// The file of the entry for `key`.
    func entryURL(_ key: CacheKey) -> URL {
        directory.appendingPathComponent("\(key.digest).result")
    }

    /// The result stored under `key`, if one is and it can be trusted.
    func lookup(_ key: CacheKey) -> Lookup {
        let url = entryURL(key)
        guard FileManager.default.fileExists(atPath: url.path) else { return .miss }
        let result: Result<RenderedBlock, EntryProblem>
        if let data = FileManager.default.contents(atPath: url.path) {
            result = Self.decode(data, expecting: key)
        } else {
            result = .failure(EntryProblem("it cannot be read"))
        }
        switch result {
        case let .success(block):
            return .hit(block)
        case let .failure(problem):
            try? FileManager.default.removeItem(at: url)
            return .corrupt("ignored the cache entry \(url.path): \(problem.reason)")
        }
    }

    /// Stores `block` under `key`, replacing any entry there.
    func store(_ block: RenderedBlock, under key: CacheKey) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.encode(block, key: key).write(to: entryURL(key), options: .atomic)
    }

    /// The bytes of an entry.
    static func encode(_ block: RenderedBlock, key: CacheKey) throws -> Data {
        var manifest = block
        manifest.files = block.files.map { RenderedBlock.File(path: $0.path, contents: Data()) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var body = Data()
        func append(_ chunk: Data) {
            body.append(contentsOf: "\(chunk.count)\n".utf8)
            body.append(chunk)
        }
        append(Data(key.text.utf8))
        append(try encoder.encode(manifest))
        for file in block.files { append(file.contents) }
        var entry = Data(header.utf8)
        entry.append(contentsOf: (CacheKey.hex(SHA256.hash(data: body)) + "\n").utf8)
        entry.append(body)
        return entry
    }

    /// The block an entry holds, after checking its layout, checksum and key.
    static func decode(_ data: Data, expecting key: CacheKey) -> Result<RenderedBlock, EntryProblem> {
        let bytes = [UInt8](data)
        let headerBytes = Array(header.utf8)
        let checksumLength = 2 * SHA256.byteCount
        let bodyStart = headerBytes.count + checksumLength + 1
        guard bytes.count >= bodyStart, Array(bytes[0..<headerBytes.count]) == headerBytes else {
            return .failure(EntryProblem("it is not a cache entry of this layout"))
        }
        guard bytes[bodyStart - 1] == UInt8(ascii: "\n") else { return .failure(EntryProblem("its checksum line is damaged")) }
        let stored = String(decoding: bytes[headerBytes.count..<(bodyStart - 1)], as: UTF8.self)
        let body = bytes[bodyStart...]
        guard CacheKey.hex(SHA256.hash(data: body)) == stored else {
            return .failure(EntryProblem("its checksum does not match its contents (truncated or changed)"))
        }
        var reader = ChunkReader(bytes: body)
        guard let keyBytes = reader.next(), String(decoding: keyBytes, as: UTF8.self) == key.text else {
            return .failure(EntryProblem("it holds the result of another key"))
        }
        guard let manifestBytes = reader.next(),
              var block = try? JSONDecoder().decode(RenderedBlock.self, from: Data(manifestBytes)) else {
            return .failure(EntryProblem("its block does not decode"))
        }
        for index in block.files.indices {
            guard let contents = reader.next() else { return .failure(EntryProblem("a file of the block is missing")) }
            block.files[index].contents = Data(contents)
        }
        guard reader.isAtEnd else { return .failure(EntryProblem("it has bytes after the block's files")) }
        return .success(block)
    }

    /// Why an entry cannot be trusted.
    struct EntryProblem: Error, Sendable, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Reads `<byte count>\n<bytes>` chunks one after another.
    private struct ChunkReader {
        let bytes: ArraySlice<UInt8>
        var position: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            position = bytes.startIndex
        }

        var isAtEnd: Bool { position == bytes.endIndex }

        /// The next chunk, or `nil` when the length line or the chunk is malformed or cut short.
        mutating func next() -> ArraySlice<UInt8>? {
            var count = 0, digits = 0
            while position < bytes.endIndex, bytes[position] != UInt8(ascii: "\n") {
                let byte = bytes[position]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 12 else { return nil }
                count = count * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                position += 1
            }
            guard digits > 0, position < bytes.endIndex else { return nil }
            position += 1
            guard bytes.endIndex - position >= count else { return nil }
            defer { position += count }
            return bytes[position..<(position + count)]
        }
    }
}
