/// The error measure every adaptive solve uses, written once: the root mean square of the error
/// estimate scaled component by component by `atol + rtol · max(|y|, |y_new|)` (Hairer, Nørsett &
/// Wanner, *Solving ODEs I*, §II.4, eq. 4.11), or, for a method with two embedded estimates,
/// Hairer's DOP853 combination `‖e₅‖² / √(n (‖e₅‖² + 0.01 ‖e₃‖²))` (ibid., §II.10).
///
/// The sums are returned separately so that a batch split over workers can add its partial sums
/// in a fixed order before `stepError` forms the norm.
@usableFromInline
package enum ErrorNorm {
    /// `Σ (error_i / (atol_i + rtol_i · max(|y_i|, |yNew_i|)))²` over `range`; NaN when a value
    /// of `yNew` is not finite, so that a step into overflow is rejected.
    @inlinable @inline(__always)
    package static func squaredRatios<Scalar: BinaryFloatingPoint>(
        _ error: UnsafeMutablePointer<Scalar>, y: UnsafeMutablePointer<Scalar>, yNew: UnsafeMutablePointer<Scalar>,
        relative: UnsafeMutablePointer<Double>, absolute: UnsafeMutablePointer<Double>, range: Range<Int>
    ) -> Double {
        // Four running sums, so that long (batched) ranges vectorise; a range of fewer than four
        // components is summed in order.
        var sums = (0.0, 0.0, 0.0, 0.0)
        @inline(__always) func term(_ i: Int) -> Double {
            let value = Double(yNew[i])
            let ratio = Double(error[i]) / (absolute[i] + relative[i] * max(abs(Double(y[i])), abs(value)))
            // `value − value` is 0 for a finite value and NaN otherwise.
            return ratio * ratio + (value - value)
        }
        var i = range.lowerBound
        while i &+ 4 <= range.upperBound {
            sums.0 += term(i)
            sums.1 += term(i &+ 1)
            sums.2 += term(i &+ 2)
            sums.3 += term(i &+ 3)
            i &+= 4
        }
        var sum = (sums.0 + sums.1) + (sums.2 + sums.3)
        while i < range.upperBound {
            sum += term(i)
            i &+= 1
        }
        return sum
    }

    /// The step's error from the sums of `squaredRatios` over `count` components: the RMS, or the
    /// combined estimate when `secondarySquares` is given. At most 1 means the step is accepted.
    @inlinable @inline(__always)
    package static func stepError(squares: Double, secondarySquares: Double?, count: Int) -> Double {
        guard let secondarySquares else { return (squares / Double(count)).squareRoot() }
        let denominator = squares + 0.01 * secondarySquares
        if denominator.isNaN { return .nan }
        return denominator > 0 ? squares / (Double(count) * denominator).squareRoot() : 0
    }

    /// The RMS of `vector` scaled by `atol + rtol · |reference|`: the norm of the starting-step
    /// estimate.
    @inlinable
    package static func rms<Scalar: BinaryFloatingPoint>(
        _ vector: UnsafeMutablePointer<Scalar>, reference: UnsafeMutablePointer<Scalar>, count n: Int,
        relative: UnsafeMutablePointer<Double>, absolute: UnsafeMutablePointer<Double>
    ) -> Double {
        var sum = 0.0
        for i in 0..<n {
            let ratio = Double(vector[i]) / (absolute[i] + relative[i] * abs(Double(reference[i])))
            sum += ratio * ratio
        }
        return (sum / Double(n)).squareRoot()
    }
}
