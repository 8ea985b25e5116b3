import Expressions
import Foundation
import Learning

/// Where one initial value or parameter of an ensemble's members comes from: a fixed number, a
/// distribution written as a call, or the values of a CSV column resampled.
enum Distribution: Sendable, Equatable {
    /// Every member takes `value`.
    case fixed(Double)
    /// Uniform on `[low, high]`.
    case uniform(low: Double, high: Double)
    /// Normal with mean `mean` and standard deviation `sigma` (> 0).
    case normal(mean: Double, sigma: Double)
    /// exp of a normal with mean `mu` and standard deviation `sigma` (> 0) (numpy's `lognormal`).
    case lognormal(mu: Double, sigma: Double)
    /// A value of the column drawn uniformly at random (with replacement).
    case resampled([Double])

    /// The distributions written as calls, with their parameters.
    static let calls: [(name: String, parameters: [String])] = [
        ("fixed", ["v"]), ("uniform", ["a", "b"]), ("normal", ["mu", "sigma"]), ("lognormal", ["mu", "sigma"]),
    ]

    /// What a value may be, for messages.
    static let forms = "a number, fixed(v), uniform(a, b), normal(mu, sigma), lognormal(mu, sigma) or {csv: path, column: name}"

    /// Reads `text` (a number or a call such as `uniform(50, 150)`); the message of a failure
    /// starts with `'key'`.
    static func parse(_ text: String, key: String) -> Result<Distribution, DistributionError> {
        let written = text.trimmingCharacters(in: .whitespaces)
        if let number = Self.number(written) { return .success(.fixed(number)) }
        guard let open = written.firstIndex(of: "("), written.hasSuffix(")") else {
            return .failure(DistributionError("'\(key)' must be \(forms), not '\(written)'"))
        }
        let name = written[..<open].trimmingCharacters(in: .whitespaces)
        guard let call = calls.first(where: { $0.name == name }) else {
            let advice = Suggestion.didYouMean(name, in: calls.map(\.name))
            return .failure(DistributionError("'\(key)': unknown distribution '\(name)'"
                + (advice.isEmpty ? " (distributions: \(calls.map(\.name).joined(separator: ", ")))" : advice)))
        }
        let inside = written[written.index(after: open)..<written.index(before: written.endIndex)]
        let pieces = inside.trimmingCharacters(in: .whitespaces).isEmpty
            ? [] : inside.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let signature = "\(name)(\(call.parameters.joined(separator: ", ")))"
        guard pieces.count == call.parameters.count else {
            let count = call.parameters.count
            return .failure(DistributionError("'\(key)': \(signature) takes \(count) argument\(count == 1 ? "" : "s"), not \(pieces.count)"))
        }
        var arguments = [Double]()
        for (index, piece) in pieces.enumerated() {
            guard let value = Self.number(piece) else {
                return .failure(DistributionError("'\(key)': the \(call.parameters[index]) of \(signature) must be a number, not '\(piece)'"))
            }
            arguments.append(value)
        }
        switch name {
        case "fixed": return .success(.fixed(arguments[0]))
        case "uniform":
            guard arguments[0] <= arguments[1] else {
                return .failure(DistributionError("'\(key)': \(signature) needs a ≤ b, not \(OptionValue.format(arguments[0])) > \(OptionValue.format(arguments[1]))"))
            }
            return .success(.uniform(low: arguments[0], high: arguments[1]))
        default:
            guard arguments[1] > 0 else {
                return .failure(DistributionError("'\(key)': the sigma of \(signature) must be > 0, not \(OptionValue.format(arguments[1]))"))
            }
            if name == "normal" { return .success(.normal(mean: arguments[0], sigma: arguments[1])) }
            guard arguments[0] + 3 * arguments[1] < 700 else {
                return .failure(DistributionError("'\(key)': \(signature) draws values beyond the largest number (exp(700)): lower mu or sigma"))
            }
            return .success(.lognormal(mu: arguments[0], sigma: arguments[1]))
        }
    }

    /// A finite number in any common notation.
    private static func number(_ text: String) -> Double? {
        guard !text.isEmpty, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Whether every member takes the same value.
    var isFixed: Bool {
        if case .fixed = self { return true }
        return false
    }

    /// One draw. A fixed value uses no random numbers; the others one or two.
    func draw(using generator: inout SeededGenerator) -> Double {
        switch self {
        case let .fixed(value): return value
        case let .uniform(low, high): return low + (high - low) * generator.nextUniform()
        case let .normal(mean, sigma): return generator.nextNormal(mean: mean, standardDeviation: sigma)
        case let .lognormal(mu, sigma): return exp(generator.nextNormal(mean: mu, standardDeviation: sigma))
        case let .resampled(values):
            guard !values.isEmpty else { return .nan }
            return values[min(Int(generator.nextUniform() * Double(values.count)), values.count - 1)]
        }
    }

    /// How the log describes the distribution.
    var summary: String {
        switch self {
        case let .fixed(value): return OptionValue.format(value)
        case let .uniform(low, high): return "uniform(\(OptionValue.format(low)), \(OptionValue.format(high)))"
        case let .normal(mean, sigma): return "normal(\(OptionValue.format(mean)), \(OptionValue.format(sigma)))"
        case let .lognormal(mu, sigma): return "lognormal(\(OptionValue.format(mu)), \(OptionValue.format(sigma)))"
        case let .resampled(values): return "resampled from \(values.count) values"
        }
    }
}

/// Why a distribution cannot be read: the message, naming the key.
struct DistributionError: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}
