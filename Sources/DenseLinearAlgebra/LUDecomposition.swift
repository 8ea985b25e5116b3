/// LU factorisation with partial pivoting of a small dense row-major matrix, and solves with the
/// factors (Golub & Van Loan, *Matrix Computations*, §3.4): the one dense solver of the program,
/// used by the Rosenbrock steps (ODE) and by Levenberg–Marquardt's normal equations (Learning).
///
/// The pointer forms factor in place and allocate nothing (they are inlined into the solvers'
/// loops); `solve(_:_:size:)` is the convenient form on arrays.
public enum LUDecomposition {
    /// Factors the `n × n` matrix at `matrix` in place (`L` unit lower, `U` upper) and records the
    /// row swaps in `pivots`. Returns false when the matrix is singular to working precision.
    @inlinable
    public static func factor(_ matrix: UnsafeMutablePointer<Double>, n: Int, pivots: UnsafeMutablePointer<Int>) -> Bool {
        for column in 0..<n {
            var pivotRow = column
            var largest = abs(matrix[column * n + column])
            for row in (column + 1)..<max(n, column + 1) where abs(matrix[row * n + column]) > largest {
                largest = abs(matrix[row * n + column])
                pivotRow = row
            }
            pivots[column] = pivotRow
            guard largest > 0, largest.isFinite else { return false }
            if pivotRow != column {
                for j in 0..<n { swap(&matrix[column * n + j], &matrix[pivotRow * n + j]) }
            }
            let inverse = 1 / matrix[column * n + column]
            for row in (column + 1)..<max(n, column + 1) {
                let factor = matrix[row * n + column] * inverse
                matrix[row * n + column] = factor
                if factor != 0 {
                    for j in (column + 1)..<n { matrix[row * n + j] -= factor * matrix[column * n + j] }
                }
            }
        }
        return true
    }

    /// Solves `A x = b` in place in `vector`, from the factors of `A` that `factor` left.
    @inlinable
    public static func solve(_ factors: UnsafeMutablePointer<Double>, n: Int, pivots: UnsafeMutablePointer<Int>, vector: UnsafeMutablePointer<Double>) {
        for i in 0..<n where pivots[i] != i { swap(&vector[i], &vector[pivots[i]]) }
        for i in 0..<n {
            var sum = vector[i]
            for j in 0..<i { sum -= factors[i * n + j] * vector[j] }
            vector[i] = sum
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = vector[i]
            for j in (i + 1)..<max(n, i + 1) { sum -= factors[i * n + j] * vector[j] }
            vector[i] = sum / factors[i * n + i]
        }
    }

    /// The solution of `A x = b` for the `size × size` row-major `matrix` and `rightHandSide`;
    /// `nil` when `A` is singular to working precision or the solution is not finite.
    public static func solve(_ matrix: [Double], _ rightHandSide: [Double], size: Int) -> [Double]? {
        precondition(matrix.count == size * size && rightHandSide.count == size, "a \(size) × \(size) system")
        var factors = matrix, solution = rightHandSide
        var pivots = [Int](repeating: 0, count: size)
        let factored = factors.withUnsafeMutableBufferPointer { factors in
            pivots.withUnsafeMutableBufferPointer { pivots in
                guard let matrix = factors.baseAddress, let pivots = pivots.baseAddress else { return true }
                return factor(matrix, n: size, pivots: pivots)
            }
        }
        guard factored else { return nil }
        factors.withUnsafeMutableBufferPointer { factors in
            pivots.withUnsafeMutableBufferPointer { pivots in
                solution.withUnsafeMutableBufferPointer { solution in
                    guard let matrix = factors.baseAddress, let pivots = pivots.baseAddress,
                          let vector = solution.baseAddress else { return }
                    solve(matrix, n: size, pivots: pivots, vector: vector)
                }
            }
        }
        return solution.allSatisfy(\.isFinite) ? solution : nil
    }
}
