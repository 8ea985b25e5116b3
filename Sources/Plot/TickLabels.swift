/// Formats tick values as short, clean labels ("0.1", not "0.10000000000000001").
///
/// Negative numbers use the typographic minus sign U+2212 ("−"), which lines up with "+"
/// and the digits in DejaVu Sans.
public enum TickLabels {
    /// The minus sign used in labels (U+2212).
    public static let minus = "\u{2212}"

    /// Labels for linear ticks that are multiples of `step`, all with the same number of decimals.
    ///
    /// Uses fixed notation (`"0.25"`, `"1500"`) unless the largest magnitude is at least 10⁵
    /// or below 10⁻³, in which case C-style scientific notation (`"2.5e-05"`) is used.
    public static func linear(_ values: [Double], step: Double) -> [String] {
        guard step.isFinite, step > 0 else { return linear(values, stepExponent: 0) }
        // The exponent of the step's last significant digit: 2.5e-5 needs 10^-6.
        var exponent = decimalExponent(step)
        for _ in 0..<15 {
            let scaled = step / Ticks.pow10(exponent)
            if Swift.abs(scaled - scaled.rounded()) <= 1e-9 * scaled { break }
            exponent -= 1
        }
        return linear(values, stepExponent: exponent)
    }

    static func linear(_ values: [Double], step: Ticks.Step) -> [String] {
        linear(values, stepExponent: step.exponent)
    }

    private static func linear(_ values: [Double], stepExponent e: Int) -> [String] {
        let maxAbs = values.reduce(0) { Swift.max($0, $1.isFinite ? Swift.abs($1) : 0) }
        if maxAbs == 0 { return values.map { _ in "0" } }
        if maxAbs >= 1e5 || maxAbs < 1e-3 {
            var decimals = 0
            for v in values where v != 0 && v.isFinite {
                decimals = Swift.max(decimals, decimalExponent(v) - e)
            }
            decimals = Swift.min(decimals, 12)
            return values.map { scientific($0, mantissaDecimals: decimals) }
        }
        let decimals = Swift.min(Swift.max(0, -e), 15)
        return values.map { fixed($0, decimals: decimals) }
    }

    /// Labels for log ticks `mantissa × 10^k`.
    ///
    /// Plain decimals (`"0.01"`, `"20"`) when `fewDecades` and every value lies in 10⁻³…10⁵;
    /// otherwise powers of ten with superscript exponents (`"10⁻³"`, `"2×10⁴"`).
    static func log(_ values: [Double], mantissas: [Int], fewDecades: Bool) -> [String] {
        let plain = fewDecades && values.allSatisfy { $0 >= 1e-3 * (1 - 1e-9) && $0 < 1e5 }
        return values.indices.map { i in
            let v = values[i]
            let k = decimalExponent(v)
            if plain { return fixed(v, decimals: Swift.max(0, -k)) }
            let m = i < mantissas.count ? mantissas[i] : 1
            return (m == 1 ? "" : "\(m)×") + "10" + superscript(k)
        }
    }

    /// `value` with exactly `decimals` digits after the point, e.g. `fixed(0.3, decimals: 2)` is
    /// `"0.30"`. Negative zero prints as zero.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? minus + "∞" : "∞") }
        let d = Swift.max(0, Swift.min(decimals, 17))
        let scaled = (value * Ticks.pow10(d)).rounded()
        guard Swift.abs(scaled) < 9e15 else { return scientific(value, mantissaDecimals: 3) }
        let n = Int64(scaled)
        var digits = String(n.magnitude)
        if d > 0 {
            if digits.count <= d { digits = String(repeating: "0", count: d + 1 - digits.count) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -d))
        }
        return (n < 0 ? minus : "") + digits
    }

    /// `value` as `m.mmme±XX` with `mantissaDecimals` decimals, e.g. `"2.5e-05"`; zero is `"0"`.
    public static func scientific(_ value: Double, mantissaDecimals: Int) -> String {
        guard value.isFinite else { return fixed(value, decimals: 0) }
        if value == 0 { return "0" }
        let d = Swift.max(0, Swift.min(mantissaDecimals, 15))
        var k = decimalExponent(value)
        var mantissa = (Swift.abs(value) / Ticks.pow10(k) * Ticks.pow10(d)).rounded()
        if mantissa >= Ticks.pow10(d + 1) {
            k += 1
            mantissa = (Swift.abs(value) / Ticks.pow10(k) * Ticks.pow10(d)).rounded()
        }
        let m = fixed(mantissa / Ticks.pow10(d), decimals: d)
        let exponentDigits = String(k.magnitude)
        let paddedExponent = exponentDigits.count < 2 ? "0" + exponentDigits : exponentDigits
        return (value < 0 ? minus : "") + m + "e" + (k < 0 ? "-" : "+") + paddedExponent
    }

    /// `n` written with Unicode superscript digits, e.g. `superscript(-3)` is `"⁻³"`.
    public static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(n.magnitude).map { digits[Int($0.asciiValue! - 48)] }
        return (n < 0 ? "⁻" : "") + String(body)
    }

    /// Whether `v` is (within rounding) a power of ten.
    static func isPowerOfTen(_ v: Double) -> Bool {
        guard v > 0, v.isFinite else { return false }
        let p = Ticks.pow10(decimalExponent(v))
        return Swift.abs(v - p) <= p * 1e-9
    }

    /// ⌊log10 |v|⌋, robust to values such as 1000 whose logarithm rounds below 3.
    static func decimalExponent(_ v: Double) -> Int {
        let a = Swift.abs(v)
        guard a > 0, a.isFinite else { return 0 }
        var k = Int(Ticks.log10(a).rounded(.down))
        if Ticks.pow10(k + 1) <= a * (1 + 1e-12) { k += 1 } else if Ticks.pow10(k) > a * (1 + 1e-12) { k -= 1 }
        return k
    }
}
