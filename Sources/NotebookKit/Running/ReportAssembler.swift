import Experiments
import FileAccess
import Foundation

/// Writes the reports of a plan from how its jobs ended: a notebook's report (or a sweep's folder
/// of point reports and comparison page) as soon as its last job ends. `notebook run` and
/// `notebook merge` share it, so that a merged report is the report a single run writes.
struct ReportAssembler {
    /// How a job ended, as the scheduler says it.
    typealias Ending = BlockScheduler<Int, RenderedBlock>.Ending

    let plan: RunPlan
    /// The output folder (absolute).
    let output: URL
    /// The output folder as the user gave it, for messages.
    let shownOutput: String
    let display: ProgressDisplay
    /// What the reports are compared with (`--baseline`), if anything.
    var baseline: BaselineSettings?
    /// Per notebook index, its blocks' metrics in earlier runs (from the run history).
    var history = [Int: MetricHistory]()

    /// Writes notebook `index`'s report from the endings of the plan's jobs (`nil`: the job did
    /// not run here); `false` when it could not be written.
    ///
    /// A notebook whose blocks all finished goes to `DIR/<stem>/` (replacing the previous report
    /// and any interrupted one). One left incomplete by an interrupt goes to
    /// `DIR/<stem>.interrupted/`; one left incomplete by `--fail-fast` or a missing shard to
    /// `DIR/<stem>/`, the blocks that did not run left out. One of whose blocks none started is
    /// not written. Returns the regression lines against the baseline, or `nil` when the report
    /// could not be written.
    func write(_ index: Int, endings: [Ending?], run: RunInformation, seconds: Double) -> [String]? {
        let swept = plan.notebooks[index]
        var results = [SweepReportBuilder.PointResult?]()
        var complete = true, started = false
        for (pointIndex, point) in swept.points.enumerated() {
            var blocks = [RenderedBlock]()
            var pointComplete = true, pointStarted = point.notebook.blocks.isEmpty
            for (position, block) in point.notebook.blocks.enumerated() {
                switch endings[plan.jobIndex[index][pointIndex][position]] {
                case var .finished(rendered)?:
                    rendered.line = block.line
                    blocks.append(rendered)
                    pointStarted = true
                case .stopped?:
                    pointComplete = false
                    pointStarted = true
                case .skipped?, nil:
                    pointComplete = false
                }
            }
            complete = complete && pointComplete
            started = started || pointStarted
            results.append(pointStarted ? .init(blocks: blocks, complete: pointComplete) : nil)
        }
        guard started else { return [] }
        let notebook = swept.base
        var information = run
        information.interrupted = !complete && run.interrupted
        let folder = information.interrupted ? notebook.stem + OutputFolder.interruptedSuffix : notebook.stem
        let destination = output.appendingPathComponent(folder).path
        let report: RenderedReport
        if swept.isSwept {
            report = SweepReportBuilder.build(swept, results: results, run: information, totalSeconds: seconds, baseline: baseline)
        } else {
            let check = baseline.map { BaselineCheck(settings: $0, results: $0.source.results(stem: notebook.stem, point: nil)) }
            report = ReportBuilder.build(swept.points[0].notebook, blocks: results[0]?.blocks ?? [], run: information,
                                         totalSeconds: seconds, baseline: check, history: history[index] ?? [:])
        }
        do {
            try ReportFolder.write(report, to: destination)
        } catch {
            display.error("error: could not write the report of \(notebook.path): \(error.description)")
            return nil
        }
        let shown = "\(shownOutput)/\(folder)/index.html"
        if information.interrupted {
            display.error("wrote the report of what finished to \(shown); \(shownOutput)/\(notebook.stem)/ keeps the previous report")
        } else {
            let interruptedReport = output.appendingPathComponent(notebook.stem + OutputFolder.interruptedSuffix).path
            if complete, OutputFolder.ownership(ofReportFolder: interruptedReport) == .ours {
                do { try FileOperations.remove(interruptedReport) } catch {
                    display.error("warning: could not remove the report of an interrupted run: \(error.description)")
                }
            }
            display.note("wrote \(shown)")
        }
        return report.regressions
    }
}
