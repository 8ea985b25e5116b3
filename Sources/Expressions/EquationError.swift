/// Why an `EquationSystem` could not be built: the state (or name) at fault, and, when the fault is
/// inside an equation's text, the `ExpressionError` that locates it there.
///
/// The notebook uses `state` to find the YAML line `state: text` and `expressionError` to draw the
/// caret under the bad token of that line.
public struct EquationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public enum Kind: Sendable, Equatable {
        /// The equation of `state` does not parse, or names something unknown.
        case expression
        /// A state has no equation.
        case missingEquation
        /// An equation is given for something that is not a state.
        case extraEquation
        /// A state has two equations.
        case duplicateEquation
        /// A state or parameter name is not an identifier (letters, digits, `_`, not starting with a digit).
        case invalidName
        /// A state or parameter is called `t` or like a function.
        case reservedName
        /// A name is used twice among the states and parameters.
        case duplicateName
        /// The system has no states.
        case noStates
    }

    /// The kind of problem.
    public var kind: Kind
    /// The state whose equation failed; for name problems, the offending state or parameter name.
    public var state: String
    /// The located error inside the equation text, for `.expression`.
    public var expressionError: ExpressionError?
    /// One sentence describing the problem (for `.expression`, the expression error's message).
    public var message: String

    /// Creates an error.
    public init(kind: Kind, state: String, message: String, expressionError: ExpressionError? = nil) {
        self.kind = kind
        self.state = state
        self.message = message
        self.expressionError = expressionError
    }

    /// `equation for 'x': message`, plus the caret display when there is one.
    public var description: String {
        if let e = expressionError {
            return "equation for '\(state)', column \(e.column): \(e.message)\n\(e.caretDisplay)"
        }
        return message
    }
}
