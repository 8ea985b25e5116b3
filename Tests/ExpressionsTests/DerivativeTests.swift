import Foundation
import Testing
import Expressions

@Suite struct DerivativeTests {
    static let rules: [String] = [
        "x^2", "x^3", "x^-2", "x^2.5", "2^x", "x^x", "pow(x, a)", "pow(a, x)", "x^a^2", "sin(x)", "cos(x)",
        "tan(x)", "exp(x)", "log(x)", "sqrt(x)", "tanh(x)", "abs(x - 0.3)", "abs(0.3 - x)", "sigmoid(x)",
        "min(x, 1.2 - x)", "max(x, 1.2 - x)", "min(a, x^2)", "max(2*x, a)", "x/(1 + x^2)", "-x*a", "a/x",
        "sin(x*cos(x))", "exp(-x^2/a)", "log(1 + x^2)*sqrt(x)", "sigmoid(a*x - 1)^2", "tanh(x)/x", "3*x - x*a + t",
        "x - x", "(x + 1)*(x - 1)", "pi*x + e",
    ]

    /// d/dx against central differences at random points x ∈ (0.2, 1.8), a ∈ (0.5, 1.5).
    @Test(arguments: rules)
    func ruleMatchesFiniteDifferences(text: String) throws {
        let f = try ExpressionParser.parse(text)
        let df = f.derivative(withRespectTo: "x")
        var rng = SeededGenerator(seed: UInt64(text.utf8.reduce(0) { $0 &* 31 &+ Int($1) } & 0xFFFF))
        for _ in 0..<50 {
            let x = Double.random(in: 0.2...1.8, using: &rng), a = Double.random(in: 0.5...1.5, using: &rng)
            if Swift.abs(x - 0.3) < 1e-3 || Swift.abs(x - 0.6) < 1e-3 || Swift.abs(x * x - a) < 1e-3 || Swift.abs(2 * x - a) < 1e-3 { continue }
            func at(_ x: Double) -> Double { f.evaluate { ["x": x, "a": a, "t": 0.4, "pi": Double.pi, "e": M_E][$0] ?? .nan } }
            let h = 1e-6
            let numeric = (at(x + h) - at(x - h)) / (2 * h)
            let symbolic = df.evaluate { ["x": x, "a": a, "t": 0.4, "pi": Double.pi, "e": M_E][$0] ?? .nan }
            #expect(Swift.abs(numeric - symbolic) <= 1e-6 * Swift.max(1, Swift.abs(symbolic)),
                    "d/dx \(text) at x=\(x), a=\(a): \(symbolic) (\(df)) vs \(numeric)")
        }
    }

    /// The same rules compiled onto the tape: the 1×1 Jacobian and ∂f/∂a against central differences.
    @Test(arguments: rules)
    func compiledJacobianMatchesFiniteDifferences(text: String) throws {
        let s = try EquationSystem(states: ["x"], equations: ["x": text], parameters: ["a"])
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<20 {
            let x = Double.random(in: 0.2...1.8, using: &rng), a = Double.random(in: 0.5...1.5, using: &rng)
            if Swift.abs(x - 0.3) < 1e-3 || Swift.abs(x - 0.6) < 1e-3 || Swift.abs(x * x - a) < 1e-3 || Swift.abs(2 * x - a) < 1e-3 { continue }
            let h = 1e-6
            let dx = (s.evaluate(t: 0.4, state: [x + h], parameters: [a])[0] - s.evaluate(t: 0.4, state: [x - h], parameters: [a])[0]) / (2 * h)
            let da = (s.evaluate(t: 0.4, state: [x], parameters: [a + h])[0] - s.evaluate(t: 0.4, state: [x], parameters: [a - h])[0]) / (2 * h)
            let jy = s.jacobianState(t: 0.4, state: [x], parameters: [a])[0]
            let jp = s.jacobianParameters(t: 0.4, state: [x], parameters: [a])[0]
            #expect(Swift.abs(dx - jy) <= 1e-6 * Swift.max(1, Swift.abs(jy)), "∂/∂x \(text): \(jy) vs \(dx)")
            #expect(Swift.abs(da - jp) <= 1e-6 * Swift.max(1, Swift.abs(jp)), "∂/∂a \(text): \(jp) vs \(da)")
        }
    }

    static let printed: [(String, String, String)] = [
        ("3*x", "x", "3"), ("x^2", "x", "2*x"), ("x^3", "x", "3*x^2"), ("x*y", "x", "y"), ("x*y", "y", "x"),
        ("sin(x)", "x", "cos(x)"), ("cos(x)", "x", "-sin(x)"), ("x + 5", "x", "1"), ("5", "x", "0"), ("y", "x", "0"),
        ("exp(2*x)", "x", "2*exp(2*x)"), ("log(x)", "x", "1/x"), ("sqrt(x)", "x", "1/(2*sqrt(x))"),
        ("abs(x)", "x", "sign(x)"), ("x^-1", "x", "-x^-2"), ("2*x*y + 0*x", "x", "2*y"), ("x/2", "x", "0.5"),
        ("tanh(x)", "x", "1 - tanh(x)^2"), ("sigmoid(x)", "x", "sigmoid(x)*(1 - sigmoid(x))"),
        ("x^y", "y", "log(x)*x^y"), ("x^y", "x", "y*x^(y - 1)"), ("sigma*(y - x)", "x", "-sigma"),
        ("x*(rho - z) - y", "z", "-x"), ("min(x, y)", "x", "x <= y ? 1 : 0"), ("-x^2", "x", "-2*x"),
        ("1/x", "x", "-1/x^2"), ("(x^2)^3", "x", "6*x^5"),
    ]

    @Test(arguments: printed)
    func simplifiedDerivativesPrint(text: String, variable: String, expected: String) throws {
        let got = try ExpressionParser.parse(text).derivative(withRespectTo: variable).description
        #expect(got == expected)
    }

    @Test func systemDerivativeByName() throws {
        let s = try lorenz()
        #expect(s.derivative(of: "y", withRespectTo: "x").description == "rho - z")
        #expect(s.derivative(of: "z", withRespectTo: "beta").description == "-z")
        #expect(s.derivative(of: "x", withRespectTo: "t").description == "0")
    }

    @Test func lorenzJacobians() throws {
        let s = try lorenz()
        let (x, y, z, sigma, rho, beta) = (1.5, -2.0, 20.0, 10.0, 28.0, 8.0 / 3)
        let jy = s.jacobianState(t: 0, state: [x, y, z], parameters: [sigma, rho, beta])
        let handY: [Double] = [-sigma, sigma, 0, rho - z, -1, -x, y, x, -beta]
        #expect(jy == handY)
        let jp = s.jacobianParameters(t: 0, state: [x, y, z], parameters: [sigma, rho, beta])
        let handP: [Double] = [y - x, 0, 0, 0, x, 0, 0, 0, -z]
        #expect(jp == handP)
        #expect(s.timeDerivative(t: 3, state: [x, y, z], parameters: [sigma, rho, beta]) == [0, 0, 0])
    }

    @Test func vanDerPolJacobian() throws {
        let s = try vanDerPol()
        let (x, y, mu) = (1.2, -0.7, 3.5)
        let hand: [Double] = [0, 1, -2 * mu * x * y - 1, mu * (1 - x * x)]
        let got = s.jacobianState(t: 0, state: [x, y], parameters: [mu])
        for k in 0..<4 { #expect(close(got[k], hand[k], relative: 1e-15), "entry \(k): \(got[k]) vs \(hand[k])") }
        let jp = s.jacobianParameters(t: 0, state: [x, y], parameters: [mu])
        #expect(jp[0] == 0)
        #expect(close(jp[1], (1 - x * x) * y, relative: 1e-15))
    }

    @Test func robertsonJacobians() throws {
        let s = try robertson()
        let (y1, y2, y3, k1, k2, k3) = (0.9, 3e-5, 0.1, 0.04, 3e7, 1e4)
        let hand: [Double] = [
            -k1, k3 * y3, k3 * y2,
            k1, -k3 * y3 - 2 * k2 * y2, -k3 * y2,
            0, 2 * k2 * y2, 0,
        ]
        let got = s.jacobianState(t: 0, state: [y1, y2, y3], parameters: [k1, k2, k3])
        for k in 0..<9 { #expect(close(got[k], hand[k], relative: 1e-14), "entry \(k): \(got[k]) vs \(hand[k])") }
        let handP: [Double] = [-y1, 0, y2 * y3, y1, -y2 * y2, -y2 * y3, 0, y2 * y2, 0]
        let gotP = s.jacobianParameters(t: 0, state: [y1, y2, y3], parameters: [k1, k2, k3])
        for k in 0..<9 { #expect(close(gotP[k], handP[k], relative: 1e-14), "entry \(k): \(gotP[k]) vs \(handP[k])") }
    }

    @Test func timeDerivativeOfForcedSystem() throws {
        let s = try EquationSystem(states: ["x", "v"], equations: ["x": "v", "v": "-k*x + a*cos(w*t) + t^2"], parameters: ["k", "a", "w"])
        let got = s.timeDerivative(t: 0.7, state: [1, 2], parameters: [4, 0.5, 3])
        #expect(got[0] == 0)
        #expect(close(got[1], -0.5 * 3 * sin(3 * 0.7) + 2 * 0.7, relative: 1e-15))
    }

    @Test(arguments: 0..<10)
    func vectorJacobianProductsMatchJacobians(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(100 + seed))
        for s in [try lorenz(), try vanDerPol(), try robertson(), try everything()] {
            let n = s.dimension, p = s.parameterNames.count
            let y = (0..<n).map { _ in Double.random(in: 0.2...1.8, using: &rng) }
            let theta = (0..<p).map { _ in Double.random(in: 0.5...1.5, using: &rng) }
            let v = (0..<n).map { _ in Double.random(in: -2...2, using: &rng) }
            let t = Double.random(in: 0...1, using: &rng)
            let jy = s.jacobianState(t: t, state: y, parameters: theta)
            let jp = s.jacobianParameters(t: t, state: y, parameters: theta)
            let vy = s.vjpState(v: v, t: t, state: y, parameters: theta)
            let vp = s.vjpParameters(v: v, t: t, state: y, parameters: theta)
            for j in 0..<n {
                let reference = (0..<n).reduce(0.0) { $0 + v[$1] * jy[$1 * n + j] }
                #expect(close(vy[j], reference, relative: 1e-12, floor: 1e-12), "vᵀJ_y[\(j)]: \(vy[j]) vs \(reference)")
            }
            for k in 0..<p {
                let reference = (0..<n).reduce(0.0) { $0 + v[$1] * jp[$1 * p + k] }
                #expect(close(vp[k], reference, relative: 1e-12, floor: 1e-12), "vᵀJ_θ[\(k)]: \(vp[k]) vs \(reference)")
            }
        }
    }

    @Test func jacobianOfEverythingMatchesFiniteDifferences() throws {
        let s = try everything()
        let y: [Double] = [0.7, 1.3, 0.9], p: [Double] = [0.8, 1.1], t = 0.25
        let j = s.jacobianState(t: t, state: y, parameters: p)
        let h = 1e-6
        for col in 0..<3 {
            var up = y, down = y
            up[col] += h
            down[col] -= h
            let fu = s.evaluate(t: t, state: up, parameters: p), fd = s.evaluate(t: t, state: down, parameters: p)
            for row in 0..<3 {
                let numeric = (fu[row] - fd[row]) / (2 * h)
                #expect(Swift.abs(numeric - j[row * 3 + col]) <= 1e-6 * Swift.max(1, Swift.abs(numeric)), "J[\(row),\(col)]")
            }
        }
        let dt = s.timeDerivative(t: t, state: y, parameters: p)
        let fu = s.evaluate(t: t + h, state: y, parameters: p), fd = s.evaluate(t: t - h, state: y, parameters: p)
        for row in 0..<3 { #expect(Swift.abs((fu[row] - fd[row]) / (2 * h) - dt[row]) <= 1e-6, "∂f\(row)/∂t") }
    }
}
