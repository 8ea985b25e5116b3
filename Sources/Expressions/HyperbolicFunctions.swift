import Foundation

/// The hyperbolic sine and cosine: functions defined by their entry alone (no tape instruction of
/// their own; the tape's generic call evaluates them), as any new function can be.
extension Function {
    /// `sinh`, as notebooks call it.
    public static let sinh: Function = Function("sinh", summary: "hyperbolic sine", derivative: "cosh(x)",
                                      evaluate: { x, _ in Foundation.sinh(x) },
                                      differentiate: { x, _, dx, _ in .mul(.apply(.cosh, [x]), dx) })
    /// `cosh`, as notebooks call it.
    public static let cosh: Function = Function("cosh", summary: "hyperbolic cosine", derivative: "sinh(x)",
                                      evaluate: { x, _ in Foundation.cosh(x) },
                                      differentiate: { x, _, dx, _ in .mul(.apply(.sinh, [x]), dx) })
}
