import Experiments
import Expressions
import FileAccess
import Foundation

/// What to load: the notebooks of one command and everything on its command line that changes
/// them.
public struct LoadRequest: Sendable {
    /// Notebook files as the user gave them.
    public var paths: [String]
    /// `-p KEY=VALUE` texts.
    public var overrides: [String]
    /// `--sweep KEY=LIST` texts.
    public var sweeps: [String]
    /// `--sweep-mode`, when given (it wins over the front matter's `sweep_mode`).
    public var sweepMode: String?
    /// `--max-points`: the most points one notebook's sweep may have.
    public var maxPoints: Int
    /// Pass raw HTML in the prose through instead of escaping it.
    public var allowHTML: Bool
    /// `--allow-read` places: folders or files outside the notebooks' projects that data files and
    /// images may come from.
    public var allowRead: [String]
    /// What a block may allocate and read (`--max-memory`, `--max-data-size`).
    public var budget: MemoryBudget

    /// The default limit on a sweep's points.
    public static let defaultMaxPoints = 1000

    /// Creates a request.
    public init(paths: [String], overrides: [String] = [], sweeps: [String] = [], sweepMode: String? = nil,
                maxPoints: Int = LoadRequest.defaultMaxPoints, allowHTML: Bool = false, allowRead: [String] = [],
                budget: MemoryBudget = MemoryBudget()) {
        self.budget = budget
        self.paths = paths
        self.overrides = overrides
        self.sweeps = sweeps
        self.sweepMode = sweepMode
        self.maxPoints = maxPoints
        self.allowHTML = allowHTML
        self.allowRead = allowRead
    }
}

/// A notebook as a run sees it: one resolved notebook per sweep point (a notebook without a sweep
/// has one point, unnamed).
public struct SweptNotebook: Sendable {
    /// One point: its name and values (`nil` without a sweep) and the notebook resolved there.
    public struct Point: Sendable {
        /// The sweep point, `nil` for a notebook without a sweep.
        let sweep: SweepPoint?
        /// The notebook with the point's values applied.
        public let notebook: Notebook

        /// The point's name (`lr=0.001`), `nil` without a sweep.
        public var name: String? { sweep?.name }
    }

    /// The notebook without sweep values (the `-p` overrides applied).
    public let base: Notebook
    /// The sweep's axes, in order; empty without a sweep.
    let axes: [SweepAxis]
    /// How the axes combine.
    let mode: SweepMode
    /// The points, in the order of the product (one unnamed point without a sweep).
    public let points: [Point]

    /// Whether the notebook is swept.
    public var isSwept: Bool { !axes.isEmpty }
}

/// Reads, parses and validates the notebooks of one run, applying its `-p` overrides and expanding
/// its sweeps. Nothing is run: this is all of `notebook check`, and the first stage of
/// `notebook run` and `notebook plan`.
///
/// Each notebook is parsed once; its blocks are then resolved for each sweep point, and a block
/// that no value of the point touches is resolved once and shared by every point.
public enum NotebookLoader {
    /// Loads every notebook with its `-p` overrides and no sweep (the front matter's `sweep:` is
    /// checked but not expanded), or returns every problem found in any of them.
    public static func load(_ paths: [String], overrides: [String] = [], allowHTML: Bool = false,
                            allowRead: [String] = []) -> Result<[Notebook], Diagnostics> {
        let request = LoadRequest(paths: paths, overrides: overrides, allowHTML: allowHTML, allowRead: allowRead)
        return loadSwept(request, expandingSweeps: false).map { $0.map(\.base) }
    }

    /// Loads every notebook and expands its sweep (the front matter's and `--sweep`), or returns
    /// every problem found.
    public static func loadSwept(_ request: LoadRequest, expandingSweeps: Bool = true) -> Result<[SweptNotebook], Diagnostics> {
        var diagnostics = [Diagnostic]()
        var overrides = [Override]()
        for text in request.overrides {
            do { overrides.append(try Override(parsing: text)) } catch { diagnostics.append(error) }
        }
        var commandLineAxes = [SweepAxis]()
        if expandingSweeps {
            for text in request.sweeps {
                do {
                    let axis = try SweepAxis.parse(commandLine: text)
                    if commandLineAxes.contains(where: { $0.key == axis.key }) {
                        diagnostics.append(Diagnostic(file: nil, message: "--sweep \(text): '\(axis.key)' is swept twice; give each key one list"))
                    } else {
                        commandLineAxes.append(axis)
                    }
                } catch { diagnostics.append(error) }
            }
        }
        var commandLineMode: SweepMode?
        if let text = request.sweepMode {
            if let mode = SweepMode(rawValue: text) { commandLineMode = mode } else {
                diagnostics.append(Diagnostic(file: nil, message: "--sweep-mode \(text): must be grid or zip"))
            }
        }
        if request.maxPoints < 1 {
            diagnostics.append(Diagnostic(file: nil, message: "--max-points must be at least 1 (got \(request.maxPoints))"))
        }
        var allowed = [ReadScope.Place]()
        for argument in request.allowRead {
            do { allowed.append(try ReadScope.allowedPlace(argument)) } catch {
                diagnostics.append(Diagnostic(file: nil, message: error.description))
            }
        }

        var notebooks = [ParsedNotebook]()
        var stems = [String: String]()
        for path in request.paths {
            let source: NotebookSource
            do { source = try NotebookSource.read(path) } catch {
                diagnostics.append(error)
                continue
            }
            if let problem = ReportName.problem(withStem: source.stem) {
                diagnostics.append(Diagnostic(file: path, message: problem))
                continue
            }
            if let other = stems[source.stem] {
                diagnostics.append(Diagnostic(file: path, message: "writes the same report folder '\(source.stem)' as \(other); rename one of them"))
            }
            stems[source.stem] = path
            let scope = ReadScope(notebookDirectory: source.url.deletingLastPathComponent(), allowed: allowed)
            let (notebook, problems) = NotebookParser.parse(source, allowHTML: request.allowHTML, readScope: scope)
            diagnostics += problems
            if let notebook { notebooks.append(notebook) }
        }

        // Default ids (`<kind>-<n>`) first, so overrides can target any block by id.
        let resolvers = notebooks.map { BlockResolver($0, budget: request.budget) }
        let allIDs = Set(resolvers.flatMap(\.ids))

        var matchedOverrides = [Bool](repeating: false, count: overrides.count)
        var matchedAxes = [Bool](repeating: false, count: commandLineAxes.count)
        var results = [SweptNotebook]()
        for resolver in resolvers {
            let path = resolver.notebook.source.path
            for (index, override) in overrides.enumerated() where resolver.matches(override, allIDs: allIDs) {
                matchedOverrides[index] = true
            }
            let (base, baseProblems) = resolver.resolve(overrides, allIDs: allIDs)
            diagnostics += baseProblems

            var axes = expandingSweeps ? resolver.notebook.frontMatter.sweep : []
            for axis in axes where !resolver.matches(axis.override(axis.values[0]), allIDs: allIDs) {
                guard case let .frontMatter(line) = axis.origin else { continue }
                diagnostics.append(Diagnostic(file: path, line: line,
                    message: "'sweep': '\(axis.key)' matches no block of the notebook" + unmatchedAdvice(axis.segments, ids: resolver.ids)))
            }
            for (index, axis) in commandLineAxes.enumerated() where resolver.matches(axis.override(axis.values[0]), allIDs: allIDs) {
                matchedAxes[index] = true
                axes.removeAll { $0.key == axis.key }
                axes.append(axis)
            }
            let mode = commandLineMode ?? resolver.notebook.frontMatter.sweepMode ?? .grid
            guard let resolvedBase = base else { continue }
            guard !axes.isEmpty else {
                results.append(SweptNotebook(base: resolvedBase, axes: [], mode: mode, points: [.init(sweep: nil, notebook: resolvedBase)]))
                continue
            }
            for axis in axes {
                if let clash = overrides.first(where: { $0.key == axis.key }) {
                    diagnostics.append(Diagnostic(file: nil, message: "\(clash.label) and \(axis.label) both set '\(axis.key)'; drop one of them"))
                }
            }
            if mode == .zip, Set(axes.map(\.values.count)).count > 1 {
                let lengths = axes.map { "\($0.key): \($0.values.count) value\($0.values.count == 1 ? "" : "s")" }.joined(separator: ", ")
                diagnostics.append(Diagnostic(file: path, message: "the sweep's lists have different lengths (\(lengths)), so they cannot be zipped; give lists of one length, or use --sweep-mode grid"))
                continue
            }
            let count = SweepPoint.count(of: axes, mode: mode)
            guard count <= request.maxPoints else {
                let size = count == Int.max ? "more than \(Int.max)" : "\(count)"
                diagnostics.append(Diagnostic(file: path, message: "the sweep has \(size) points, more than --max-points \(request.maxPoints); shorten its lists or raise --max-points"))
                continue
            }
            var points = [SweptNotebook.Point]()
            var seen = Set<String>()
            for point in SweepPoint.points(of: axes, mode: mode) {
                let (notebook, problems) = resolver.resolve(overrides + point.overrides, allIDs: allIDs)
                // Every point that gets a value wrong says so once, not once per point.
                for problem in problems where seen.insert(problem.description).inserted { diagnostics.append(problem) }
                if let notebook { points.append(.init(sweep: point, notebook: notebook)) }
            }
            results.append(SweptNotebook(base: resolvedBase, axes: axes, mode: mode, points: points))
        }

        let keys = Set(Kinds.all.flatMap { $0.schema.options.map(\.name) }).sorted()
        for (index, override) in overrides.enumerated() where !matchedOverrides[index] {
            diagnostics.append(unmatched(override.label, segments: override.segments, keys: keys, ids: allIDs, notebookCount: request.paths.count))
        }
        for (index, axis) in commandLineAxes.enumerated() where !matchedAxes[index] {
            diagnostics.append(unmatched(axis.label, segments: axis.segments, keys: keys, ids: allIDs, notebookCount: request.paths.count))
        }
        return diagnostics.isEmpty ? .success(results) : .failure(Diagnostics(ordered(diagnostics, paths: request.paths)))
    }

    /// The error for an override or sweep key that matches no block of any notebook.
    private static func unmatched(_ label: String, segments: [String], keys: [String], ids: Set<String>, notebookCount: Int) -> Diagnostic {
        if segments.count > 1, !keys.contains(segments[0]) {
            // `nope.steps=3`: the first segment can only be meant as a block id.
            let sorted = ids.sorted()
            return Diagnostic(file: nil, override: label,
                message: "matches no block: no block has the id '\(segments[0])'"
                    + Suggestion.didYouMean(segments[0], in: sorted)
                    + (sorted.isEmpty ? "" : " (ids: \(sorted.joined(separator: ", ")))"))
        }
        let key = segments.count > 1 && !keys.contains(segments[0]) ? segments[0] : segments.last!
        var advice = Suggestion.didYouMean(key, in: keys)
        if advice.isEmpty, segments.count > 1 { advice = Suggestion.didYouMean(segments[0], in: Array(ids)) }
        return Diagnostic(file: nil, override: label,
            message: "matches no block: no block of \(notebookCount == 1 ? "the notebook" : "these notebooks") has an option '\(segments.joined(separator: "."))'\(advice)")
    }

    /// "; did you mean ...?" for a front matter sweep key that matches no block.
    private static func unmatchedAdvice(_ segments: [String], ids: [String]) -> String {
        let keys = Set(Kinds.all.flatMap { $0.schema.options.map(\.name) }).sorted()
        let advice = Suggestion.didYouMean(segments.last!, in: keys)
        return advice.isEmpty && segments.count > 1 ? Suggestion.didYouMean(segments[0], in: ids) : advice
    }

    /// Command-line problems first, then each notebook's problems in line order (parsing and
    /// option checks find them in separate passes), keeping the order of equal positions.
    private static func ordered(_ diagnostics: [Diagnostic], paths: [String]) -> [Diagnostic] {
        func rank(_ diagnostic: Diagnostic) -> (Int, Int) {
            guard let file = diagnostic.file else { return (-1, 0) }
            return (paths.firstIndex(of: file) ?? paths.count, diagnostic.line ?? 0)
        }
        return diagnostics.enumerated().sorted { a, b in
            let (rankA, rankB) = (rank(a.element), rank(b.element))
            return rankA != rankB ? rankA < rankB : a.offset < b.offset
        }.map(\.element)
    }
}

/// Resolves the blocks of one parsed notebook under a set of overrides, remembering each block's
/// resolution by the overrides that touch it, so that a sweep resolves a block once per distinct
/// set of values that reach it.
final class BlockResolver {
    let notebook: ParsedNotebook
    /// The id of each block, written or default, in order.
    let ids: [String]
    /// Resolutions by block index and the labels of the overrides applied to the block.
    private var memo = [String: Result<ExperimentBlock, Diagnostics>]()
    /// What each block may allocate and read.
    let budget: MemoryBudget

    init(_ notebook: ParsedNotebook, budget: MemoryBudget = MemoryBudget()) {
        self.notebook = notebook
        self.budget = budget
        var counts = [String: Int]()
        ids = notebook.cells.compactMap { cell in
            guard case let .block(block) = cell else { return nil }
            counts[block.kind.name, default: 0] += 1
            return block.writtenID ?? "\(block.kind.name)-\(counts[block.kind.name]!)"
        }
    }

    /// The raw blocks in order.
    private var blocks: [RawBlock] {
        notebook.cells.compactMap { if case let .block(block) = $0 { return block } else { return nil } }
    }

    /// Whether `override` applies to a block of this notebook (its key is an option of the block,
    /// and its id, when the key names one, is the block's), or names a block of it by id.
    func matches(_ override: Override, allIDs: Set<String>) -> Bool {
        zip(blocks, ids).contains { block, id in
            let target = override.target(blockIDs: allIDs)
            if let targetID = target.blockID { return targetID == id }
            return block.kind.schema.accepts(path: target.path)
        }
    }

    /// The notebook with `overrides` applied to its blocks, and the problems found.
    func resolve(_ overrides: [Override], allIDs: Set<String>) -> (Notebook?, [Diagnostic]) {
        let path = notebook.source.path
        var diagnostics = [Diagnostic]()
        var cells = [NotebookCell]()
        var firstLineOfID = [String: Int]()
        var blockIndex = 0
        for cell in notebook.cells {
            switch cell {
            case let .prose(prose):
                cells.append(.prose(prose))
            case let .block(raw):
                let index = blockIndex
                blockIndex += 1
                switch block(raw, index: index, overrides: overrides, allIDs: allIDs) {
                case let .failure(problems):
                    diagnostics += problems.all
                case let .success(block):
                    if let first = firstLineOfID[block.id] {
                        diagnostics.append(Diagnostic(file: path, line: block.options.line(of: "id"),
                            message: "duplicate id '\(block.id)' (first used by the block at line \(first)); ids must be unique in a notebook"))
                        continue
                    }
                    firstLineOfID[block.id] = raw.line
                    cells.append(.block(block))
                }
            }
        }
        if diagnostics.isEmpty {
            let blocks = cells.compactMap { cell -> ExperimentBlock? in if case let .block(block) = cell { block } else { nil } }
            diagnostics += BlockDependencies.problems(blocks, file: path)
        }
        if diagnostics.isEmpty {
            let blocks = cells.compactMap { cell -> ExperimentBlock? in if case let .block(block) = cell { block } else { nil } }
            diagnostics += ProseValueCheck.problems(notebook.proseValues, blocks: blocks).map {
                Diagnostic(file: path, line: $0.line, column: $0.column, message: $0.message)
            }
        }
        guard diagnostics.isEmpty else { return (nil, diagnostics) }
        return (Notebook(
            path: path, url: notebook.source.url, stem: notebook.source.stem, title: notebook.title,
            seed: notebook.frontMatter.seed, cells: cells, assets: notebook.assets, proseValues: notebook.proseValues), [])
    }

    /// Block `index` under the overrides that apply to it, resolved once per distinct set.
    private func block(_ raw: RawBlock, index: Int, overrides: [Override], allIDs: Set<String>) -> Result<ExperimentBlock, Diagnostics> {
        let path = notebook.source.path
        let defaultID = ids[index]
        let schema = raw.kind.schema
        var applicable = [Override]()
        var problems = [Diagnostic]()
        for override in overrides {
            let target = override.target(blockIDs: allIDs)
            if let id = target.blockID, id != defaultID { continue }
            guard schema.accepts(path: target.path) else {
                if target.blockID != nil {
                    let names = schema.options.map(\.name)
                    problems.append(Diagnostic(file: path, line: raw.line, override: override.label,
                        message: "block '\(defaultID)' ({\(raw.kind.name)}) has no option '\(target.path.joined(separator: "."))'"
                            + Suggestion.didYouMean(target.path[0], in: names)))
                }
                continue
            }
            applicable.append(override)
        }
        let memoKey = "\(index)\u{0}" + applicable.map(\.label).joined(separator: "\u{0}")
        if problems.isEmpty, let known = memo[memoKey] { return known }
        var body = raw.body
        for override in applicable {
            let position = SourcePosition(override: override.label, line: raw.line)
            let value = YAMLReader.relocated(override.value, to: position)
            body = (body ?? .mapping([], position: SourcePosition(line: raw.line + 1)))
                .setting(override.target(blockIDs: allIDs).path, to: value, position: position)
        }
        let result: Result<ExperimentBlock, Diagnostics>
        do {
            let options = try schema.decode(body, blockLine: raw.line, defaults: [
                "id": .text(defaultID), "seed": .integer(notebook.frontMatter.seed),
                "figure_format": .text(notebook.frontMatter.figureFormat),
            ])
            let context = BlockContext(notebookDirectory: notebook.source.url.deletingLastPathComponent(), blockID: options.id,
                                       readScope: notebook.readScope, budget: budget)
            do {
                let experiment = try raw.kind.init(options: options, context: context)
                result = .success(ExperimentBlock(kindType: raw.kind, line: raw.line, options: options, experiment: experiment, context: context))
            } catch {
                result = .failure(Diagnostics([Self.diagnostic(error, file: path)]))
            }
        } catch {
            result = .failure(Diagnostics(error.errors.map { Self.diagnostic($0, file: path) }))
        }
        guard problems.isEmpty else {
            if case let .failure(more) = result { problems += more.all }
            return .failure(Diagnostics(problems))
        }
        memo[memoKey] = result
        return result
    }

    private static func diagnostic(_ error: OptionError, file: String) -> Diagnostic {
        Diagnostic(file: file, line: error.position.line, override: error.position.override, message: error.message)
    }
}
