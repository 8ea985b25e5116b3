import Foundation
import Testing
import Expressions

@Suite struct FunctionDescriptionTests {
    @Test("every function has a one-line summary and a stated derivative; the writable list is every case but sign")
    func described() {
        for function in Function.allCases {
            #expect(!function.summary.isEmpty && !function.summary.contains("\n"), "\(function)")
            #expect(!function.derivative.isEmpty, "\(function)")
        }
        #expect(Set(Function.writable) == Set(Function.allCases).subtracting([.sign]))
        #expect(Function.writableNames == "sin cos tan exp log sqrt tanh abs sigmoid min max pow sinh cosh atan2 mod floor")
    }

    /// Each writable function, called on a state and a parameter, compiled onto the tape (by its
    /// own instruction, or the generic call for those without one) and differentiated there.
    @Test("every function evaluates on the tape as in the tree walk, and its compiled derivatives match central differences",
          arguments: Function.writable)
    func compiledAgreesWithTreeWalk(function: Function) throws {
        let text = function.arity == 1 ? "\(function.rawValue)(x*a)" : "\(function.rawValue)(x, a)"
        let system = try EquationSystem(states: ["x"], equations: ["x": text], parameters: ["a"])
        let tree = try ExpressionParser.parse(text)
        for (x, a) in [(0.3, 0.9), (0.7, 1.3), (1.1, 0.6)] {
            let compiled = system.evaluate(t: 0, state: [x], parameters: [a])[0]
            let walked = tree.evaluate { $0 == "x" ? x : ($0 == "a" ? a : .nan) }
            #expect(compiled == walked, "\(text) at x = \(x), a = \(a): tape \(compiled), tree \(walked)")
            let h = 1e-6
            let numeric = (system.evaluate(t: 0, state: [x + h], parameters: [a])[0] - system.evaluate(t: 0, state: [x - h], parameters: [a])[0]) / (2 * h)
            let symbolic = system.jacobianState(t: 0, state: [x], parameters: [a])[0]
            #expect(Swift.abs(numeric - symbolic) <= 1e-6 * Swift.max(1, Swift.abs(symbolic)), "∂/∂x \(text): \(symbolic) vs \(numeric)")
        }
    }

    /// The stated derivative of each one-argument function agrees with the symbolic one.
    @Test(arguments: Function.writable.filter { $0.arity == 1 })
    func statedDerivativeIsTheSymbolicOne(function: Function) throws {
        let f = try ExpressionParser.parse("\(function.rawValue)(x)")
        let symbolic = f.derivative(withRespectTo: "x")
        let stated = try ExpressionParser.parse(function.derivative.replacingOccurrences(of: "sign(x)", with: "x/abs(x)"))
        for x in [0.3, 0.7, 1.1, 1.4] {
            let a = symbolic.evaluate { $0 == "x" ? x : .nan }, b = stated.evaluate { $0 == "x" ? x : .nan }
            #expect(Swift.abs(a - b) <= 1e-12 * Swift.max(1, Swift.abs(a)), "d/dx \(function)(x) at \(x): \(a) vs stated \(function.derivative) = \(b)")
        }
    }
}
