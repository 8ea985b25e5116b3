import Foundation
@testable import ODE

/// dy/dt = λ y, exact solution y0 e^{λ t}.
struct ExponentialDecay: VectorField {
    var rate: Double
    var dimension: Int { 1 }
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = rate * state[0]
    }
}

/// x'' = -ω² x as a first-order system; exact x = cos ωt, v = -ω sin ωt from (1, 0).
struct HarmonicOscillator: VectorField {
    var omega: Double = 1
    var dimension: Int { 2 }
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = state[1]
        derivative[1] = -omega * omega * state[0]
    }
}

/// Logistic growth y' = r y (1 - y/K); exact y = K / (1 + (K/y0 - 1) e^{-rt}).
struct Logistic: VectorField {
    var rate: Double = 1
    var capacity: Double = 10
    var dimension: Int { 1 }
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = rate * state[0] * (1 - state[0] / capacity)
    }
    func exact(_ t: Double, from y0: Double) -> Double {
        capacity / (1 + (capacity / y0 - 1) * exp(-rate * t))
    }
}

/// dy/dt = y², which blows up at t = 1/y0.
struct Blowup: VectorField {
    var dimension: Int { 1 }
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = state[0] * state[0]
    }
}

/// Robertson's chemical kinetics, the classic stiff test problem (Robertson 1966).
struct Robertson: JacobianField {
    var dimension: Int { 3 }
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        let (a, b, c) = (state[0], state[1], state[2])
        derivative[0] = -0.04 * a + 1e4 * b * c
        derivative[1] = 0.04 * a - 1e4 * b * c - 3e7 * b * b
        derivative[2] = 3e7 * b * b
    }
    func jacobian(t: Double, state: UnsafeBufferPointer<Double>, into jacobian: UnsafeMutableBufferPointer<Double>) {
        let (b, c) = (state[1], state[2])
        let values = [-0.04, 1e4 * c, 1e4 * b, 0.04, -1e4 * c - 6e7 * b, -1e4 * b, 0, 6e7 * b, 0]
        for i in 0..<9 { jacobian[i] = values[i] }
    }
    func timeDerivative(t: Double, state: UnsafeBufferPointer<Double>, into derivative: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<3 { derivative[i] = 0 }
    }
}

/// Van der Pol's oscillator x'' = μ(1 − x²)x' − x, stiff for large μ.
struct VanDerPol: JacobianField {
    var mu: Double
    var dimension: Int { 2 }
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = state[1]
        derivative[1] = mu * (1 - state[0] * state[0]) * state[1] - state[0]
    }
    func jacobian(t: Double, state: UnsafeBufferPointer<Double>, into jacobian: UnsafeMutableBufferPointer<Double>) {
        jacobian[0] = 0
        jacobian[1] = 1
        jacobian[2] = -2 * mu * state[0] * state[1] - 1
        jacobian[3] = mu * (1 - state[0] * state[0])
    }
    func timeDerivative(t: Double, state: UnsafeBufferPointer<Double>, into derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = 0
        derivative[1] = 0
    }
}

/// y' = −y + sin t (non-autonomous, with ∂f/∂t = cos t); exact solution from y(0) = 1:
/// y = (3/2) e^{−t} + (sin t − cos t)/2.
struct ForcedDecay: JacobianField {
    var dimension: Int { 1 }
    func evaluate(t: Double, state: UnsafeBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = -state[0] + sin(t)
    }
    func jacobian(t: Double, state: UnsafeBufferPointer<Double>, into jacobian: UnsafeMutableBufferPointer<Double>) {
        jacobian[0] = -1
    }
    func timeDerivative(t: Double, state: UnsafeBufferPointer<Double>, into derivative: UnsafeMutableBufferPointer<Double>) {
        derivative[0] = cos(t)
    }
    static func exact(_ t: Double) -> Double { 1.5 * exp(-t) + (sin(t) - cos(t)) / 2 }
}
