import Experiments
import FileAccess
import Foundation

/// Reads, parses and validates the notebooks of one run, applying its `-p` overrides. Nothing is
/// run: this is all of `notebook check`, and the first stage of `notebook run`.
public enum NotebookLoader {
    /// Loads every notebook, or returns every problem found in any of them.
    ///
    /// - Parameters:
    ///   - paths: notebook files as the user gave them.
    ///   - overrides: `-p KEY=VALUE` texts.
    ///   - allowHTML: pass raw HTML in the prose through instead of escaping it.
    ///   - allowRead: `--allow-read` places: folders or files outside the notebooks' projects that
    ///     data files and images may come from.
    public static func load(_ paths: [String], overrides overrideTexts: [String] = [], allowHTML: Bool = false,
                            allowRead: [String] = []) -> Result<[Notebook], Diagnostics> {
        var diagnostics = [Diagnostic]()
        var overrides = [Override]()
        for text in overrideTexts {
            do { overrides.append(try Override(parsing: text)) } catch { diagnostics.append(error) }
        }
        var allowed = [ReadScope.Place]()
        for argument in allowRead {
            do { allowed.append(try ReadScope.allowedPlace(argument)) } catch {
                diagnostics.append(Diagnostic(file: nil, message: error.description))
            }
        }
        var parsed = [ParsedNotebook]()
        var scopes = [ReadScope]()
        for path in paths {
            let source: NotebookSource
            do { source = try NotebookSource.read(path) } catch {
                diagnostics.append(error)
                continue
            }
            if let problem = ReportName.problem(withStem: source.stem) {
                diagnostics.append(Diagnostic(file: path, message: problem))
                continue
            }
            let scope = ReadScope(notebookDirectory: source.url.deletingLastPathComponent(), allowed: allowed)
            let (notebook, problems) = NotebookParser.parse(source, allowHTML: allowHTML, readScope: scope)
            if notebook != nil { scopes.append(scope) }
            diagnostics += problems
            if let notebook { parsed.append(notebook) }
        }

        // Default ids (`<kind>-<n>`) first, so overrides can target any block by id.
        var blockIDs = [[String]]()
        for notebook in parsed {
            var counts = [String: Int]()
            blockIDs.append(notebook.cells.compactMap { cell in
                guard case let .block(block) = cell else { return nil }
                counts[block.kind.name, default: 0] += 1
                return block.writtenID ?? "\(block.kind.name)-\(counts[block.kind.name]!)"
            })
        }
        let allIDs = Set(blockIDs.joined())
        var matched = [Bool](repeating: false, count: overrides.count)

        var notebooks = [Notebook]()
        var stems = [String: String]()
        for (notebookIndex, notebook) in parsed.enumerated() {
            let path = notebook.source.path
            if let other = stems[notebook.source.stem] {
                diagnostics.append(Diagnostic(file: path, message: "writes the same report folder '\(notebook.source.stem)' as \(other); rename one of them"))
            }
            stems[notebook.source.stem] = path
            var cells = [NotebookCell]()
            var firstLineOfID = [String: Int]()
            var blockIndex = 0
            for cell in notebook.cells {
                switch cell {
                case let .prose(prose):
                    cells.append(.prose(prose))
                case let .block(raw):
                    let defaultID = blockIDs[notebookIndex][blockIndex]
                    blockIndex += 1
                    let schema = raw.kind.schema
                    var body = raw.body
                    for (index, override) in overrides.enumerated() {
                        let target = override.target(blockIDs: allIDs)
                        if let id = target.blockID, id != defaultID { continue }
                        guard schema.accepts(path: target.path) else {
                            if target.blockID != nil {
                                matched[index] = true
                                let names = schema.options.map(\.name)
                                diagnostics.append(Diagnostic(file: path, line: raw.line, override: override.text,
                                    message: "block '\(defaultID)' ({\(raw.kind.name)}) has no option '\(target.path.joined(separator: "."))'"
                                        + Suggestion.didYouMean(target.path[0], in: names)))
                            }
                            continue
                        }
                        matched[index] = true
                        do {
                            let value = try YAMLReader.readOverride(override.value, text: override.text, blockLine: raw.line)
                            let position = SourcePosition(override: override.text, line: raw.line)
                            body = (body ?? .mapping([], position: SourcePosition(line: raw.line + 1)))
                                .setting(target.path, to: value, position: position)
                        } catch {
                            diagnostics.append(Diagnostic(file: nil, override: override.text, message: error.message))
                        }
                    }
                    let options: ResolvedOptions
                    do {
                        options = try schema.decode(body, blockLine: raw.line, defaults: [
                            "id": .text(defaultID), "seed": .integer(notebook.frontMatter.seed),
                        ])
                    } catch {
                        diagnostics += error.errors.map { diagnostic($0, file: path) }
                        continue
                    }
                    if let first = firstLineOfID[options.id] {
                        diagnostics.append(Diagnostic(file: path, line: options.line(of: "id"),
                            message: "duplicate id '\(options.id)' (first used by the block at line \(first)); ids must be unique in a notebook"))
                        continue
                    }
                    firstLineOfID[options.id] = raw.line
                    let context = BlockContext(notebookDirectory: notebook.source.url.deletingLastPathComponent(), blockID: options.id,
                                               readScope: scopes[notebookIndex])
                    do {
                        let experiment = try raw.kind.init(options: options, context: context)
                        cells.append(.block(ExperimentBlock(kind: raw.kind.name, line: raw.line, options: options, experiment: experiment)))
                    } catch {
                        diagnostics.append(diagnostic(error, file: path))
                    }
                }
            }
            notebooks.append(Notebook(
                path: path, url: notebook.source.url, stem: notebook.source.stem, title: notebook.title,
                seed: notebook.frontMatter.seed, cells: cells, assets: notebook.assets))
        }
        for (index, override) in overrides.enumerated() where !matched[index] {
            let keys = Set(Kinds.all.flatMap { $0.schema.options.map(\.name) }).sorted()
            if override.segments.count > 1, !keys.contains(override.segments[0]) {
                // `nope.steps=3`: the first segment can only be meant as a block id.
                let ids = allIDs.sorted()
                diagnostics.append(Diagnostic(file: nil, override: override.text,
                    message: "matches no block: no block has the id '\(override.segments[0])'"
                        + Suggestion.didYouMean(override.segments[0], in: ids)
                        + (ids.isEmpty ? "" : " (ids: \(ids.joined(separator: ", ")))")))
                continue
            }
            let key = override.segments.count > 1 && !keys.contains(override.segments[0]) ? override.segments[0] : override.segments.last!
            var advice = Suggestion.didYouMean(key, in: keys)
            if advice.isEmpty, override.segments.count > 1 { advice = Suggestion.didYouMean(override.segments[0], in: Array(allIDs)) }
            diagnostics.append(Diagnostic(file: nil, override: override.text,
                message: "matches no block: no block of \(paths.count == 1 ? "the notebook" : "these notebooks") has an option '\(override.segments.joined(separator: "."))'\(advice)"))
        }
        return diagnostics.isEmpty ? .success(notebooks) : .failure(Diagnostics(ordered(diagnostics, paths: paths)))
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

    private static func diagnostic(_ error: OptionError, file: String) -> Diagnostic {
        Diagnostic(file: file, line: error.position.line, override: error.position.override, message: error.message)
    }
}
