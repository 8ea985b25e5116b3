import Foundation
import Expressions

/// A small deterministic generator (SplitMix64), so every seed gives the same inputs on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// |a - b| ≤ tolerance·max(|a|, |b|, floor).
func close(_ a: Double, _ b: Double, relative tolerance: Double, floor: Double = 1e-300) -> Bool {
    if a == b { return true }
    return Swift.abs(a - b) <= tolerance * Swift.max(Swift.abs(a), Swift.abs(b), floor)
}

func lorenz() throws -> EquationSystem {
    try EquationSystem(
        states: ["x", "y", "z"],
        equations: [(state: "x", text: "sigma*(y - x)"), (state: "y", text: "x*(rho - z) - y"), (state: "z", text: "x*y - beta*z")],
        parameters: ["sigma", "rho", "beta"])
}

func vanDerPol() throws -> EquationSystem {
    try EquationSystem(states: ["x", "y"], equations: ["x": "y", "y": "mu*(1 - x^2)*y - x"], parameters: ["mu"])
}

func robertson() throws -> EquationSystem {
    try EquationSystem(
        states: ["y1", "y2", "y3"],
        equations: [
            (state: "y1", text: "-k1*y1 + k3*y2*y3"),
            (state: "y2", text: "k1*y1 - k3*y2*y3 - k2*y2^2"),
            (state: "y3", text: "k2*y2^2"),
        ],
        parameters: ["k1", "k2", "k3"])
}

/// A system that uses every function, every operator and t; finite for states in (0.1, 2) and parameters in (0.5, 1.5).
func everything() throws -> EquationSystem {
    try EquationSystem(
        states: ["u", "v", "w"],
        equations: [
            (state: "u", text: "sin(u)*cos(v) + tan(w/3) - exp(-u*t) + log(v + a) + sqrt(w)"),
            (state: "v", text: "tanh(a*u - b) + abs(v - 1) - sigmoid(w - u)*min(u, v) + max(w, b)^2 / pow(u + 1, a)"),
            (state: "w", text: "-u^3 + v^-2 - (w - 0.5)^5 + 2^(u*b) + u^v + pi*e*t - 1e-3*t^2/(1 + u*v)"),
        ],
        parameters: ["a", "b"])
}
