/// How a solver reads `y(t + θh)` inside an accepted step, one case per interpolant form (as
/// diffrax's `interpolation_cls`): written once, used by the adaptive and Rosenbrock solvers,
/// the gradient through dense output and the adjoint's stored trajectory.
@usableFromInline
enum DenseOutput: Sendable {
    /// Cubic Hermite interpolation from the two ends and their slopes (third order).
    case hermite
    /// The method's own continuous extension `y + h Σᵢ bᵢ(θ) Kᵢ` with
    /// `bᵢ(θ) = Σₘ dᵢₘ θ^(m+1)`: rows of `d` by stage (dopri5's and tsit5's).
    case polynomial(rows: [[Double]])
    /// A continuous extension built from extra stages, in the form of Hairer's DOP853.
    case extended(ExtendedDenseOutput)

    /// The interpolant of `tableau`.
    @inlinable
    init(_ tableau: ButcherTableau) {
        if let continuation = tableau.extendedDense {
            self = .extended(continuation)
        } else if let rows = tableau.denseOutput {
            self = .polynomial(rows: rows)
        } else {
            self = .hermite
        }
    }

    /// The four weights of cubic Hermite interpolation at fraction θ: of `y₀`, `h f₀`, `y₁`, `h f₁`.
    @inlinable @inline(__always)
    static func hermiteWeights<Scalar: BinaryFloatingPoint>(_ theta: Scalar) -> (Scalar, Scalar, Scalar, Scalar) {
        let rest = 1 - theta
        return ((1 + 2 * theta) * rest * rest, theta * rest * rest, theta * theta * (3 - 2 * theta), theta * theta * (theta - 1))
    }

    /// Cubic Hermite interpolation of `n` components at fraction θ of a step of size `h` from
    /// `y0` (slope `f0`) to `y1` (slope `f1`).
    @inlinable
    static func hermite<Scalar: BinaryFloatingPoint>(
        theta: Scalar, h: Scalar, count n: Int, y0: UnsafePointer<Scalar>, f0: UnsafePointer<Scalar>,
        y1: UnsafePointer<Scalar>, f1: UnsafePointer<Scalar>, into output: UnsafeMutablePointer<Scalar>
    ) {
        let (h00, h10, h01, h11) = hermiteWeights(theta)
        for i in 0..<n { output[i] = h00 * y0[i] + h10 * h * f0[i] + h01 * y1[i] + h11 * h * f1[i] }
    }

    /// The stage weights `bᵢ(θ)` of a polynomial extension with `rows` (one per stage), written
    /// to `weights`.
    @inlinable @inline(__always)
    static func stageWeights(rows: UnsafePointer<Double>, stages: Int, degree: Int, theta: Double, into weights: UnsafeMutablePointer<Double>) {
        for i in 0..<stages {
            var weight = 0.0, power = theta
            for m in 0..<degree {
                weight += rows[i * degree + m] * power
                power *= theta
            }
            weights[i] = weight
        }
    }

    /// `y(t + θh)` of an accepted explicit step from `y` to `yNew`: `slope(i)` is stage `i`'s
    /// slope for `i < s`, `slope(s)` the slope at `yNew` and `slope(s + 1 + j)` extra stage `j`
    /// of an extended form (already evaluated).
    @inlinable
    func evaluate<Scalar: BinaryFloatingPoint>(
        theta thetaValue: Double, h hValue: Double, count n: Int, stages s: Int, y: UnsafeMutablePointer<Scalar>,
        yNew: UnsafeMutablePointer<Scalar>, slope: (Int) -> UnsafeMutablePointer<Scalar>, into output: UnsafeMutablePointer<Scalar>
    ) {
        let theta = Scalar(thetaValue), h = Scalar(hValue)
        switch self {
        case .hermite:
            DenseOutput.hermite(theta: theta, h: h, count: n, y0: y, f0: slope(0), y1: yNew, f1: slope(s), into: output)
        case let .polynomial(rows):
            for component in 0..<n { output[component] = 0 }
            for i in 0..<s {
                var weight: Scalar = 0, power = theta
                for coefficient in rows[i] {
                    weight += Scalar(coefficient) * power
                    power *= theta
                }
                let k = slope(i)
                for component in 0..<n { output[component] += weight * k[component] }
            }
            for component in 0..<n { output[component] = y[component] + h * output[component] }
        case let .extended(continuation):
            // Hairer's DOP853 form: F0 = Δy, F1 = h f0 − Δy, F2 = 2Δy − h(f0 + f1), F3... = h d·K,
            // y(θ) = y0 + F0 θ + F1 θ(1−θ) + F2 θ²(1−θ) + ... (alternating factors θ and 1−θ).
            let rows = continuation.d.count
            let f0 = slope(0), f1 = slope(s)
            for component in 0..<n {
                let delta = yNew[component] - y[component]
                var value: Scalar = 0
                for r in stride(from: rows - 1, through: 0, by: -1) {
                    var sum: Scalar = 0
                    for (j, weight) in continuation.d[r].enumerated() where weight != 0 {
                        sum += Scalar(weight) * slope(j < s ? j : j + 1)[component]
                    }
                    value += h * sum
                    value *= (rows - 1 - r) % 2 == 0 ? theta : 1 - theta
                }
                // F2, F1, F0 are the last three terms of the nested product, counted from the top.
                value += 2 * delta - h * (f0[component] + f1[component])
                value *= rows % 2 == 0 ? theta : 1 - theta
                value += h * f0[component] - delta
                value *= (rows + 1) % 2 == 0 ? theta : 1 - theta
                value += delta
                value *= (rows + 2) % 2 == 0 ? theta : 1 - theta
                output[component] = y[component] + value
            }
        }
    }
}
