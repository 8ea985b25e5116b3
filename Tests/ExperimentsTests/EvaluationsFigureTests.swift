import Foundation
import NeuralODE
import Plot
import Testing
@testable import Experiments

@Suite("The function-evaluations figure")
struct EvaluationsFigureTests {
    func result(forward: Int, backward: Int, iterations: Int = 40) -> TrainingResult {
        var result = TrainingResult()
        result.history = (0..<iterations).map { _ in .init(loss: 1, forwardEvaluations: forward, backwardEvaluations: backward, seconds: 0) }
        return result
    }

    @Test("with the adjoint it sets the adjoint's total against backprop's, 2 × forward, as a dashed baseline")
    func adjointBaseline() throws {
        let figure = SpiralFigures.evaluations(result(forward: 26, backward: 126), adjoint: true)
        let series = figure.panels[0].series
        let baseline = try #require(series.first { $0.label?.hasPrefix("backprop") == true })
        #expect(baseline.y.allSatisfy { $0 == 52 })
        if case let .line(_, dash) = baseline.style { #expect(dash == .dashed) } else { Issue.record("not a line") }
        let total = try #require(series.first { $0.label?.hasPrefix("adjoint, forward + backward") == true })
        #expect(total.y.allSatisfy { $0 == 152 })
        #expect(figure.panels[0].y.range == 0...(152 * 1.4), "from zero, room for the legend above")
    }

    @Test("with backprop it draws forward and backward only")
    func backprop() {
        let labels = SpiralFigures.evaluations(result(forward: 26, backward: 26)).panels[0].series.compactMap(\.label)
        #expect(labels.count == 2 && labels.allSatisfy { !$0.hasPrefix("backprop") })
    }
}
