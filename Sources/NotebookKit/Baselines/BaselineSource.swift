import FileAccess
import Foundation

/// Where `--baseline PATH` points: a folder of report folders (`notebooks/baselines/`, one
/// `<stem>/results.json` per notebook, as `notebook baseline` writes), one report folder, or one
/// `results.json`. Each notebook of the run, and each point of a swept one, finds its baseline
/// report here, read once before anything runs.
struct BaselineSource: Sendable {
    /// The path as given, for messages.
    let shown: String
    /// The baseline reports by notebook stem, then by sweep point folder (`nil` for an unswept
    /// notebook); a notebook absent here has no baseline (its blocks are new).
    let reports: [String: [String?: BaselineResults]]

    /// Reads the baselines of `notebooks` from `path`.
    static func load(_ path: String, notebooks: [SweptNotebook]) throws(BaselineError) -> BaselineSource {
        let url = URL(fileURLWithPath: path)
        var reports = [String: [String?: BaselineResults]]()
        switch FileKind.of(path) {
        case .regular:
            // One results.json: the report of the notebook it names.
            let (stem, points) = try single(url, shown: path, path: path, notebooks: notebooks)
            reports[stem] = points
        case .directory:
            let file = url.appendingPathComponent("results.json")
            if FileKind.of(file.path) == .regular {
                // One report folder.
                let (stem, points) = try single(file, shown: shownPath(path, "results.json"), path: path, notebooks: notebooks)
                reports[stem] = points
            } else {
                for notebook in notebooks {
                    let folder = url.appendingPathComponent(notebook.base.stem)
                    let shown = shownPath(path, notebook.base.stem)
                    if notebook.isSwept {
                        reports[notebook.base.stem] = try pointReports(of: notebook, folder: folder, top: nil, shown: shown)
                        continue
                    }
                    let file = folder.appendingPathComponent("results.json")
                    guard FileKind.of(file.path) == .regular else { continue }
                    let results = try BaselineResults.read(file, shown: shownPath(path, "\(notebook.base.stem)/results.json"))
                    reports[notebook.base.stem] = try pointReports(of: notebook, folder: folder, top: results, shown: shown)
                }
            }
        case .missing:
            throw BaselineError("\(path): no such baseline (give a report folder, a folder of them, or a results.json; `notebook baseline` writes one)")
        default:
            throw BaselineError("\(path): the baseline must be a folder or a results.json file")
        }
        return BaselineSource(shown: path, reports: reports)
    }

    /// The baseline of notebook `stem` at sweep point folder `point` (`nil`: unswept).
    func results(stem: String, point: String?) -> BaselineResults? {
        reports[stem]?[point] ?? nil
    }

    /// The report `file` (a results.json) as the baseline of the notebook it names (or of the run's
    /// only notebook): that notebook's stem and its reports by point.
    private static func single(_ file: URL, shown: String, path: String,
                               notebooks: [SweptNotebook]) throws(BaselineError) -> (String, [String?: BaselineResults]) {
        let results = try BaselineResults.read(file, shown: shown)
        let stem = stemOf(results.notebook)
        guard let notebook = notebooks.first(where: { $0.base.stem == stem }) ?? (notebooks.count == 1 ? notebooks.first : nil) else {
            throw BaselineError("\(path): the baseline is of \(results.notebook), which this run does not include")
        }
        return (notebook.base.stem, try pointReports(of: notebook, folder: file.deletingLastPathComponent(), top: results, shown: path))
    }

    /// An unswept notebook's report, or a swept one's point reports (`points/<name>/results.json`).
    private static func pointReports(of notebook: SweptNotebook, folder: URL, top: BaselineResults?,
                                     shown: String) throws(BaselineError) -> [String?: BaselineResults] {
        guard notebook.isSwept else { return top.map { [nil: $0] } ?? [:] }
        var points = [String?: BaselineResults]()
        for point in notebook.points {
            guard let name = point.name else { continue }
            let file = folder.appendingPathComponent("points/\(name)/results.json")
            guard FileKind.of(file.path) == .regular else { continue }
            points[name] = try BaselineResults.read(file, shown: shownPath(shown, "points/\(name)/results.json"))
        }
        return points
    }

    private static func stemOf(_ notebookPath: String) -> String {
        URL(fileURLWithPath: notebookPath).deletingPathExtension().lastPathComponent
    }

    private static func shownPath(_ base: String, _ rest: String) -> String {
        base.hasSuffix("/") ? base + rest : base + "/" + rest
    }
}
