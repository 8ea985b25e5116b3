import Foundation
import NeuralODE

/// Tabular classification data for `{odenet}`: a `label` column of whole numbers and every other
/// column a feature; and the built-in 8×8 digits.
enum ClassificationTable {
    /// The resource bundle SwiftPM makes for the Experiments target (`<package>_<target>`).
    static let bundleNames = ["notebook_Experiments.resources", "notebook_Experiments.bundle"]

    /// The digits CSV shipped with the program (`Sources/Experiments/OdeNet/Resources/digits.csv`):
    /// looked up beside the executable (where SwiftPM puts resource bundles and where an install
    /// copies them) without `Bundle.module`, which stops the program when the bundle is missing.
    static func bundledDigits() -> URL? {
        var folders = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        if let resources = Bundle.main.resourceURL { folders.append(resources) }
        for folder in folders {
            for name in bundleNames {
                for file in ["digits.csv", "Contents/Resources/digits.csv"] {
                    let url = folder.appendingPathComponent(name).appendingPathComponent(file)
                    if FileManager.default.isReadableFile(atPath: url.path) { return url }
                }
            }
        }
        return nil
    }

    /// The samples of named columns: `label` is the class (whole numbers; distinct values mapped
    /// to 0…C−1 in increasing order), every other column a feature. `origin` names the data in
    /// messages; `shown` gives a column's printable name (file headers only when plain).
    ///
    /// - Throws: a message (without a location) for a missing label column, a non-integer or
    ///   missing label, a missing feature value, fewer than two classes or no feature.
    static func samples(columns: [(name: String, values: [Double?])], origin: String,
                        shown: (String) -> String?) throws(ClassificationTableError) -> (data: LabelledData, classNames: [Int]) {
        guard let labelIndex = columns.firstIndex(where: { $0.name == "label" }) else {
            let names = columns.enumerated().prefix(8).map { shown($1.name) ?? "number \($0 + 1)" }
            throw ClassificationTableError("\(origin) has no 'label' column (columns: \(names.joined(separator: ", "))\(columns.count > 8 ? ", ..." : ""))")
        }
        let features = columns.enumerated().filter { $0.offset != labelIndex }
        guard !features.isEmpty else { throw ClassificationTableError("\(origin) has no feature columns beside 'label'") }
        let rows = columns[labelIndex].values.count
        var labels = [Int]()
        labels.reserveCapacity(rows)
        for (row, value) in columns[labelIndex].values.enumerated() {
            guard let value else { throw ClassificationTableError("\(origin): label \(row + 1) is missing") }
            guard value.isFinite, value == value.rounded(), abs(value) < 1e15 else {
                throw ClassificationTableError("\(origin): label \(row + 1) is \(OptionValue.format(value)), not a whole number; labels name classes")
            }
            labels.append(Int(value))
        }
        let classNames = Array(Set(labels)).sorted()
        guard classNames.count >= 2 else {
            throw ClassificationTableError("\(origin): the labels hold \(classNames.count) class\(classNames.count == 1 ? "" : "es"); a classifier needs at least 2")
        }
        let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        var values = [Double](repeating: 0, count: rows * features.count)
        for (j, feature) in features.enumerated() {
            for (row, value) in feature.element.values.enumerated() {
                guard let value, value.isFinite else {
                    let name = shown(feature.element.name).map { "'\($0)'" } ?? "number \(feature.offset + 1)"
                    throw ClassificationTableError("\(origin): column \(name) has no number in row \(row + 1)")
                }
                values[row * features.count + j] = value
            }
        }
        return (LabelledData(features: values, labels: labels.map { index[$0]! }, featureCount: features.count, classes: classNames.count),
                classNames)
    }
}

/// Why tabular data cannot be classified.
struct ClassificationTableError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
