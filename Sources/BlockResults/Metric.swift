/// A named scalar result of a block (`final.x1`, `nfe`), kept as the number it is until a page or
/// `results.json` formats it.
///
/// Encoded as `{"name": …, "count": 3}` or `{"name": …, "real": 1.5}`.
public struct Metric: Sendable, Equatable {
    /// Dotted name (`final.x1`, `nfe`).
    public var name: String
    /// The value.
    public var value: MetricValue

    /// Creates a metric.
    public init(_ name: String, _ value: MetricValue) {
        self.name = name
        self.value = value
    }
}

extension Metric: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, count, real
    }

    /// Decodes a metric from its name and exactly one of `count` and `real`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        let count = try container.decodeIfPresent(Int.self, forKey: .count)
        let real = try container.decodeIfPresent(Double.self, forKey: .real)
        switch (count, real) {
        case let (count?, nil): value = .count(count)
        case let (nil, real?): value = .real(real)
        default:
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath, debugDescription: "a metric has exactly one of 'count' and 'real'"))
        }
    }

    /// Encodes the name and the value under `count` or `real`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        switch value {
        case let .count(count): try container.encode(count, forKey: .count)
        case let .real(real): try container.encode(real, forKey: .real)
        }
    }
}
