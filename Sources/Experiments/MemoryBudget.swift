import FileAccess
import Foundation

/// How much a block may allocate and read, and the check each kind makes before it allocates:
/// an estimate of its memory from its options (trajectories × saved points × states, networks,
/// optimiser state, the tape of backpropagation, data), refused with the estimate and what to
/// lower when it exceeds the limit, so that no option value that validates ends in an
/// out-of-memory kill.
public struct MemoryBudget: Sendable, Equatable {
    /// The most bytes a block may need (`--max-memory`; default half the machine's memory).
    public var limit: Int
    /// The largest data file a block may read (`--max-data-size`; default 100 MB).
    public var dataSizeLimit: Int

    /// Half of the machine's memory.
    public static var defaultLimit: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory / 2) }
    /// 100 MB.
    public static let defaultDataSizeLimit = 100_000_000

    /// A budget of `limit` bytes of memory and `dataSizeLimit` bytes of data.
    public init(limit: Int = MemoryBudget.defaultLimit, dataSizeLimit: Int = MemoryBudget.defaultDataSizeLimit) {
        self.limit = limit
        self.dataSizeLimit = dataSizeLimit
    }

    /// Refuses, at `position`, a block whose parts (name and bytes) add up to more than the limit.
    public func check(_ parts: [(String, Double)], advice: String, at position: SourcePosition) throws(OptionError) {
        let total = parts.map(\.1).reduce(0, +)
        guard total > Double(limit) else { return }
        let shown = parts.filter { $0.1 >= total / 100 }.sorted { $0.1 > $1.1 }
            .map { "\($0.0) \(ByteCount.text(Int(clamping: Int64(min($0.1, 9e18)))))" }.joined(separator: ", ")
        throw OptionError("the block would need about \(ByteCount.text(Int(clamping: Int64(min(total, 9e18))))) (\(shown)), more than the limit of \(ByteCount.text(limit)) (--max-memory); \(advice)",
                          at: position)
    }

    /// `100MB`, `2G`, `512k`, `1e9`: a size in bytes with an optional unit (k, M, G, T; powers of 1000).
    public static func parseSize(_ text: String) -> Int? {
        var digits = text.trimmingCharacters(in: .whitespaces)
        if digits.hasSuffix("B") || digits.hasSuffix("b") { digits.removeLast() }
        var factor = 1.0
        if let unit = digits.last, let scale = ["k": 1e3, "K": 1e3, "M": 1e6, "m": 1e6, "G": 1e9, "g": 1e9, "T": 1e12, "t": 1e12][unit] {
            factor = scale
            digits.removeLast()
        }
        guard let value = OptionSchema.parseNumber(digits), value > 0, value * factor < 9e18 else { return nil }
        return Int(value * factor)
    }
}
