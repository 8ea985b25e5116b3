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
