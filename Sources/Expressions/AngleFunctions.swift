import Foundation

/// Angles and periodic quantities, as oscillator models such as McSharry et al.'s synthetic ECG
/// (IEEE TBME 50(3), 2003) write them: the angle of a point, a remainder, and the floor it needs.
extension Function {
    /// `atan2(y, x)`: the angle of the point (x, y) in (−π, π].
    public static let atan2: Function = Function(
        "atan2", arity: 2, summary: "atan2(y, x): the angle of the point (x, y), in (−π, π]",
        derivative: "x/(x^2 + y^2) and -y/(x^2 + y^2) (for atan2(x, y) as written: first and second argument)",
        evaluate: { y, x in Foundation.atan2(y, x) },
        differentiate: { y, x, dy, dx in
            // d atan2(y, x) = (x dy − y dx) / (x² + y²)
            .div(.sub(.mul(x, dy), .mul(y, dx)), .add(.mul(x, x), .mul(y, y)))
        })
    /// `mod(x, m)`: the remainder x − m·floor(x/m), with the sign of m (Python's `%`).
    public static let mod: Function = Function(
        "mod", arity: 2, summary: "mod(x, m) = x − m·floor(x/m): the remainder, with the sign of m",
        derivative: "1 and -floor(x/m) (jumps where x/m is a whole number)",
        evaluate: { x, m in x - m * Foundation.floor(x / m) },
        differentiate: { x, m, dx, dm in .sub(dx, .mul(.apply(.floor, [.div(x, m)]), dm)) })
    /// `floor(x)`: the largest whole number not above x.
    public static let floor: Function = Function(
        "floor", summary: "the largest whole number ≤ x (its derivative is 0 between the jumps)", derivative: "0",
        evaluate: { x, _ in Foundation.floor(x) },
        differentiate: { _, _, _, _ in .zero })
}
