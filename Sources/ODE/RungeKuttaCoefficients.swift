/// A tableau's coefficients in the flat form `RungeKuttaStep` reads, computed once with the
/// tableau so that starting a solve copies arrays instead of walking the tableau's nested rows.
/// A class, so that copying a tableau or a solver retains one reference, not fourteen arrays.
public final class RungeKuttaCoefficients: Sendable, Equatable {
    /// Number of stages `s`.
    public let stages: Int
    /// The coupling matrix row-major (`a[i][j]` at `i * s + j`), zero on and above the diagonal.
    @usableFromInline let a: [Double]
    /// Solution weights.
    @usableFromInline let b: [Double]
    /// Stage times as fractions of the step.
    @usableFromInline let c: [Double]
    /// `b − b̂`, the weights of the embedded error estimate; empty for a fixed-step method.
    @usableFromInline let errorWeights: [Double]
    /// `b − b̂₃`, the weights of a second estimate (DOP853's); empty when there is none.
    @usableFromInline let secondaryErrorWeights: [Double]
    /// Whether the last stage is evaluated at the new solution (first same as last).
    @usableFromInline let isFSAL: Bool
    /// The nonzero terms, as `RungeKuttaStep` lays them out: the stage index of each term of row
    /// `i` of `a` at `i * s + term` (`aCount[i]` of them) and its coefficient at the same place;
    /// then the terms of `b`, `b − b̂` and `b − b̂₃`.
    @usableFromInline let aIndex, aCount, bIndex, eIndex, e3Index: [Int]
    @usableFromInline let aTerms, bTerms, eTerms, e3Terms: [Double]

    /// Whether two flat forms hold the same coefficients.
    public static func == (lhs: RungeKuttaCoefficients, rhs: RungeKuttaCoefficients) -> Bool {
        lhs === rhs || (lhs.a == rhs.a && lhs.b == rhs.b && lhs.c == rhs.c && lhs.errorWeights == rhs.errorWeights
                        && lhs.secondaryErrorWeights == rhs.secondaryErrorWeights)
    }

    /// Flattens the coefficients of an explicit tableau (rows of `a` strictly lower triangular).
    @usableFromInline
    init(a rows: [[Double]], b: [Double], c: [Double], embeddedWeights: [Double]?, secondaryWeights: [Double]?) {
        let s = b.count
        stages = s
        var flat = [Double](repeating: 0, count: s * s)
        for i in 0..<s { for j in 0..<i { flat[i * s + j] = rows[i][j] } }
        a = flat
        self.b = b
        self.c = c
        errorWeights = embeddedWeights.map { embedded in (0..<s).map { b[$0] - embedded[$0] } } ?? []
        secondaryErrorWeights = secondaryWeights.map { weights in (0..<s).map { b[$0] - weights[$0] } } ?? []
        isFSAL = s > 1 && c[s - 1] == 1 && zip(rows[s - 1], b).allSatisfy { $0 == $1 } && b[s - 1] == 0
        var aIndex = [Int](repeating: 0, count: s * s), aTerms = [Double](repeating: 0, count: s * s), aCount = [Int]()
        for i in 0..<s {
            let terms = (0..<i).filter { flat[i * s + $0] != 0 }
            for (term, j) in terms.enumerated() {
                aIndex[i * s + term] = j
                aTerms[i * s + term] = flat[i * s + j]
            }
            aCount.append(terms.count)
        }
        (self.aIndex, self.aTerms, self.aCount) = (aIndex, aTerms, aCount)
        func terms(_ weights: [Double]) -> (index: [Int], values: [Double]) {
            let nonzero = weights.indices.filter { weights[$0] != 0 }
            return (nonzero, nonzero.map { weights[$0] })
        }
        (bIndex, bTerms) = terms(b)
        (eIndex, eTerms) = terms(errorWeights)
        (e3Index, e3Terms) = terms(secondaryErrorWeights)
    }
}
