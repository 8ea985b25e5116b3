/// Parses the right-hand side of an `{ode}` equation into an `Expression`.
///
/// A hand-written recursive-descent parser, one function per precedence level (the classic
/// layering of e.g. Aho, Lam, Sethi & Ullman, *Compilers*, §4.4; Wirth, *Compiler Construction*, ch. 4):
///
/// ```
/// expression := term (('+' | '-') term)*            left-associative
/// term       := unary (('*' | '/') unary)*          left-associative
/// unary      := ('-' | '+') unary | power
/// power      := primary ('^' unary)?                right-associative; -x^2 = -(x^2), 2^-1 = 0.5
/// primary    := number | name | name '(' expression (',' expression)* ')' | '(' expression ')'
/// ```
///
/// Columns in errors count characters (1-based), so the caret lines up under the token.
///
/// Trees are at most ``maximumDepth`` levels deep (parentheses, calls, signs, and chains of
/// operators all count), so that every later pass over them (evaluation, derivatives,
/// simplification, printing) recurses a bounded number of times; deeper text is an error at the
/// token where the limit is passed.
public enum ExpressionParser {
    /// The deepest tree an expression may make.
    public static let maximumDepth = 256

    /// Parses `text`; names are not checked (see `parse(_:names:)`).
    public static func parse(_ text: String) throws(ExpressionError) -> Expression {
        var parser = try Parser(text: text)
        return try parser.parseAll()
    }

    /// Parses `text` and checks that every name is one of `names` or the constants `pi` and `e`;
    /// an unknown name is reported with the closest known one ("did you mean 'sigma'?").
    public static func parse(_ text: String, names: [String]) throws(ExpressionError) -> Expression {
        try parse(text, names: names, known: Set(names))
    }

    /// `parse(_:names:)` with the names also as a set (`known`), for a caller that parses many
    /// expressions against the same names.
    public static func parse(_ text: String, names: [String], known: Set<String>) throws(ExpressionError) -> Expression {
        let expression = try parse(text)
        try checkNames(expression, text: text, names: names, known: known)
        return expression
    }

    /// Reports the first name in `expression` that is neither in `known` (the set of `names`) nor
    /// `pi`/`e`.
    static func checkNames(_ expression: Expression, text: String, names: [String], known: Set<String>) throws(ExpressionError) {
        for (name, range) in expression.names where !known.contains(name) && name != "pi" && name != "e" {
            let r = range ?? 0..<Swift.max(1, text.count)
            if let f = Function(rawValue: name), Function.writable.contains(f) {
                throw ExpressionError("'\(name)' is a function; call it as \(name)(...)", text: text, range: r)
            }
            let message = "unknown name '\(name)'" + Suggestion.didYouMean(name, in: names + ["pi", "e"])
            throw ExpressionError(message, text: text, range: r)
        }
    }
}

/// One lexical token with its character range.
private struct Token {
    enum Kind: Equatable {
        case number(Double)
        case name(String)
        case symbol(Character)   // + - * / ^ ( ) ,
        case end
    }
    var kind: Kind
    var range: Range<Int>
}

/// The lexer and the recursive-descent parser proper. Each parse function returns the subtree
/// and its depth.
private struct Parser {
    typealias Parsed = (expression: Expression, depth: Int)

    let text: String
    let tokens: [Token]
    var index = 0

    init(text: String) throws(ExpressionError) {
        self.text = text
        self.tokens = try Parser.lex(text)
    }

    static func isNameStart(_ c: Character) -> Bool { c == "_" || (c.isASCII && c.isLetter) }
    static func isNameChar(_ c: Character) -> Bool { isNameStart(c) || (c.isASCII && c.isNumber) }
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    static func lex(_ text: String) throws(ExpressionError) -> [Token] {
        let chars = Array(text)
        var tokens: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                while i < chars.count, isDigit(chars[i]) { i += 1 }
                if i < chars.count, chars[i] == "." {
                    i += 1
                    while i < chars.count, isDigit(chars[i]) { i += 1 }
                }
                // An exponent only if digits follow: `2e` stays "2" then the name "e" (and is then an error).
                if i < chars.count, chars[i] == "e" || chars[i] == "E" {
                    var j = i + 1
                    if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
                    if j < chars.count, isDigit(chars[j]) {
                        i = j
                        while i < chars.count, isDigit(chars[i]) { i += 1 }
                    }
                }
                let literal = String(chars[start..<i])
                guard let value = Double(literal), value.isFinite else {
                    throw ExpressionError("number '\(literal)' is too large", text: text, range: start..<i)
                }
                tokens.append(Token(kind: .number(value), range: start..<i))
            } else if isNameStart(c) {
                while i < chars.count, isNameChar(chars[i]) { i += 1 }
                tokens.append(Token(kind: .name(String(chars[start..<i])), range: start..<i))
            } else if "+-*/^(),".contains(c) {
                i += 1
                tokens.append(Token(kind: .symbol(c), range: start..<i))
            } else {
                throw ExpressionError("unexpected character '\(c)'", text: text, range: start..<(start + 1))
            }
        }
        tokens.append(Token(kind: .end, range: chars.count..<(chars.count + 1)))
        return tokens
    }

    var current: Token { tokens[index] }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func isSymbol(_ c: Character) -> Bool { current.kind == .symbol(c) }

    func unexpected(_ token: Token) -> ExpressionError {
        switch token.kind {
        case .end: ExpressionError("unexpected end of expression", text: text, range: token.range)
        case .number: ExpressionError("unexpected number '\(slice(token.range))'", text: text, range: token.range)
        case .name(let n): ExpressionError("unexpected name '\(n)'", text: text, range: token.range)
        case .symbol(let c): ExpressionError("unexpected '\(c)'", text: text, range: token.range)
        }
    }

    func slice(_ r: Range<Int>) -> String { String(Array(text)[r]) }

    /// The error for a tree that would pass ``ExpressionParser/maximumDepth`` at `range`.
    func tooDeep(_ range: Range<Int>) -> ExpressionError {
        ExpressionError("the expression nests more than \(ExpressionParser.maximumDepth) levels deep (parentheses, calls, signs and chains of operators count); split it into shorter terms",
                        text: text, range: range)
    }

    /// `depth` checked against the limit, for a node at `range`.
    func checked(_ depth: Int, at range: Range<Int>?) throws(ExpressionError) -> Int {
        guard depth <= ExpressionParser.maximumDepth else { throw tooDeep(range ?? current.range) }
        return depth
    }

    mutating func parseAll() throws(ExpressionError) -> Expression {
        if current.kind == .end {
            throw ExpressionError("empty expression", text: text, range: 0..<1)
        }
        let e = try parseExpression().expression
        if current.kind != .end {
            if isSymbol(")") {
                throw ExpressionError("unmatched ')'", text: text, range: current.range)
            }
            throw unexpected(current)
        }
        return e
    }

    mutating func parseExpression() throws(ExpressionError) -> Parsed {
        try parseLeftAssociative([.add, .subtract]) { parser throws(ExpressionError) in try parser.parseTerm() }
    }

    mutating func parseTerm() throws(ExpressionError) -> Parsed {
        try parseLeftAssociative([.multiply, .divide]) { parser throws(ExpressionError) in try parser.parseUnary() }
    }

    /// One level of left-associative operators: operands read by `parseOperand`, joined left to
    /// right by any of `operators` (`a - b + c` is `(a - b) + c`).
    mutating func parseLeftAssociative(
        _ operators: [BinaryOperator], operand parseOperand: (inout Parser) throws(ExpressionError) -> Parsed
    ) throws(ExpressionError) -> Parsed {
        var (lhs, depth) = try parseOperand(&self)
        while case .symbol(let c) = current.kind, let op = BinaryOperator(rawValue: String(c)), operators.contains(op) {
            let operatorRange = current.range
            advance()
            let rhs = try parseOperand(&self)
            depth = try checked(Swift.max(depth, rhs.depth) + 1, at: operatorRange)
            lhs = .binary(op, lhs, rhs.expression, range: span(lhs, rhs.expression))
        }
        return (lhs, depth)
    }

    /// Signs, parentheses and calls recurse here; the nesting is counted on the way down, so that
    /// the parser itself stops at the limit instead of running out of stack.
    var nesting = 0

    mutating func parseUnary() throws(ExpressionError) -> Parsed {
        if case .symbol(let c) = current.kind, c == "-" || c == "+" {
            let start = current.range.lowerBound
            nesting += 1
            defer { nesting -= 1 }
            _ = try checked(nesting, at: current.range)
            advance()
            let operand = try parseUnary()
            let r = start..<(operand.expression.range?.upperBound ?? start + 1)
            if c == "+" { return (operand.expression.withRange(r), operand.depth) }
            return (.negate(operand.expression, range: r), try checked(operand.depth + 1, at: start..<(start + 1)))
        }
        return try parsePower()
    }

    mutating func parsePower() throws(ExpressionError) -> Parsed {
        let base = try parsePrimary()
        guard isSymbol("^") else { return base }
        let operatorRange = current.range
        advance()
        let exponent = try parseUnary()   // right-associative: 2^3^2 = 2^(3^2)
        let depth = try checked(Swift.max(base.depth, exponent.depth) + 1, at: operatorRange)
        return (.binary(.power, base.expression, exponent.expression, range: span(base.expression, exponent.expression)), depth)
    }

    mutating func parsePrimary() throws(ExpressionError) -> Parsed {
        let token = current
        switch token.kind {
        case .number(let v):
            advance()
            return (.number(v, range: token.range), 1)
        case .name(let name):
            advance()
            guard isSymbol("(") else { return (.name(name, range: token.range), 1) }
            return try parseCall(name: name, nameRange: token.range)
        case .symbol("("):
            nesting += 1
            defer { nesting -= 1 }
            _ = try checked(nesting, at: token.range)
            advance()
            let inner = try parseExpression()
            guard isSymbol(")") else { throw missingParen(open: token) }
            let close = current.range.upperBound
            advance()
            return (inner.expression.withRange(token.range.lowerBound..<close), inner.depth)
        default:
            throw unexpected(token)
        }
    }

    mutating func parseCall(name: String, nameRange: Range<Int>) throws(ExpressionError) -> Parsed {
        guard let function = Function(rawValue: name), Function.writable.contains(function) else {
            let message = "unknown function '\(name)'" + Suggestion.didYouMean(name, in: Function.writable.map(\.rawValue))
            throw ExpressionError(message, text: text, range: nameRange)
        }
        let open = current
        nesting += 1
        defer { nesting -= 1 }
        _ = try checked(nesting, at: nameRange)
        advance()
        var arguments: [Expression] = []
        var depth = 0
        if !isSymbol(")") {
            let first = try parseExpression()
            arguments.append(first.expression)
            depth = first.depth
            while isSymbol(",") {
                advance()
                let next = try parseExpression()
                arguments.append(next.expression)
                depth = Swift.max(depth, next.depth)
            }
        }
        guard isSymbol(")") else { throw missingParen(open: open) }
        let close = current.range.upperBound
        advance()
        guard arguments.count == function.arity else {
            let noun = function.arity == 1 ? "argument" : "arguments"
            throw ExpressionError(
                "'\(name)' takes \(function.arity) \(noun), got \(arguments.count)", text: text, range: nameRange)
        }
        return (.call(function, arguments, range: nameRange.lowerBound..<close), try checked(depth + 1, at: nameRange))
    }

    /// At the end of the text: "missing ')'" under the end; otherwise "expected ')'" under the stray token.
    func missingParen(open: Token) -> ExpressionError {
        let col = open.range.lowerBound + 1
        if current.kind == .end {
            return ExpressionError("missing ')' to close the '(' at column \(col)", text: text, range: current.range)
        }
        return ExpressionError("missing ')' to close the '(' at column \(col) before \(describe(current))", text: text, range: current.range)
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: "the end"
        case .number: "'\(slice(token.range))'"
        case .name(let n): "'\(n)'"
        case .symbol(let c): "'\(c)'"
        }
    }

    func span(_ a: Expression, _ b: Expression) -> Range<Int>? {
        guard let ra = a.range, let rb = b.range else { return a.range ?? b.range }
        return ra.lowerBound..<rb.upperBound
    }
}
