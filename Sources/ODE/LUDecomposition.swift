/// In-place LU factorisation with partial pivoting of a small dense row-major matrix, and
/// solves with the factors (Golub & Van Loan, *Matrix Computations*, §3.4). Allocates nothing.
enum LUDecomposition {
    /// Factors the `n × n` matrix at `matrix` in place (`L` unit lower, `U` upper) and records the
    /// row swaps in `pivots`. Returns false when the matrix is singular to working precision.
    static func factor(_ matrix: UnsafeMutablePointer<Double>, n: Int, pivots: UnsafeMutablePointer<Int>) -> Bool {
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

    /// Solves `A x = b` in place in `vector`, from the factors of `A`.
    static func solve(_ factors: UnsafeMutablePointer<Double>, n: Int, pivots: UnsafeMutablePointer<Int>, vector: UnsafeMutablePointer<Double>) {
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
}
