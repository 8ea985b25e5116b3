import Foundation

/// One operation of a compiled tape.
enum Opcode: UInt8, CaseIterable {
    case add, sub, mul, div, neg, pow, powi
    case sin, cos, tan, exp, log, sqrt, tanh, abs, sigmoid, sign
    case min, max, select
    /// A registered function without an instruction of its own: `c` is its place in
    /// `Function.registry`, `a` and `b` its arguments.
    case call
}

/// One tape instruction. The destination is implicit: instruction `k` writes register `tempBase + k`
/// (static single assignment), so the loop only advances a write pointer. `a`…`d` are register
/// indices, except `b` of `powi`, which is the integer exponent itself.
struct Instruction {
    var op: Opcode
    var a: Int32
    var b: Int32
    var c: Int32
    var d: Int32
}

/// A straight-line program over a flat array of `Double` registers, compiled once from expression trees.
///
/// Register layout: `[inputs | constants | temporaries]`. Inputs are `t`, the state, the parameters
/// and (for vector–Jacobian products) the vector `v`; constants are written once when a scratch
/// buffer is prepared; temporaries are written in order by the instructions. `outputs` lists, for
/// each result, the register that holds it.
///
/// Running the tape is a single loop over a contiguous instruction array with a `switch` on a
/// one-byte opcode (a jump table): no allocation, no dictionary, no tree walk, no dynamic dispatch.
/// The code and outputs live in manually managed buffers that are never mutated after `init`,
/// which is why the class may be shared between threads (`@unchecked Sendable`).
final class CompiledTape: @unchecked Sendable {
    let code: UnsafeMutableBufferPointer<Instruction>
    let outputs: UnsafeMutableBufferPointer<Int32>
    let constants: [Double]
    let inputCount: Int
    let tempBase: Int
    let registerCount: Int
    /// Where this tape's registers start inside a `EquationSystem.Workspace` buffer.
    let scratchOffset: Int

    init(code: [Instruction], outputs: [Int32], constants: [Double], inputCount: Int, scratchOffset: Int) {
        self.code = .allocate(capacity: Swift.max(1, code.count))
        _ = self.code.initialize(from: code)
        self.outputs = .allocate(capacity: Swift.max(1, outputs.count))
        _ = self.outputs.initialize(from: outputs)
        self.constants = constants
        self.inputCount = inputCount
        self.tempBase = inputCount + constants.count
        self.registerCount = tempBase + code.count
        self.scratchOffset = scratchOffset
        codeCount = code.count
        outputCount = outputs.count
    }

    let codeCount: Int
    let outputCount: Int

    deinit {
        code.deallocate()
        outputs.deallocate()
    }

    /// The number of instructions (for reports and tests).
    var instructionCount: Int { codeCount }

    /// Writes the constants into a fresh register buffer.
    func prepare(_ registers: UnsafeMutablePointer<Double>) {
        (registers + inputCount).initialize(repeating: 0, count: registerCount - inputCount)
        for (k, v) in constants.enumerated() { registers[inputCount + k] = v }
        registers.initialize(repeating: 0, count: inputCount)
    }

    /// Loads the inputs, runs the instructions and copies the outputs out.
    @inline(__always)
    func run(
        _ r: UnsafeMutablePointer<Double>, t: Double, state: UnsafeBufferPointer<Double>,
        parameters: UnsafeBufferPointer<Double>, extra: UnsafeBufferPointer<Double>?,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        // Element loops rather than memmove: the vectors are short and the call would cost more.
        r[0] = t
        var slot = r + 1
        for i in 0..<state.count { slot[i] = state[i] }
        slot += state.count
        for i in 0..<parameters.count { slot[i] = parameters[i] }
        slot += parameters.count
        if let extra { for i in 0..<extra.count { slot[i] = extra[i] } }
        execute(r)
        let o = outputs.baseAddress!
        let dst = out.baseAddress!
        for i in 0..<outputCount { dst[i] = r[Int(o[i])] }
    }

    /// The interpreter loop.
    @inline(__always)
    func execute(_ r: UnsafeMutablePointer<Double>) {
        var w = r + tempBase
        var p = UnsafePointer(code.baseAddress!)
        let end = p + codeCount
        while p < end {
            let i = p.pointee
            let x = r[Int(i.a)]
            let v: Double
            switch i.op {
            case .add: v = x + r[Int(i.b)]
            case .sub: v = x - r[Int(i.b)]
            case .mul: v = x * r[Int(i.b)]
            case .div: v = x / r[Int(i.b)]
            case .neg: v = -x
            case .pow: v = Foundation.pow(x, r[Int(i.b)])
            case .powi: v = Kernels.powInt(x, i.b)
            case .sin: v = Foundation.sin(x)
            case .cos: v = Foundation.cos(x)
            case .tan: v = Foundation.tan(x)
            case .exp: v = Foundation.exp(x)
            case .log: v = Foundation.log(x)
            case .sqrt: v = x.squareRoot()
            case .tanh: v = Foundation.tanh(x)
            case .abs: v = Swift.abs(x)
            case .sigmoid: v = Kernels.sigmoid(x)
            case .sign: v = Kernels.sign(x)
            case .min: v = Swift.min(x, r[Int(i.b)])
            case .max: v = Swift.max(x, r[Int(i.b)])
            case .select: v = Kernels.select(x, r[Int(i.b)], r[Int(i.c)], r[Int(i.d)])
            case .call: v = Function.registry[Int(i.c)].evaluate(x, r[Int(i.b)])
            }
            w.pointee = v
            w += 1
            p += 1
        }
    }

    /// The same scalar semantics as `execute`, for constant folding at compile time.
    static func fold(_ op: Opcode, _ x: Double, _ y: Double, _ z: Double, _ u: Double, immediate: Int32) -> Double {
        switch op {
        case .add: x + y
        case .sub: x - y
        case .mul: x * y
        case .div: x / y
        case .neg: -x
        case .powi: Kernels.powInt(x, immediate)
        case .select: Kernels.select(x, y, z, u)
        case .pow, .sin, .cos, .tan, .exp, .log, .sqrt, .tanh, .abs, .sigmoid, .sign, .min, .max:
            // A built-in function, applied as the tree walk applies it.
            Function.registry.first { $0.opcode == op }!.apply(x, y)
        case .call: Function.registry[Int(immediate)].evaluate(x, y)
        }
    }
}

/// Compiles expression trees into a `CompiledTape`.
///
/// - Constant folding: an instruction whose operands are all constants is evaluated now
///   (with the very kernels the loop uses) and becomes a constant register.
/// - Common subexpressions: instructions are hash-consed (value numbering; e.g. Cooper & Torczon,
///   *Engineering a Compiler*, §8.4.1), with the operands of `+` and `*` put in a canonical order,
///   so `x*y` in two equations, or in f and in its Jacobian, is computed once.
/// - Integer powers: `x^2` and `x^3` become multiplications, other small integer exponents a
///   repeated-squaring `powi`, so `pow` is only called for genuinely real exponents.
/// - Dead instructions (not reachable from an output) are dropped before registers are numbered.
struct TapeBuilder {
    enum Ref: Hashable {
        case input(Int32)
        case constant(Int32)
        case temp(Int32)
        case immediate(Int32)
    }

    struct Node: Hashable {
        var op: Opcode
        var a: Ref
        var b: Ref
        var c: Ref
        var d: Ref
    }

    let inputCount: Int
    /// Which input slot each name reads; `pi` and `e` are constants unless listed here.
    let slots: [String: Int32]
    private(set) var constants: [Double] = []
    private var constantIndex: [UInt64: Int32] = [:]
    private(set) var nodes: [Node] = []
    private var nodeIndex: [Node: Int32] = [:]

    init(inputCount: Int, slots: [String: Int32]) {
        self.inputCount = inputCount
        self.slots = slots
    }

    mutating func constant(_ v: Double) -> Ref {
        if let k = constantIndex[v.bitPattern] { return .constant(k) }
        let k = Int32(constants.count)
        constants.append(v)
        constantIndex[v.bitPattern] = k
        return .constant(k)
    }

    func value(_ r: Ref) -> Double? {
        if case .constant(let k) = r { return constants[Int(k)] }
        return nil
    }

    mutating func emit(_ op: Opcode, _ a: Ref, _ b: Ref = .immediate(0), _ c: Ref = .immediate(0), _ d: Ref = .immediate(0)) -> Ref {
        let operands = [a, b, c, d]
        let isOperand: (Ref) -> Bool = { if case .immediate = $0 { false } else { true } }
        if operands.filter(isOperand).allSatisfy({ value($0) != nil }) {
            var imm: Int32 = 0
            if case .immediate(let n) = op == .call ? c : b { imm = n }
            let v = CompiledTape.fold(op, value(a) ?? 0, value(b) ?? 0, value(c) ?? 0, value(d) ?? 0, immediate: imm)
            return constant(v)
        }
        var node = Node(op: op, a: a, b: b, c: c, d: d)
        if op == .add || op == .mul, String(describing: b) < String(describing: a) {
            swap(&node.a, &node.b)
        }
        if let k = nodeIndex[node] { return .temp(k) }
        let k = Int32(nodes.count)
        nodes.append(node)
        nodeIndex[node] = k
        return .temp(k)
    }

    mutating func lower(_ e: Expression) -> Ref {
        switch e {
        case .number(let v, _):
            return constant(v)
        case .name(let n, _):
            if let s = slots[n] { return .input(s) }
            if n == "pi" { return constant(Double.pi) }
            if n == "e" { return constant(Foundation.exp(1.0)) }
            preconditionFailure("unresolved name '\(n)' reached the compiler")
        case .negate(let a, _):
            return emit(.neg, lower(a))
        case .binary(let op, let a, let b, _):
            let x = lower(a)
            switch op {
            case .add: return emit(.add, x, lower(b))
            case .subtract: return emit(.sub, x, lower(b))
            case .multiply: return emit(.mul, x, lower(b))
            case .divide: return emit(.div, x, lower(b))
            case .power: return power(x, lower(b))
            }
        case .call(let f, let args, _):
            let x = lower(args[0])
            if f == .pow { return power(x, lower(args[1])) }
            let y = f.arity > 1 ? lower(args[1]) : x
            guard let opcode = f.opcode else { return emit(.call, x, y, .immediate(Int32(f.registryIndex))) }
            return f.arity > 1 ? emit(opcode, x, y) : emit(opcode, x)
        case .select(let a, let b, let p, let q):
            return emit(.select, lower(a), lower(b), lower(p), lower(q))
        }
    }

    private mutating func power(_ x: Ref, _ y: Ref) -> Ref {
        if let n = value(y), n == n.rounded(), Swift.abs(n) <= 64 {
            switch n {
            case 1: return x
            case 2: return emit(.mul, x, x)
            case 3: return emit(.mul, emit(.mul, x, x), x)
            case 0: break   // pow(x, 0) is 1 for every x, even NaN; let pow keep that exact
            default: return emit(.powi, x, .immediate(Int32(n)))
            }
        }
        return emit(.pow, x, y)
    }

    /// Dead-code elimination and register numbering.
    func finish(outputs: [Ref], scratchOffset: Int) -> CompiledTape {
        var live = [Bool](repeating: false, count: nodes.count)
        var usedConstant = [Bool](repeating: false, count: constants.count)
        func mark(_ r: Ref) {
            switch r {
            case .temp(let k): live[Int(k)] = true
            case .constant(let k): usedConstant[Int(k)] = true
            default: break
            }
        }
        for r in outputs { mark(r) }
        for k in stride(from: nodes.count - 1, through: 0, by: -1) where live[k] {
            let n = nodes[k]
            mark(n.a); mark(n.b); mark(n.c); mark(n.d)
        }
        var constantRegister = [Int32](repeating: -1, count: constants.count)
        var keptConstants: [Double] = []
        for k in constants.indices where usedConstant[k] {
            constantRegister[k] = Int32(inputCount + keptConstants.count)
            keptConstants.append(constants[k])
        }
        let tempBase = inputCount + keptConstants.count
        var tempRegister = [Int32](repeating: -1, count: nodes.count)
        var next = Int32(tempBase)
        for k in nodes.indices where live[k] {
            tempRegister[k] = next
            next += 1
        }
        func register(_ r: Ref) -> Int32 {
            switch r {
            case .input(let s): s
            case .constant(let k): constantRegister[Int(k)]
            case .temp(let k): tempRegister[Int(k)]
            case .immediate(let n): n
            }
        }
        var code: [Instruction] = []
        for k in nodes.indices where live[k] {
            let n = nodes[k]
            code.append(Instruction(op: n.op, a: register(n.a), b: register(n.b), c: register(n.c), d: register(n.d)))
        }
        return CompiledTape(code: code, outputs: outputs.map(register), constants: keptConstants,
                            inputCount: inputCount, scratchOffset: scratchOffset)
    }
}
