import Foundation
import Testing
import Expressions

/// Builds a system expecting an `EquationError`.
func systemError(states: [String], equations: [(state: String, text: String)], parameters: [String]) -> EquationError? {
    do {
        _ = try EquationSystem(states: states, equations: equations, parameters: parameters)
        return nil
    } catch {
        return error
    }
}

@Suite struct SystemErrorTests {
    @Test func unknownNameSuggestsAndLocates() {
        let error = systemError(states: ["x", "y", "z"],
                                equations: [("x", "sigma*(y - x)"), ("y", "x*(rho - z) - y"), ("z", "x*y - betta*z")],
                                parameters: ["sigma", "rho", "beta"])
        #expect(error?.kind == .expression)
        #expect(error?.state == "z")
        #expect(error?.message == "unknown name 'betta'; did you mean 'beta'?")
        #expect(error?.expressionError?.column == 7)
        #expect(error?.expressionError?.caretDisplay == "x*y - betta*z\n      ^~~~~")
        #expect(error?.description == "equation for 'z', column 7: unknown name 'betta'; did you mean 'beta'?\nx*y - betta*z\n      ^~~~~")
    }

    @Test func unknownFunctionInEquation() {
        let error = systemError(states: ["x"], equations: [("x", "-sinn(x)")], parameters: [])
        #expect(error?.state == "x")
        #expect(error?.message == "unknown function 'sinn'; did you mean 'sin'?")
        #expect(error?.expressionError?.column == 2)
        #expect(error?.expressionError?.length == 4)
    }

    @Test func syntaxErrorNamesTheState() {
        let error = systemError(states: ["x", "y"], equations: [("x", "y"), ("y", "mu*(1 - x^2*y - x")], parameters: ["mu"])
        #expect(error?.state == "y")
        #expect(error?.expressionError?.message == "missing ')' to close the '(' at column 4")
        #expect(error?.expressionError?.column == 18)
    }

    @Test func missingEquation() {
        let error = systemError(states: ["x", "y"], equations: [("x", "y")], parameters: [])
        #expect(error?.kind == .missingEquation)
        #expect(error?.state == "y")
        #expect(error?.message == "state 'y' has no equation")
        #expect(error?.expressionError == nil)
    }

    @Test func extraEquations() {
        let stray = systemError(states: ["x", "y"], equations: [("x", "y"), ("yy", "x")], parameters: [])
        #expect(stray?.kind == .extraEquation)
        #expect(stray?.state == "yy")
        #expect(stray?.message == "there is an equation for 'yy', which is not a state; did you mean 'y'?")
        let parameter = systemError(states: ["x"], equations: [("x", "-k*x"), ("k", "1")], parameters: ["k"])
        #expect(parameter?.message == "there is an equation for 'k', which is a parameter, not a state")
        let twice = systemError(states: ["x"], equations: [("x", "1"), ("x", "2")], parameters: [])
        #expect(twice?.kind == .duplicateEquation)
        #expect(twice?.message == "state 'x' has two equations")
    }

    @Test func dictionaryFormChecksToo() {
        do {
            _ = try EquationSystem(states: ["x"], equations: ["x": "1", "w": "2"], parameters: [])
            Issue.record("no error")
        } catch {
            #expect(error.kind == .extraEquation)
            #expect(error.state == "w")
        }
    }

    @Test func badNames() {
        #expect(systemError(states: ["2x"], equations: [("2x", "1")], parameters: [])?.kind == .invalidName)
        #expect(systemError(states: ["x"], equations: [("x", "1")], parameters: ["k-1"])?.kind == .invalidName)
        #expect(systemError(states: ["x"], equations: [("x", "1")], parameters: ["t"])?.kind == .reservedName)
        #expect(systemError(states: ["sin"], equations: [("sin", "1")], parameters: [])?.kind == .reservedName)
        #expect(systemError(states: ["x"], equations: [("x", "1")], parameters: ["x"])?.kind == .duplicateName)
        #expect(systemError(states: [], equations: [], parameters: [])?.kind == .noStates)
        #expect(systemError(states: ["x"], equations: [("x", "1")], parameters: ["t"])?.message == "'t' cannot be a parameter name: it is time")
    }
}

@Suite struct NonFiniteTests {
    func system(_ equations: [(state: String, text: String)], states: [String] = ["x", "y"], parameters: [String] = []) throws -> EquationSystem {
        try EquationSystem(states: states, equations: equations, parameters: parameters)
    }

    @Test func divisionByZeroPointsAtTheDivision() throws {
        let s = try system([("x", "y"), ("y", "2 + 1/(x - 1)")])
        let found = s.firstNonFinite(t: 0, state: [1, 0], parameters: [])
        #expect(found?.state == "y")
        #expect(found?.error.message == "division by zero at t = 0")
        #expect(found?.error.column == 5)
        #expect(found?.error.length == 9)
        #expect(found?.error.caretDisplay == "2 + 1/(x - 1)\n    ^~~~~~~~~")
        #expect(s.firstNonFinite(t: 0, state: [2, 0], parameters: []) == nil)
    }

    @Test func logOfNonPositive() throws {
        let s = try system([("x", "-x + log(y)"), ("y", "1")])
        let found = s.firstNonFinite(t: 2.5, state: [1, -1], parameters: [])
        #expect(found?.state == "x")
        #expect(found?.error.message == "log of a non-positive number at t = 2.5")
        #expect(found?.error.column == 6)
        #expect(found?.error.length == 6)
    }

    @Test func innermostCulpritWins() throws {
        // sqrt(y) is NaN first; the log and the sum only pass it on.
        let s = try system([("x", "log(1 + sqrt(y))*x"), ("y", "0")])
        let found = s.firstNonFinite(t: 0, state: [1, -4], parameters: [])
        #expect(found?.error.message == "square root of a negative number at t = 0")
        #expect(found?.error.column == 9)
        #expect(found?.error.length == 7)
    }

    @Test func otherReasons() throws {
        let s = try system([("x", "exp(k*x)"), ("y", "(-y)^0.5 + 0^(-x)")], parameters: ["k"])
        #expect(s.firstNonFinite(t: 0, state: [800, -1], parameters: [1])?.error.message == "overflow in exp at t = 0")
        #expect(s.firstNonFinite(t: 0, state: [1, 2], parameters: [1])?.error.message == "negative number to a non-integer power at t = 0")
        #expect(s.firstNonFinite(t: 0, state: [1, -2], parameters: [1])?.error.message == "zero to a negative power at t = 0")
        let big = try system([("x", "x*x*x"), ("y", "tan(pi/2)*0 + 1/0")])
        #expect(big.firstNonFinite(t: 1, state: [1e200, 0], parameters: [])?.error.message == "overflow at t = 1")
        let zero = big.firstNonFinite(t: 1, state: [1, 0], parameters: [])
        #expect(zero?.state == "y")
        #expect(zero?.error.message == "division by zero at t = 1")
        #expect(zero?.error.column == 15)
    }

    @Test func nonFiniteInput() throws {
        let s = try system([("x", "y"), ("y", "k*x")], parameters: ["k"])
        let found = s.firstNonFinite(t: 0, state: [1, 2], parameters: [.infinity])
        #expect(found?.state == "y")
        #expect(found?.error.message == "'k' is not finite (inf) at t = 0")
        #expect(found?.error.column == 1)
    }
}

@Suite struct BenchmarkReport {
    /// Prints nanoseconds per call for Lorenz (no assertion on time: machines differ).
    @Test func lorenzNanosecondsPerCall() throws {
        let s = try lorenz()
        let workspace = s.makeWorkspace()
        var y: [Double] = [1, 2, 3]
        let p: [Double] = [10, 28, 8.0 / 3]
        var out = [Double](repeating: 0, count: 3)
        var jacobian = [Double](repeating: 0, count: 9)
        let calls = 2_000_000
        var checksum = 0.0
        func measure(_ label: String, _ body: () -> Void) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            let ns = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(calls)
            print("Lorenz \(label): \(String(format: "%.1f", ns)) ns/call (checksum \(checksum))")
        }
        p.withUnsafeBufferPointer { pb in
            y.withUnsafeMutableBufferPointer { yb in
                out.withUnsafeMutableBufferPointer { ob in
                    measure("evaluate, workspace") {
                        for i in 0..<calls {
                            yb[0] = Double(i & 7)
                            s.evaluate(t: 0, state: UnsafeBufferPointer(yb), parameters: pb, derivative: ob, workspace: workspace)
                            checksum += ob[1]
                        }
                    }
                    measure("evaluate, stack") {
                        for i in 0..<calls {
                            yb[0] = Double(i & 7)
                            s.evaluate(t: 0, state: UnsafeBufferPointer(yb), parameters: pb, derivative: ob)
                            checksum += ob[1]
                        }
                    }
                }
                jacobian.withUnsafeMutableBufferPointer { jb in
                    measure("jacobianState, workspace") {
                        for i in 0..<calls {
                            yb[0] = Double(i & 7)
                            s.jacobianState(t: 0, state: UnsafeBufferPointer(yb), parameters: pb, into: jb, workspace: workspace)
                            checksum += jb[3]
                        }
                    }
                }
            }
        }
        print("tape sizes (f, ∂f/∂y, ∂f/∂θ, ∂f/∂t, vᵀ∂f/∂y, vᵀ∂f/∂θ): \(s.tapeSizes)")
        #expect(checksum.isFinite)
    }
}
