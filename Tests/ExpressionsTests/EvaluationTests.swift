import Foundation
import Testing
import Expressions

@Suite struct EvaluationTests {
    @Test func lorenzByHand() throws {
        let s = try lorenz()
        #expect(s.dimension == 3)
        #expect(s.stateNames == ["x", "y", "z"])
        #expect(s.parameterNames == ["sigma", "rho", "beta"])
        // σ(y − x) = 10·1, x(ρ − z) − y = 25 − 2, xy − βz = 2 − 8.
        let beta: Double = 8.0 / 3
        let first: [Double] = [10, 23, 2 - beta * 3]
        #expect(s.evaluate(t: 0, state: [1, 2, 3], parameters: [10, 28, beta]) == first)
        let second: [Double] = [20, -12.5, -40.75]   // 10·2, −1.5·8 − 0.5, −0.75 − 2·20
        #expect(s.evaluate(t: 5, state: [-1.5, 0.5, 20], parameters: [10, 28, 2]) == second)
    }

    @Test func vanDerPolByHand() throws {
        let s = try vanDerPol()
        // y' = μ(1 − x²)y − x = 0.5·(−3)·3 − 2.
        #expect(s.evaluate(t: 0, state: [2, 3], parameters: [0.5]) == [3, -6.5])
        #expect(s.evaluate(t: 0, state: [0, 1], parameters: [1000]) == [1, 1000])
    }

    @Test func everyFunctionByHand() throws {
        let s = try everything()
        let (u, v, w, a, b, t) = (0.7, 1.3, 0.9, 0.8, 1.1, 0.25)
        let expected = [
            sin(u) * cos(v) + tan(w / 3) - exp(-u * t) + log(v + a) + sqrt(w),
            tanh(a * u - b) + Swift.abs(v - 1) - 1 / (1 + exp(-(w - u))) * Swift.min(u, v) + pow(Swift.max(w, b), 2) / pow(u + 1, a),
            -pow(u, 3) + pow(v, -2) - pow(w - 0.5, 5) + pow(2, u * b) + pow(u, v) + Double.pi * M_E * t - 1e-3 * t * t / (1 + u * v),
        ]
        let got = s.evaluate(t: t, state: [u, v, w], parameters: [a, b])
        for i in 0..<3 { #expect(close(got[i], expected[i], relative: 1e-14), "equation \(i): \(got[i]) vs \(expected[i])") }
    }

    @Test func timeDependence() throws {
        let s = try EquationSystem(states: ["x", "y"], equations: ["x": "sin(t)*x", "y": "t^2 - y"], parameters: [])
        let f = s.evaluate(t: Double.pi / 2, state: [3, 1], parameters: [])
        let expected: [Double] = [3, Double.pi * Double.pi / 4 - 1]
        #expect(f == expected)
        #expect(s.evaluate(t: 0, state: [3, 1], parameters: []) == [0, -1])
    }

    @Test func constantsAndShadowing() throws {
        let plain = try EquationSystem(states: ["x"], equations: ["x": "pi + e"], parameters: [])
        let sum: Double = Double.pi + M_E
        #expect(plain.evaluate(t: 0, state: [0], parameters: []) == [sum])
        let shadowed = try EquationSystem(states: ["x"], equations: ["x": "pi + e*x"], parameters: ["e"])
        #expect(shadowed.evaluate(t: 0, state: [2], parameters: [5]) == [Double.pi + 10])
        let stateE = try EquationSystem(states: ["e"], equations: ["e": "-e"], parameters: [])
        #expect(stateE.evaluate(t: 0, state: [4], parameters: []) == [-4])
    }

    @Test(arguments: 0..<40)
    func tapeMatchesTreeWalk(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed))
        let systems = [try lorenz(), try vanDerPol(), try robertson(), try everything()]
        for s in systems {
            let isEverything = s.stateNames == ["u", "v", "w"]
            for _ in 0..<25 {
                let y = (0..<s.dimension).map { _ in isEverything ? Double.random(in: 0.1...2, using: &rng) : Double.random(in: -30...30, using: &rng) }
                let p = (0..<s.parameterNames.count).map { _ in Double.random(in: 0.5...1.5, using: &rng) }
                let t = Double.random(in: -2...2, using: &rng)
                let fast = s.evaluate(t: t, state: y, parameters: p)
                let slow = s.evaluateByWalkingTrees(t: t, state: y, parameters: p)
                for i in 0..<s.dimension {
                    #expect(close(fast[i], slow[i], relative: 1e-14, floor: 1e-12), "\(s.stateNames[i]): \(fast[i]) vs \(slow[i])")
                }
            }
        }
    }

    @Test func workspaceAndStackFormsAgree() throws {
        let s = try everything()
        let workspace = s.makeWorkspace()
        let y: [Double] = [0.4, 1.7, 0.3], p: [Double] = [0.9, 1.2]
        var a = [Double](repeating: 0, count: 3), b = a
        y.withUnsafeBufferPointer { yb in
            p.withUnsafeBufferPointer { pb in
                a.withUnsafeMutableBufferPointer { s.evaluate(t: 0.3, state: yb, parameters: pb, derivative: $0, workspace: workspace) }
                // Twice through the same workspace: the result does not depend on what the buffer held.
                a.withUnsafeMutableBufferPointer { s.evaluate(t: 0.3, state: yb, parameters: pb, derivative: $0, workspace: workspace) }
                b.withUnsafeMutableBufferPointer { s.evaluate(t: 0.3, state: yb, parameters: pb, derivative: $0) }
            }
        }
        #expect(a == b)
        #expect(a == s.evaluateByWalkingTrees(t: 0.3, state: y, parameters: p))
    }

    @Test func concurrentCallsWithoutWorkspace() throws {
        let s = try lorenz()
        let expected = s.evaluate(t: 0, state: [1, 2, 3], parameters: [10, 28, 2])
        // One counter per thread, so no lock is needed (Synchronization.Mutex would need macOS 15).
        nonisolated(unsafe) let counters = UnsafeMutableBufferPointer<Int>.allocate(capacity: 8)
        counters.initialize(repeating: 0)
        defer { counters.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            let workspace = s.makeWorkspace()
            for k in 0..<2000 {
                let viaStack = s.evaluate(t: 0, state: [1, 2, 3], parameters: [10, 28, 2])
                var viaWorkspace = [Double](repeating: 0, count: 3)
                [1.0, 2, 3].withUnsafeBufferPointer { y in
                    [10.0, 28, 2].withUnsafeBufferPointer { p in
                        viaWorkspace.withUnsafeMutableBufferPointer {
                            s.evaluate(t: Double(k) * 0, state: y, parameters: p, derivative: $0, workspace: workspace)
                        }
                    }
                }
                if viaStack != expected || viaWorkspace != expected { counters[thread] += 1 }
            }
        }
        #expect(counters.reduce(0, +) == 0)
    }

    @Test func commonSubexpressionsAndConstantsAreShared() throws {
        let s = try EquationSystem(states: ["x", "y"], equations: ["x": "x*y + sin(y*x)", "y": "2*3*x*y - y*x"], parameters: [])
        // x*y once, sin, add; then (2*3)*x folded to 6*x, times y, minus x*y: mul, mul, sub.
        #expect(s.tapeSizes[0] == 6)
        let squares = try EquationSystem(states: ["x"], equations: ["x": "x^2 + x^2 + (1 + 2)^2"], parameters: [])
        #expect(squares.tapeSizes[0] == 3)   // x*x, add, add 9
        #expect(squares.evaluate(t: 0, state: [3], parameters: []) == [27])
    }
}
