import Foundation

/// An ODE system dy/dt = f(t, y; θ) written as one expression per state, compiled for fast evaluation.
///
/// At `init` every equation is parsed and checked, then f, its Jacobians ∂f/∂y, ∂f/∂θ and ∂f/∂t,
/// and the vector–Jacobian products vᵀ∂f/∂y and vᵀ∂f/∂θ are derived symbolically
/// (`Expression.derivative(withRespectTo:)`) and compiled once each onto flat instruction tapes
/// (see `TapeBuilder` and `CompiledTape`): constants folded, common subexpressions shared across
/// equations, integer powers turned into multiplications.
///
/// **Threads.** The system is immutable and `Sendable`. The fast entry points take an explicit
/// `Workspace` (`makeWorkspace()`): a scratch register buffer preloaded with the constants, so a
/// call only copies t, y and θ in and runs the loop — no allocation at all. One workspace must not
/// be used by two threads at once; give each thread (or task) its own. Each entry point also has a
/// form without a workspace, which puts the registers in `withUnsafeTemporaryAllocation` (on the
/// stack for systems of ordinary size) and is safe to call from any number of threads; it pays
/// for copying the constants on every call.
public struct EquationSystem: Sendable {
    /// The state names, in the order of the state vector.
    public let stateNames: [String]
    /// The parameter names, in the order of the parameter vector.
    public let parameterNames: [String]
    /// The parsed right-hand sides, in state order.
    public let equations: [Expression]
    /// The equation texts, in state order.
    public let sources: [String]
    let program: Program

    /// The number of states.
    public var dimension: Int { stateNames.count }

    /// Builds the system from equations in notebook order.
    ///
    /// Checks, in order: there is at least one state; every state and parameter name is an
    /// identifier, is not `t` or a function name, and is used once; every equation belongs to a
    /// state and every state has exactly one equation; every equation parses and names only states,
    /// parameters, `t`, `pi` and `e` (a state or parameter called `pi` or `e` shadows the constant).
    public init(states: [String], equations: [(state: String, text: String)], parameters: [String]) throws(EquationError) {
        guard !states.isEmpty else {
            throw EquationError(kind: .noStates, state: "", message: "the system has no states")
        }
        var seen = Set<String>()
        let stateSet = Set(states), parameterSet = Set(parameters)
        for name in states + parameters {
            let what = stateSet.contains(name) ? "state" : "parameter"
            guard EquationSystem.isIdentifier(name) else {
                throw EquationError(kind: .invalidName, state: name,
                                    message: "'\(name)' is not a valid \(what) name (use letters, digits and _, not starting with a digit)")
            }
            if name == "t" || Function(rawValue: name) != nil {
                let why = name == "t" ? "time" : "a function"
                throw EquationError(kind: .reservedName, state: name, message: "'\(name)' cannot be a \(what) name: it is \(why)")
            }
            guard seen.insert(name).inserted else {
                throw EquationError(kind: .duplicateName, state: name, message: "'\(name)' is declared twice among the states and parameters")
            }
        }
        var texts: [String: String] = [:]
        for (state, text) in equations {
            guard stateSet.contains(state) else {
                var message = parameterSet.contains(state)
                    ? "there is an equation for '\(state)', which is a parameter, not a state"
                    : "there is an equation for '\(state)', which is not a state"
                let written = Set(equations.map(\.state))
                let missing = states.filter { !written.contains($0) }
                message += Suggestion.didYouMean(state, in: missing)
                throw EquationError(kind: .extraEquation, state: state, message: message)
            }
            guard texts[state] == nil else {
                throw EquationError(kind: .duplicateEquation, state: state, message: "state '\(state)' has two equations")
            }
            texts[state] = text
        }
        if let missing = states.first(where: { texts[$0] == nil }) {
            throw EquationError(kind: .missingEquation, state: missing, message: "state '\(missing)' has no equation")
        }
        let known = states + parameters + ["t"]
        let knownSet = Set(known)
        var parsed: [String: Expression] = [:]
        for (state, text) in equations {
            do {
                parsed[state] = try ExpressionParser.parse(text, names: known, known: knownSet)
            } catch {
                throw EquationError(kind: .expression, state: state, message: error.message, expressionError: error)
            }
        }
        self.stateNames = states
        self.parameterNames = parameters
        self.equations = states.map { parsed[$0]! }
        self.sources = states.map { texts[$0]! }
        self.program = Program(equations: self.equations, states: states, parameters: parameters)
    }

    /// Builds the system from a dictionary of equations (checked in state order, then extras by name).
    public init(states: [String], equations: [String: String], parameters: [String]) throws(EquationError) {
        let ordered = states.compactMap { s in equations[s].map { (state: s, text: $0) } }
            + equations.keys.filter { !states.contains($0) }.sorted().map { (state: $0, text: equations[$0]!) }
        try self.init(states: states, equations: ordered, parameters: parameters)
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    // MARK: Symbolic derivatives

    /// ∂f_state/∂name, simplified; `name` is a state, a parameter or `t`.
    public func derivative(of state: String, withRespectTo name: String) -> Expression {
        guard let i = stateNames.firstIndex(of: state) else { preconditionFailure("'\(state)' is not a state") }
        precondition(stateNames.contains(name) || parameterNames.contains(name) || name == "t",
                     "'\(name)' is not a state, a parameter or t")
        return equations[i].derivative(withRespectTo: name)
    }

    // MARK: Workspaces

    /// Scratch registers for the fast entry points; see the type's documentation on threads.
    ///
    /// Not `Sendable`: one workspace serves one thread at a time.
    public final class Workspace {
        let program: Program
        /// The right-hand side's registers.
        let registers: UnsafeMutablePointer<Double>
        /// The derivative tapes and their registers, made when first asked for.
        private var derivativeTapes: DerivativeTapes?
        private var derivativeRegisters: UnsafeMutablePointer<Double>?

        init(program: Program) {
            self.program = program
            registers = .allocate(capacity: Swift.max(1, program.rhs.registerCount))
            program.rhs.prepare(registers)
        }

        /// The derivative tapes and the registers they run in (compiled on first use).
        func derivatives() -> (tapes: DerivativeTapes, registers: UnsafeMutablePointer<Double>) {
            if let derivativeTapes, let derivativeRegisters { return (derivativeTapes, derivativeRegisters) }
            let tapes = program.derivatives
            let block = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, tapes.scratchCount))
            for tape in tapes.tapes { tape.prepare(block + tape.scratchOffset) }
            derivativeTapes = tapes
            derivativeRegisters = block
            return (tapes, block)
        }

        deinit {
            registers.deallocate()
            derivativeRegisters?.deallocate()
        }
    }

    /// A new workspace for this system.
    public func makeWorkspace() -> Workspace { Workspace(program: program) }

    // MARK: Evaluation

    @inline(__always)
    private func run(
        _ tape: CompiledTape, _ workspace: Workspace, t: Double, state: UnsafeBufferPointer<Double>,
        parameters: UnsafeBufferPointer<Double>, extra: UnsafeBufferPointer<Double>? = nil,
        into out: UnsafeMutableBufferPointer<Double>, expected: Int
    ) {
        precondition(workspace.program === program, "workspace made by another EquationSystem")
        check(state: state, parameters: parameters, out: out, expected: expected, extra: extra)
        tape.run(workspace.registers + tape.scratchOffset, t: t, state: state, parameters: parameters, extra: extra, into: out)
    }

    /// Runs the derivative tape `which` in `workspace` (its derivative registers).
    @inline(__always)
    private func run(
        _ which: KeyPath<DerivativeTapes, CompiledTape>, _ workspace: Workspace, t: Double, state: UnsafeBufferPointer<Double>,
        parameters: UnsafeBufferPointer<Double>, extra: UnsafeBufferPointer<Double>? = nil,
        into out: UnsafeMutableBufferPointer<Double>, expected: Int
    ) {
        precondition(workspace.program === program, "workspace made by another EquationSystem")
        check(state: state, parameters: parameters, out: out, expected: expected, extra: extra)
        let (tapes, registers) = workspace.derivatives()
        let tape = tapes[keyPath: which]
        tape.run(registers + tape.scratchOffset, t: t, state: state, parameters: parameters, extra: extra, into: out)
    }

    /// Runs the derivative tape `which` in registers of its own.
    @inline(__always)
    private func run(
        _ which: KeyPath<DerivativeTapes, CompiledTape>, t: Double, state: UnsafeBufferPointer<Double>,
        parameters: UnsafeBufferPointer<Double>, extra: UnsafeBufferPointer<Double>? = nil,
        into out: UnsafeMutableBufferPointer<Double>, expected: Int
    ) {
        run(program.derivatives[keyPath: which], t: t, state: state, parameters: parameters, extra: extra, into: out, expected: expected)
    }

    @inline(__always)
    private func run(
        _ tape: CompiledTape, t: Double, state: UnsafeBufferPointer<Double>,
        parameters: UnsafeBufferPointer<Double>, extra: UnsafeBufferPointer<Double>? = nil,
        into out: UnsafeMutableBufferPointer<Double>, expected: Int
    ) {
        check(state: state, parameters: parameters, out: out, expected: expected, extra: extra)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: tape.registerCount) { buffer in
            let r = buffer.baseAddress!
            for (k, v) in tape.constants.enumerated() { r[tape.inputCount + k] = v }
            tape.run(r, t: t, state: state, parameters: parameters, extra: extra, into: out)
        }
    }

    @inline(__always)
    private func check(state: UnsafeBufferPointer<Double>, parameters: UnsafeBufferPointer<Double>,
                       out: UnsafeMutableBufferPointer<Double>, expected: Int, extra: UnsafeBufferPointer<Double>?) {
        precondition(state.count == stateNames.count, "state has \(state.count) entries, expected \(stateNames.count)")
        precondition(parameters.count == parameterNames.count,
                     "parameters has \(parameters.count) entries, expected \(parameterNames.count)")
        precondition(out.count >= expected, "output buffer has \(out.count) entries, needs \(expected)")
        if let extra { precondition(extra.count == stateNames.count, "v has \(extra.count) entries, expected \(stateNames.count)") }
    }

    /// f(t, y; θ) into `derivative` (n entries), using `workspace`.
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, parameters: UnsafeBufferPointer<Double>,
                         derivative: UnsafeMutableBufferPointer<Double>, workspace: Workspace) {
        run(program.rhs, workspace, t: t, state: state, parameters: parameters, into: derivative, expected: dimension)
    }

    /// f(t, y; θ) into `derivative` (n entries); registers on the stack, safe from any thread.
    public func evaluate(t: Double, state: UnsafeBufferPointer<Double>, parameters: UnsafeBufferPointer<Double>,
                         derivative: UnsafeMutableBufferPointer<Double>) {
        run(program.rhs, t: t, state: state, parameters: parameters, into: derivative, expected: dimension)
    }

    /// ∂f_i/∂y_j into `into`, n×n row-major (entry i*n + j), using `workspace`.
    public func jacobianState(t: Double, state: UnsafeBufferPointer<Double>, parameters: UnsafeBufferPointer<Double>,
                              into: UnsafeMutableBufferPointer<Double>, workspace: Workspace) {
        run(\DerivativeTapes.jacobianState, workspace, t: t, state: state, parameters: parameters, into: into, expected: dimension * dimension)
    }

    /// ∂f_i/∂y_j into `into`, n×n row-major (entry i*n + j).
    public func jacobianState(t: Double, state: UnsafeBufferPointer<Double>, parameters: UnsafeBufferPointer<Double>,
                              into: UnsafeMutableBufferPointer<Double>) {
        run(\DerivativeTapes.jacobianState, t: t, state: state, parameters: parameters, into: into, expected: dimension * dimension)
    }

    /// ∂f_i/∂θ_k into `into`, n×p row-major (entry i*p + k), using `workspace`.
    public func jacobianParameters(t: Double, state: UnsafeBufferPointer<Double>, parameters: UnsafeBufferPointer<Double>,
                                   into: UnsafeMutableBufferPointer<Double>, workspace: Workspace) {
        run(\DerivativeTapes.jacobianParameters, workspace, t: t, state: state, parameters: parameters, into: into,
            expected: dimension * parameterNames.count)
    }

    /// ∂f_i/∂θ_k into `into`, n×p row-major (entry i*p + k).
    public func jacobianParameters(t: Double, state: UnsafeBufferPointer<Double>, parameters: UnsafeBufferPointer<Double>,
                                   into: UnsafeMutableBufferPointer<Double>) {
        run(\DerivativeTapes.jacobianParameters, t: t, state: state, parameters: parameters, into: into,
            expected: dimension * parameterNames.count)
    }

    /// ∂f_i/∂t into `into` (n entries), using `workspace`.
    public func timeDerivative(t: Double, state: UnsafeBufferPointer<Double>, parameters: UnsafeBufferPointer<Double>,
                               into: UnsafeMutableBufferPointer<Double>, workspace: Workspace) {
        run(\DerivativeTapes.timeDerivative, workspace, t: t, state: state, parameters: parameters, into: into, expected: dimension)
    }

    /// ∂f_i/∂t into `into` (n entries).
    public func timeDerivative(t: Double, state: UnsafeBufferPointer<Double>, parameters: UnsafeBufferPointer<Double>,
                               into: UnsafeMutableBufferPointer<Double>) {
        run(\DerivativeTapes.timeDerivative, t: t, state: state, parameters: parameters, into: into, expected: dimension)
    }

    /// vᵀ ∂f/∂y into `into` (n entries: Σ_i v_i ∂f_i/∂y_j), using `workspace`.
    public func vjpState(v: UnsafeBufferPointer<Double>, t: Double, state: UnsafeBufferPointer<Double>,
                         parameters: UnsafeBufferPointer<Double>, into: UnsafeMutableBufferPointer<Double>, workspace: Workspace) {
        run(\DerivativeTapes.vjpState, workspace, t: t, state: state, parameters: parameters, extra: v, into: into, expected: dimension)
    }

    /// vᵀ ∂f/∂y into `into` (n entries: Σ_i v_i ∂f_i/∂y_j).
    public func vjpState(v: UnsafeBufferPointer<Double>, t: Double, state: UnsafeBufferPointer<Double>,
                         parameters: UnsafeBufferPointer<Double>, into: UnsafeMutableBufferPointer<Double>) {
        run(\DerivativeTapes.vjpState, t: t, state: state, parameters: parameters, extra: v, into: into, expected: dimension)
    }

    /// vᵀ ∂f/∂θ into `into` (p entries: Σ_i v_i ∂f_i/∂θ_k), using `workspace`.
    public func vjpParameters(v: UnsafeBufferPointer<Double>, t: Double, state: UnsafeBufferPointer<Double>,
                              parameters: UnsafeBufferPointer<Double>, into: UnsafeMutableBufferPointer<Double>, workspace: Workspace) {
        run(\DerivativeTapes.vjpParameters, workspace, t: t, state: state, parameters: parameters, extra: v, into: into,
            expected: parameterNames.count)
    }

    /// vᵀ ∂f/∂θ into `into` (p entries: Σ_i v_i ∂f_i/∂θ_k).
    public func vjpParameters(v: UnsafeBufferPointer<Double>, t: Double, state: UnsafeBufferPointer<Double>,
                              parameters: UnsafeBufferPointer<Double>, into: UnsafeMutableBufferPointer<Double>) {
        run(\DerivativeTapes.vjpParameters, t: t, state: state, parameters: parameters, extra: v, into: into,
            expected: parameterNames.count)
    }

    // MARK: Array conveniences (allocate; for tests and one-off checks)

    /// f(t, y; θ) as a new array.
    public func evaluate(t: Double, state: [Double], parameters: [Double]) -> [Double] {
        arrayCall(dimension) { s, p, o in evaluate(t: t, state: s, parameters: p, derivative: o) }(state, parameters)
    }

    /// ∂f/∂y as a new n×n row-major array.
    public func jacobianState(t: Double, state: [Double], parameters: [Double]) -> [Double] {
        arrayCall(dimension * dimension) { s, p, o in jacobianState(t: t, state: s, parameters: p, into: o) }(state, parameters)
    }

    /// ∂f/∂θ as a new n×p row-major array.
    public func jacobianParameters(t: Double, state: [Double], parameters: [Double]) -> [Double] {
        arrayCall(dimension * parameterNames.count) { s, p, o in
            jacobianParameters(t: t, state: s, parameters: p, into: o)
        }(state, parameters)
    }

    /// ∂f/∂t as a new array.
    public func timeDerivative(t: Double, state: [Double], parameters: [Double]) -> [Double] {
        arrayCall(dimension) { s, p, o in timeDerivative(t: t, state: s, parameters: p, into: o) }(state, parameters)
    }

    /// vᵀ ∂f/∂y as a new array.
    public func vjpState(v: [Double], t: Double, state: [Double], parameters: [Double]) -> [Double] {
        v.withUnsafeBufferPointer { vb in
            arrayCall(dimension) { s, p, o in vjpState(v: vb, t: t, state: s, parameters: p, into: o) }(state, parameters)
        }
    }

    /// vᵀ ∂f/∂θ as a new array.
    public func vjpParameters(v: [Double], t: Double, state: [Double], parameters: [Double]) -> [Double] {
        v.withUnsafeBufferPointer { vb in
            arrayCall(parameterNames.count) { s, p, o in vjpParameters(v: vb, t: t, state: s, parameters: p, into: o) }(state, parameters)
        }
    }

    private func arrayCall(
        _ count: Int,
        _ body: @escaping (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) -> ([Double], [Double]) -> [Double] {
        { state, parameters in
            var out = [Double](repeating: 0, count: count)
            state.withUnsafeBufferPointer { s in
                parameters.withUnsafeBufferPointer { p in
                    out.withUnsafeMutableBufferPointer { o in body(s, p, o) }
                }
            }
            return out
        }
    }

    /// How many instructions each compiled tape has (f, ∂f/∂y, ∂f/∂θ, ∂f/∂t, vᵀ∂f/∂y, vᵀ∂f/∂θ).
    public var tapeSizes: [Int] { program.tapes.map(\.instructionCount) }
}

/// The compiled tapes of one system, shared by its copies and referenced by its workspaces: the
/// right-hand side, compiled when the system is made, and the derivative tapes (Jacobians, ∂f/∂t,
/// vector–Jacobian products), derived and compiled the first time a solve or a fit asks for one,
/// so that checking a notebook never pays for the symbolic Jacobian of a large system.
final class Program: @unchecked Sendable {
    let rhs: CompiledTape
    private let equations: [Expression]
    private let states: [String]
    private let parameters: [String]
    private let lock = NSLock()
    private var built: DerivativeTapes?

    init(equations: [Expression], states: [String], parameters: [String]) {
        self.equations = equations
        self.states = states
        self.parameters = parameters
        var builder = TapeBuilder(inputCount: 1 + states.count + parameters.count, slots: Program.slots(states: states, parameters: parameters))
        let refs = equations.map { builder.lower($0) }
        rhs = builder.finish(outputs: refs, scratchOffset: 0)
    }

    /// The input slot of t, each state and each parameter.
    static func slots(states: [String], parameters: [String]) -> [String: Int32] {
        var slots: [String: Int32] = ["t": 0]
        for (j, s) in states.enumerated() { slots[s] = Int32(1 + j) }
        for (k, q) in parameters.enumerated() { slots[q] = Int32(1 + states.count + k) }
        return slots
    }

    /// The derivative tapes, compiled once, by whichever thread asks first.
    var derivatives: DerivativeTapes {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let tapes = DerivativeTapes(equations: equations, states: states, parameters: parameters)
        built = tapes
        return tapes
    }

    /// Every tape (compiling the derivatives if they are not yet).
    var tapes: [CompiledTape] { [rhs] + derivatives.tapes }
}

/// The derivative tapes of a system: ∂f/∂y, ∂f/∂θ, ∂f/∂t, vᵀ∂f/∂y and vᵀ∂f/∂θ, each at its offset in
/// one register block. A derivative with respect to a name the equation does not mention is zero
/// without being derived, so a large sparse system costs in proportion to its nonzero entries.
final class DerivativeTapes: Sendable {
    let jacobianState: CompiledTape
    let jacobianParameters: CompiledTape
    let timeDerivative: CompiledTape
    let vjpState: CompiledTape
    let vjpParameters: CompiledTape
    let scratchCount: Int

    var tapes: [CompiledTape] { [jacobianState, jacobianParameters, timeDerivative, vjpState, vjpParameters] }

    init(equations: [Expression], states: [String], parameters: [String]) {
        let n = states.count, p = parameters.count
        let slots = Program.slots(states: states, parameters: parameters)
        // The vector of a vector–Jacobian product gets names no identifier can collide with.
        let vNames = (0..<n).map { "#v\($0)" }
        var vSlots = slots
        for (i, v) in vNames.enumerated() { vSlots[v] = Int32(1 + n + p + i) }

        let mentioned = equations.map { Set($0.names.map(\.name)) }
        func derivative(_ index: Int, _ name: String) -> Expression {
            mentioned[index].contains(name) ? equations[index].derivative(withRespectTo: name) : .zero
        }
        let dy = equations.indices.map { i in states.map { derivative(i, $0) } }
        let dp = equations.indices.map { i in parameters.map { derivative(i, $0) } }
        let dt = equations.indices.map { derivative($0, "t") }
        func vjp(_ matrix: [[Expression]], columns: Int) -> [Expression] {
            (0..<columns).map { j in
                let terms = (0..<n).compactMap { i -> Expression? in
                    matrix[i][j] == .zero ? nil : .mul(.name(vNames[i], range: nil), matrix[i][j])
                }
                return DerivativeTapes.sum(terms)
            }
        }

        var offset = 0
        func compile(_ outputs: [Expression], slots: [String: Int32], inputs: Int) -> CompiledTape {
            var builder = TapeBuilder(inputCount: inputs, slots: slots)
            let refs = outputs.map { builder.lower($0) }
            let tape = builder.finish(outputs: refs, scratchOffset: offset)
            offset += tape.registerCount
            return tape
        }
        jacobianState = compile(dy.flatMap { $0 }, slots: slots, inputs: 1 + n + p)
        jacobianParameters = compile(dp.flatMap { $0 }, slots: slots, inputs: 1 + n + p)
        timeDerivative = compile(dt, slots: slots, inputs: 1 + n + p)
        vjpState = compile(vjp(dy, columns: n), slots: vSlots, inputs: 1 + 2 * n + p)
        vjpParameters = compile(vjp(dp, columns: p), slots: vSlots, inputs: 1 + 2 * n + p)
        scratchCount = offset
    }

    /// The sum of `terms`: left to right for a few (the order every small system has always been
    /// summed in), as a balanced tree for many, so that a sum over thousands of states stays
    /// shallow for the passes that recurse over it.
    static func sum(_ terms: [Expression]) -> Expression {
        guard terms.count > 32 else { return terms.reduce(Expression.zero) { .add($0, $1) } }
        var level = terms
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { index in
                index + 1 < level.count ? .add(level[index], level[index + 1]) : level[index]
            }
        }
        return level[0]
    }
}
