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
        #expect(Function.writableNames == "sin cos tan exp log sqrt tanh abs sigmoid min max pow")
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
