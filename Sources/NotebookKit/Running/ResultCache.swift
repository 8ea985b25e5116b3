import Crypto
import FileAccess
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
        let result: Result<RenderedBlock, EntryProblem>
        do {
            result = Self.decode(try RegularFile.read(url.path), expecting: key)
        } catch {
            if error == .missing { return .miss }
            result = .failure(EntryProblem("it \(error.explanation)"))
        }
        switch result {
        case let .success(block):
            return .hit(block)
        case let .failure(problem):
            // The entry is inside notebook's own cache folder: removing it loses nothing.
            let removal: String
            do {
                try FileOperations.remove(url.path)
                removal = ""
            } catch {
                removal = " (and it could not be removed: \(error.reason))"
            }
            return .corrupt("ignored the cache entry \(url.path): \(problem.reason)\(removal)")
        }
    }

    /// Whether a trustworthy entry for `key` is stored (read and checked; nothing is removed).
    func holds(_ key: CacheKey) -> Bool {
        guard let data = try? RegularFile.read(entryURL(key).path) else { return false }
        if case .success = Self.decode(data, expecting: key) { return true }
        return false
    }

    /// Stores `block` under `key`, replacing any entry there; the cache folder is made (with its
    /// `CACHEDIR.TAG`) when it is missing.
    func store(_ block: RenderedBlock, under key: CacheKey) throws(FileSystemError) {
        try prepareFolder()
        let entry: Data
        do { entry = try Self.encode(block, key: key) } catch {
            throw FileSystemError("encode the entry for", entryURL(key).path, code: EINVAL)
        }
        try FileOperations.writeAtomically(entry, to: entryURL(key).path)
    }

    /// Makes the cache folder and its tag when either is missing.
    func prepareFolder() throws(FileSystemError) {
        try FileOperations.createFolder(directory.path)
        let tag = directory.appendingPathComponent(OutputFolder.cacheTagName).path
        if FileKind.of(tag, followingLinks: false) == .missing {
            try FileOperations.writeAtomically(OutputFolder.cacheTagContents, to: tag)
        }
    }

    /// The bytes of an entry.
    static func encode(_ block: RenderedBlock, key: CacheKey) throws -> Data {
        var manifest = block
        manifest.files = block.files.map { RenderedBlock.File(path: $0.path, contents: Data()) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
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
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let keyBytes = reader.next(), String(decoding: keyBytes, as: UTF8.self) == key.text else {
            return .failure(EntryProblem("it holds the result of another key"))
        }
        guard let manifestBytes = reader.next(),
              var block = try? decoder.decode(RenderedBlock.self, from: Data(manifestBytes)) else {
            return .failure(EntryProblem("its block does not decode"))
        }
        for index in block.files.indices {
            guard let contents = reader.next() else { return .failure(EntryProblem("a file of the block is missing")) }
            block.files[index].contents = Data(contents)
        }
        guard reader.isAtEnd else { return .failure(EntryProblem("it has bytes after the block's files")) }
        guard block.files.allSatisfy({ isReportFilePath($0.path) }),
              block.figures.allSatisfy({ isReportFilePath($0.path) }), block.dataFiles.allSatisfy(isReportFilePath) else {
            return .failure(EntryProblem("it names a file outside the report's figures/ and data/ folders"))
        }
        return .success(block)
    }

    /// Whether `path` is where a block's files go: `figures/<name>` or `data/<name>`, one plain name.
    static func isReportFilePath(_ path: String) -> Bool {
        guard let relative = RelativePath(path), relative.components.count == 2 else { return false }
        return relative.components[0] == "figures" || relative.components[0] == "data"
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
