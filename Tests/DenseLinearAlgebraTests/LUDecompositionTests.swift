import DenseLinearAlgebra
import Testing

@Suite("LU decomposition")
struct LUDecompositionTests {
    @Test("The LU solve inverts a small pivoting-heavy system")
    func lu() {
        var matrix: [Double] = [0, 2, 1, 1, 1, 1, 2, 1, 0]
        var pivots = [Int](repeating: 0, count: 3)
        var vector: [Double] = [3, 3, 3]  // solution (1, 1, 1)
        matrix.withUnsafeMutableBufferPointer { m in
            pivots.withUnsafeMutableBufferPointer { p in
                vector.withUnsafeMutableBufferPointer { v in
                    #expect(LUDecomposition.factor(m.baseAddress!, n: 3, pivots: p.baseAddress!))
                    LUDecomposition.solve(m.baseAddress!, n: 3, pivots: p.baseAddress!, vector: v.baseAddress!)
                }
            }
        }
        for value in vector { #expect(abs(value - 1) < 1e-14) }
        var singular: [Double] = [1, 2, 2, 4]
        var pivots2 = [0, 0]
        let ok = singular.withUnsafeMutableBufferPointer { m in
            pivots2.withUnsafeMutableBufferPointer { LUDecomposition.factor(m.baseAddress!, n: 2, pivots: $0.baseAddress!) }
        }
        #expect(!ok)
    }

    @Test("The array form solves, pivoting, and refuses singular systems")
    func arrays() throws {
        // A zero first pivot: the rows must be swapped. Solution (1, 2, 3).
        let matrix: [Double] = [0, 1, 2, 3, 1, 0, 1, 2, 4]
        let solution = try #require(LUDecomposition.solve(matrix, [8, 5, 17], size: 3))
        for (value, expected) in zip(solution, [1.0, 2, 3]) { #expect(abs(value - expected) < 1e-14) }
        #expect(LUDecomposition.solve([1, 2, 2, 4], [1, 1], size: 2) == nil)
        let tiny = Double.leastNormalMagnitude
        #expect(LUDecomposition.solve([tiny, 0, 0, tiny], [1e300, 1e300], size: 2) == nil, "an infinite solution")
        #expect(LUDecomposition.solve([], [], size: 0) == [])
    }
}
