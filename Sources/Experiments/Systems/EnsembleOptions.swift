import Expressions
import Foundation
import Learning

/// The `ensemble:` section of `{ode}` and `{species}` and its `ensemble_step` (docs/format.md §3),
/// declared once for both.
enum EnsembleOptions {
    static let spec = OptionSpec("ensemble", .record([
        OptionSpec("n", .integer(minimum: 1, maximum: maximumMembers), default: .integer(100), "number of members"),
        OptionSpec("initial", .map(.distribution), default: .record([]), "the distribution of each state's initial value (default: initial)"),
        OptionSpec("params", .map(.distribution), default: .record([]), "the distribution of each parameter (default: params)"),
        OptionSpec("seed", .integer(minimum: 0, maximum: nil), default: nil, "seed of the draws (default: the block's seed)"),
    ]), default: nil,
    "solve many members whose initial values and parameters are drawn at random: quantile bands over time, final-state histograms and statistics")
    static let step = Option<String>.choice(
        "ensemble_step", ["each", "shared"], default: "each",
        "with ensemble, each: every member takes its own adaptive steps; shared: the members are solved as one system with one step")

    /// The most members a block may have.
    static let maximumMembers = 1_000_000

    /// The decoded section, with names checked against the model's.
    struct Settings: Sendable {
        /// Number of members.
        var members: Int
        /// One distribution per state, in state order.
        var initial: [Distribution]
        /// One distribution per parameter, in parameter order.
        var parameters: [Distribution]
        /// The seed of the draws.
        var seed: UInt64
        /// Whether the members share one step (solved as one system).
        var sharedStep: Bool
        /// The CSV files the columns come from.
        var files: [URL]

        /// The members' initial states (`members × states`) and parameters (`members ×
        /// parameters`), drawn member by member, states then parameters, from one generator.
        func draw() -> (initial: [Double], parameters: [Double]) {
            var generator = SeededGenerator(seed: seed)
            var states = [Double](), values = [Double]()
            states.reserveCapacity(members * initial.count)
            values.reserveCapacity(members * parameters.count)
            for _ in 0..<members {
                for distribution in initial { states.append(distribution.draw(using: &generator)) }
                for distribution in parameters { values.append(distribution.draw(using: &generator)) }
            }
            return (states, values)
        }
    }

    /// Reads the section; `states`/`initial` and `parameterNames`/`parameters` are the model's
    /// names and values (what a member takes when the section leaves one out).
    static func settings(_ options: ResolvedOptions, context: BlockContext, states: [String], initial: [Double],
                         parameterNames: [String], parameters: [Double]) throws(OptionError) -> Settings? {
        let shared = options[step] == "shared"
        guard let value = options.value(named: "ensemble"), value != .null else {
            if options.keyLines["ensemble_step"] != nil {
                throw OptionError("'ensemble_step' applies to an ensemble: add ensemble: {n: N, initial: {...}, params: {...}}, or remove it",
                                  at: options.position(of: "ensemble_step"))
            }
            return nil
        }
        var files = [URL]()
        func distributions(_ section: String, names: [String], defaults: [Double], what: String) throws(OptionError) -> [Distribution] {
            var result = defaults.map { Distribution.fixed($0) }
            guard case let .record(fields)? = value[field: section] else { return result }
            for field in fields {
                let key = "ensemble.\(section).\(field.name)"
                let position = options.position(of: key)
                guard let index = names.firstIndex(of: field.name) else {
                    throw OptionError("'ensemble.\(section)' names '\(field.name)', which is not \(what)" + Suggestion.didYouMean(field.name, in: names),
                                      at: position)
                }
                switch field.value {
                case let .text(text):
                    switch Distribution.parse(text, key: key) {
                    case let .success(distribution): result[index] = distribution
                    case let .failure(error): throw OptionError(error.message, at: position)
                    }
                case let .record(pair):
                    guard case let .text(path)? = pair.first(where: { $0.name == "csv" })?.value,
                          case let .text(column)? = pair.first(where: { $0.name == "column" })?.value else {
                        throw OptionError("'\(key)' must be \(Distribution.forms)", at: position)
                    }
                    let url = try context.dataFile(path, option: "\(key).csv", at: options.position(of: "\(key).csv"))
                    let table: CSVTable
                    do { table = try CSVTable.read(url, sizeLimit: context.budget.dataSizeLimit) } catch {
                        throw OptionError("'\(key).csv': \(error.description)", at: options.position(of: "\(key).csv"))
                    }
                    let names = table.columns.map(\.name)
                    guard let found = table.columns.first(where: { $0.name == column }) else {
                        throw OptionError("'\(key).column': \(url.lastPathComponent) has no column '\(column)' (columns: \(names.joined(separator: ", ")))"
                                          + Suggestion.didYouMean(column, in: names), at: options.position(of: "\(key).column"))
                    }
                    let values = found.values.compactMap { $0 }.filter(\.isFinite)
                    guard !values.isEmpty else {
                        throw OptionError("'\(key).column': column '\(column)' of \(url.lastPathComponent) has no numbers", at: options.position(of: "\(key).column"))
                    }
                    files.append(url)
                    result[index] = .resampled(values)
                default:
                    throw OptionError("'\(key)' must be \(Distribution.forms)", at: position)
                }
            }
            return result
        }
        let initialDistributions = try distributions("initial", names: states, defaults: initial, what: "a state")
        let parameterDistributions = try distributions("params", names: parameterNames, defaults: parameters, what: "a parameter")
        var members = 100
        if case let .integer(count)? = value[field: "n"] { members = count }
        var seed = UInt64(max(options[CommonOptions.seed], 0))
        if case let .integer(given)? = value[field: "seed"] { seed = UInt64(max(given, 0)) }
        return Settings(members: members, initial: initialDistributions, parameters: parameterDistributions, seed: seed,
                        sharedStep: shared, files: files)
    }
}
