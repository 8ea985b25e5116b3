import Foundation
import NeuralODE
import Plot

/// The figures of an `{odenet}` block.
struct OdeNetFigures {
    /// The class labels as the data wrote them, in class-index order.
    let classNames: [Int]

    /// One point of a study figure.
    struct Point: Sendable {
        var label: String
        var x: Double
        var accuracy: Double
        /// The mean test cross-entropy.
        var loss: Double
    }

    /// `counts[true][predicted]` over the test samples.
    static func confusion(labels: [Int], predictions: [Int], classes: Int) -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (label, predicted) in zip(labels, predictions) where label < classes && predicted < classes { counts[label][predicted] += 1 }
        return counts
    }

    /// The loss per epoch (left) and the train and test accuracy per epoch (right).
    func curves(_ epochs: [ClassifierTraining.Epoch]) -> Figure {
        let x = (1...epochs.count).map(Double.init)
        let loss = Panel(title: "Training loss", x: Axis("epoch"), y: Axis("cross-entropy", scale: .log), series: [
            .line("loss", x: x, y: epochs.map(\.loss), color: Color.palette[0]),
        ], legend: .none)
        let accuracy = Panel(title: "Accuracy", x: Axis("epoch"), y: Axis("accuracy"), series: [
            .line("train", x: x, y: epochs.map(\.trainAccuracy), color: Color.palette[0]),
            .line("test", x: x, y: epochs.map(\.testAccuracy), color: Color.palette[1], dash: .dashed),
        ], legend: .lowerRight)
        return Figure(panels: [loss, accuracy], width: 900, height: 380)
    }

    /// The confusion matrix as a heat map with the counts written in the cells (row: true class).
    func confusion(_ counts: [[Int]]) -> Figure {
        let c = counts.count
        var x = [Double](), y = [Double](), intensity = [Double](), texts = [String]()
        for (row, values) in counts.enumerated() {
            let total = max(values.reduce(0, +), 1)
            for (column, count) in values.enumerated() {
                x.append(Double(column))
                // The first class at the top, as confusion matrices are read.
                y.append(Double(c - 1 - row))
                intensity.append(Double(count) / Double(total))
                texts.append("\(count)")
            }
        }
        let range = -0.5...(Double(c) - 0.5)
        let columns = classNames.enumerated().map { (value: Double($0.offset), label: String($0.element)) }
        let rows = classNames.enumerated().map { (value: Double(c - 1 - $0.offset), label: String($0.element)) }
        return Figure(title: "Confusion matrix (test)", panels: [Panel(
            x: Axis("predicted class", range: range, labelledTicks: columns), y: Axis("true class", range: range, labelledTicks: rows),
            series: [.cells(nil, x: x, y: y, intensity: intensity, texts: texts, color: Color.palette[0])],
            legend: .none, equalAspect: true)], width: 560, height: 560)
    }

    /// Test accuracy against evaluations per forward pass: Euler at each K, dopri5 at each
    /// tolerance, and the model as trained.
    func speedAccuracy(euler: [Point], adaptive: [Point], trained: (nfe: Double, accuracy: Double, loss: Double)) -> Figure {
        func panel(_ title: String, _ axis: Axis, _ value: (Point) -> Double, trainedValue: Double, legend: LegendPlacement) -> Panel {
            Panel(title: title, x: Axis("function evaluations per forward pass", scale: .log), y: axis, series: [
                Series(label: "euler, K steps", x: euler.map(\.x), y: euler.map(value),
                       style: .lineAndMarkers(width: 1.75, dash: .solid, marker: .circle, size: 7), color: Color.palette[0]),
                Series(label: "dopri5, rtol", x: adaptive.map(\.x), y: adaptive.map(value),
                       style: .lineAndMarkers(width: 1.75, dash: .dashed, marker: .square, size: 7), color: Color.palette[1]),
                .scatter("as trained", x: [trained.nfe], y: [trainedValue], color: Color.palette[2], marker: .triangle, size: 11),
            ], legend: legend)
        }
        return Figure(title: "One ODE-Net, many depths", panels: [
            panel("Test accuracy", Axis("test accuracy"), \.accuracy, trainedValue: trained.accuracy, legend: .lowerRight),
            panel("Test loss", Axis("test cross-entropy"), \.loss, trainedValue: trained.loss, legend: .upperRight),
        ], width: 960, height: 420)
    }

    /// Test accuracy against parameters: a ResNet per K and the ODE-Net.
    func parameters(resnets: [Point], odenet: (parameters: Double, accuracy: Double)) -> Figure {
        Figure(title: "Depth costs parameters in a ResNet, not in an ODE-Net", panels: [Panel(
            x: Axis("parameters", scale: .log), y: Axis("test accuracy"), series: [
                Series(label: "ResNet trained at K = " + resnets.map { $0.label.replacingOccurrences(of: "K = ", with: "") }.joined(separator: ", "),
                       x: resnets.map(\.x), y: resnets.map(\.accuracy),
                       style: .lineAndMarkers(width: 1.75, dash: .solid, marker: .circle, size: 7), color: Color.palette[0]),
                .scatter("ODE-Net", x: [odenet.parameters], y: [odenet.accuracy], color: Color.palette[2], marker: .triangle, size: 11),
            ], legend: .lowerRight)])
    }
}
