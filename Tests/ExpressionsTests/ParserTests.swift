import Foundation
import Testing
import Expressions

/// Parses and evaluates `text` with the given variable values (pi and e as constants).
func value(_ text: String, _ vars: [String: Double] = [:]) throws -> Double {
    let e = try ExpressionParser.parse(text)
    var all = vars
    all["pi"] = all["pi"] ?? Double.pi
    all["e"] = all["e"] ?? M_E
    return e.evaluate { all[$0] ?? .nan }
}

/// Parses `text` expecting an error.
func parseError(_ text: String, names: [String]? = nil) -> ExpressionError? {
    do {
        if let names { _ = try ExpressionParser.parse(text, names: names) } else { _ = try ExpressionParser.parse(text) }
        return nil
    } catch {
        return error
    }
}

@Suite struct ParserTests {
    static let precedence: [(String, Double)] = [
        ("2^3^2", 512.0), ("(2^3)^2", 64), ("-2^2", -4), ("(-2)^2", 4), ("2^-1", 0.5), ("-2^-2", -0.25),
        ("10-3-2", 5), ("10-(3-2)", 9), ("8/4/2", 1), ("8/(4/2)", 4), ("2*3+4*5", 26), ("2+3*4", 14),
        ("(2+3)*4", 20), ("2*3^2", 18), ("-3*2", -6), ("+3", 3), ("--2", 2), ("-+-2", 2), ("2--2", 4),
        ("2*-3", -6), ("1-2^2*3", -11),
    ]

    @Test(arguments: precedence)
    func precedenceAndAssociativity(text: String, expected: Double) throws {
        #expect(try value(text) == expected)
    }

    @Test func variablesLeftAssociative() throws {
        #expect(try value("a-b-c", ["a": 10, "b": 3, "c": 2]) == 5)
        #expect(try value("a/b/c", ["a": 12, "b": 3, "c": 2]) == 2)
        let tree = try ExpressionParser.parse("a-b-c")
        guard case .binary(.subtract, .binary(.subtract, _, _, _), .name("c", _), _) = tree else {
            Issue.record("a-b-c is not (a-b)-c: \(tree)")
            return
        }
    }

    @Test func unaryMinusBindsLooserThanPower() throws {
        let tree = try ExpressionParser.parse("-x^2")
        guard case .negate(.binary(.power, .name("x", _), .number(2, _), _), _) = tree else {
            Issue.record("-x^2 parsed as \(tree)")
            return
        }
        #expect(try value("-x^2", ["x": 3]) == -9)
    }

    static let functions: [(String, Double)] = [
        ("sin(0.5)", sin(0.5)), ("cos(0.5)", cos(0.5)), ("tan(0.5)", tan(0.5)), ("exp(0.5)", exp(0.5)),
        ("log(0.5)", log(0.5)), ("sqrt(0.5)", sqrt(0.5)), ("tanh(0.5)", tanh(0.5)), ("abs(-0.5)", 0.5),
        ("sigmoid(0.5)", 1 / (1 + exp(-0.5))), ("sigmoid(-800)", 0), ("min(2, -3)", -3), ("max(2, -3)", 2),
        ("pow(2, 10)", 1024), ("pow(2, 0.5)", sqrt(2)), ("pi", Double.pi), ("e", M_E), ("sin(pi/2)", 1),
    ]

    @Test(arguments: functions)
    func everyFunction(text: String, expected: Double) throws {
        #expect(try value(text) == expected)
    }

    static let numbers: [(String, Double)] = [
        ("2", 2.0), ("0.5", 0.5), ("1e-4", 1e-4), (".5", 0.5), ("1.", 1), ("1E+3", 1000), ("2.5e2", 250),
        ("007", 7), ("1.5e-3", 0.0015), ("3E2", 300),
    ]

    @Test(arguments: numbers)
    func numberNotations(text: String, expected: Double) throws {
        #expect(try value(text) == expected)
    }

    @Test func whitespaceIsFree() throws {
        let spaced = try ExpressionParser.parse(" \t sigma * ( y-x )\n")
        let tight = try ExpressionParser.parse("sigma*(y-x)")
        #expect(spaced == tight)
        #expect(try value("  min ( 1 ,2 ) ") == 1)
    }

    @Test func sourceRanges() throws {
        let tree = try ExpressionParser.parse("1/(x - 1)")
        #expect(tree.range == 0..<9)
        guard case .binary(.divide, let lhs, let rhs, _) = tree else { Issue.record("not a division"); return }
        #expect(lhs.range == 0..<1)
        #expect(rhs.range == 2..<9)
        let call = try ExpressionParser.parse("2 * sin( x )")
        guard case .binary(_, _, let s, _) = call else { Issue.record("not a product"); return }
        #expect(s.range == 4..<12)
    }

    static let syntax: [(String, String, Int, Int)] = [
        // text, message, column, length
        ("x + #", "unexpected character '#'", 5, 1),
        ("x $ y", "unexpected character '$'", 3, 1),
        ("x +", "unexpected end of expression", 4, 1),
        ("2*(x+1", "missing ')' to close the '(' at column 3", 7, 1),
        ("sin(x", "missing ')' to close the '(' at column 4", 6, 1),
        ("(x y)", "missing ')' to close the '(' at column 1 before 'y'", 4, 1),
        ("x)", "unmatched ')'", 2, 1),
        ("2 x", "unexpected name 'x'", 3, 1),
        ("*x", "unexpected '*'", 1, 1),
        ("sine(x)", "unknown function 'sine'; did you mean 'sin'?", 1, 4),
        ("2*foo(x)", "unknown function 'foo'", 3, 3),
        ("pow(x)", "'pow' takes 2 arguments, got 1", 1, 3),
        ("1 + sin(x, y)", "'sin' takes 1 argument, got 2", 5, 3),
        ("max()", "'max' takes 2 arguments, got 0", 1, 3),
        ("", "empty expression", 1, 1),
        ("   ", "empty expression", 1, 1),
        ("1e999", "number '1e999' is too large", 1, 5),
        ("sign(x)", "unknown function 'sign'; did you mean 'sin'?", 1, 4),
    ]

    @Test(arguments: syntax)
    func syntaxErrors(text: String, message: String, column: Int, length: Int) {
        let error = parseError(text)
        #expect(error?.message == message)
        #expect(error?.column == column)
        #expect(error?.length == length)
        #expect(error?.text == text)
    }

    @Test func caretDisplays() {
        #expect(parseError("x + #")?.caretDisplay == "x + #\n    ^")
        #expect(parseError("sine(x) + 1")?.caretDisplay == "sine(x) + 1\n^~~~")
        #expect(parseError("sigam*(y - x)", names: ["sigma", "x", "y"])?.caretDisplay == "sigam*(y - x)\n^~~~~")
        #expect(parseError("x*(y")?.caretDisplay == "x*(y\n    ^")
        // Columns count characters, not bytes.
        #expect(parseError("x + é")?.caretDisplay == "x + é\n    ^")
        #expect(parseError("x + é")?.column == 5)
    }

    static let unknown: [(String, String, Int, Int)] = [
        ("sigam*x", "unknown name 'sigam'; did you mean 'sigma'?", 1, 5),
        ("x*rh0", "unknown name 'rh0'; did you mean 'rho'?", 3, 3),
        ("x + betta", "unknown name 'betta'; did you mean 'beta'?", 5, 5),
        ("x + gamma", "unknown name 'gamma'", 5, 5),
        ("x*y*zz", "unknown name 'zz'; did you mean 'z'?", 5, 2),
        ("sin + x", "'sin' is a function; call it as sin(...)", 1, 3),
        ("tt", "unknown name 'tt'; did you mean 't'?", 1, 2),
        ("sigma_longname*x", "unknown name 'sigma_longname'", 1, 14),
    ]

    @Test(arguments: unknown)
    func unknownNames(text: String, message: String, column: Int, length: Int) {
        let error = parseError(text, names: ["sigma", "rho", "beta", "x", "y", "z", "t"])
        #expect(error?.message == message)
        #expect(error?.column == column)
        #expect(error?.length == length)
    }

    @Test func longNamesAllowMoreEdits() {
        let names = ["population", "x"]
        #expect(parseError("popluation", names: names)?.message == "unknown name 'popluation'; did you mean 'population'?")
        #expect(parseError("popultn", names: names)?.message == "unknown name 'popultn'; did you mean 'population'?")
        #expect(parseError("pop", names: names)?.message == "unknown name 'pop'")
    }

    @Test func errorDescriptionHasColumnAndCaret() {
        let error = ExpressionError(message: "bad", text: "a + b", column: 3, length: 1)
        #expect(error.description == "column 3: bad\na + b\n  ^")
        #expect(ExpressionError(message: "m", text: "x", column: 0, length: 0).length == 1)
    }
}

@Suite struct PrinterTests {
    static let printed: [(String, String)] = [
        ("sigma*(y - x)", "sigma*(y - x)"), ("x*(rho - z) - y", "x*(rho - z) - y"), ("a - (b + c)", "a - (b + c)"),
        ("(a - b) - c", "a - b - c"), ("a + (b + c)", "a + b + c"), ("a/(b*c)", "a/(b*c)"), ("(a/b)*c", "a/b*c"),
        ("(-x)^2", "(-x)^2"), ("-x^2", "-x^2"), ("2^3^2", "2^3^2"), ("(2^3)^2", "(2^3)^2"), ("x*(-y)", "x*-y"),
        ("-(x*y)", "-(x*y)"), ("-(x + y)", "-(x + y)"), ("2^(a*b)", "2^(a*b)"), ("2^-x", "2^-x"),
        ("pow(x, 2) + min(a, b*c)", "pow(x, 2) + min(a, b*c)"), ("0.5*x + 1e-4", "0.5*x + 0.0001"),
        ("((x))", "x"), ("x/(y/z)", "x/(y/z)"), ("(x*y)/z", "x*y/z"), ("(a + b)*(c - d)", "(a + b)*(c - d)"),
    ]

    @Test(arguments: printed)
    func minimalParentheses(text: String, printed: String) throws {
        #expect(try ExpressionParser.parse(text).description == printed)
    }

    @Test(arguments: ["sigma*(y - x)", "-x^2 + 3*y/(1 - z)^2", "2^-x^2", "a - (b - c)/(d*e)", "-(-x)^3",
                      "sin(x)*cos(y - z)^2", "x/y/z", "x/(y*z) - -y"])
    func printedTextParsesBackToTheSameValue(text: String) throws {
        let vars = ["x": 0.7, "y": -1.3, "z": 2.1, "a": 0.4, "b": 1.9, "c": -0.6, "d": 3.3, "e": 1.1, "sigma": 10]
        let tree = try ExpressionParser.parse(text)
        let again = try ExpressionParser.parse(tree.description)
        #expect(tree == again)
        #expect(try value(text, vars) == value(tree.description, vars))
    }
}
