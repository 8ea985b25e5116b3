/// Hairer's starting step size (*Solving ODEs I*, §II.4): a step whose explicit Euler error
/// would be about 1% of the tolerance, refined by one estimate of the second derivative.
@usableFromInline
package enum InitialStep {
    /// The first step for a method of order `order`.
    ///
    /// - Parameters:
    ///   - f0: `f(t, y)`, already evaluated.
    ///   - f1: where `evaluate` writes `f(t + h0, y1)`.
    ///   - evaluate: evaluates the field at a time and state into `f1`.
    ///   - norm: the scaled RMS norm of a vector, with weights from a reference state.
    ///   - scratch: two vectors of room.
    @usableFromInline
    package static func estimate<Scalar: BinaryFloatingPoint>(
        n: Int, t: Double, y: UnsafeMutablePointer<Scalar>, f0: UnsafeMutablePointer<Scalar>, f1: UnsafeMutablePointer<Scalar>,
        span: Double, direction: Double, order: Int,
        evaluate: (Double, UnsafeMutablePointer<Scalar>) -> Void,
        norm: (UnsafeMutablePointer<Scalar>, UnsafeMutablePointer<Scalar>) -> Double,
        scratch: UnsafeMutablePointer<Scalar>
    ) -> Double {
        let d0 = norm(y, y), d1 = norm(f0, y)
        var h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1
        h0 = min(h0, span)
        let y1 = scratch
        let step = Scalar(direction * h0)
        for i in 0..<n { y1[i] = y[i] + step * f0[i] }
        evaluate(t + direction * h0, y1)
        let difference = scratch + n
        for i in 0..<n { difference[i] = (f1[i] - f0[i]) / Scalar(h0) }
        let d2 = norm(difference, y)
        let largest = max(d1, d2)
        guard largest.isFinite else { return h0 * 1e-3 }
        let h1 = largest <= 1e-15 ? max(1e-6, h0 * 1e-3) : pow(0.01 / largest, 1 / Double(order + 1))
        return min(100 * h0, h1)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
