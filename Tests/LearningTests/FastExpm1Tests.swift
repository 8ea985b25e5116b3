import Foundation
import Testing
@testable import Learning

@Suite("Vectorisable expm1")
struct FastExpm1Tests {
    @Test("Float: within 4 ulp of the correctly rounded eˣ − 1 from −40 to past overflow")
    func float() {
        var worst: Float = 0, worstAt: Float = 0
        for sign: Float in [1, -1] {
            var bits: UInt32 = 0
            while Float(bitPattern: bits) < 90 {
                let x = sign * Float(bitPattern: bits)
                bits &+= 991
                if x < -40 { continue }
                let exact = Foundation.expm1(Double(x)), value = FastExpm1.value(x)
                if Float(exact).isInfinite {
                    #expect(value == .infinity, "\(x)")
                    continue
                }
                let error = Float(abs(Double(value) - exact) / Double(Float(exact).ulp))
                if error > worst { worst = error; worstAt = x }
            }
        }
        #expect(worst <= 4, "\(worst) ulp at \(worstAt)")
    }

    @Test("Double: within 1e-15 relatively of the library's expm1 over |x| from 1e-300 to 709")
    func double() {
        var generator = SeededGenerator(seed: 5)
        var worst = 0.0, worstAt = 0.0
        for index in 0..<200_000 {
            let exponent = -300 + 302.85 * Double(generator.next() >> 11) / Double(1 << 53)
            let x = (index % 2 == 0 ? 1.0 : -1.0) * pow(10, exponent)
            let exact = Foundation.expm1(x), value = FastExpm1.value(x)
            let error = abs(value - exact) / abs(exact)
            if error > worst { worst = error; worstAt = x }
        }
        #expect(worst <= 1e-15, "\(worst) at \(worstAt)")
    }

    @Test("Zeros, subnormals, saturation, overflow, infinities and NaN")
    func specialValues() {
        for x: Float in [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, -.leastNormalMagnitude, 1e-30, -30, -31,
                         -1e30, 88.5, 88.8, 100, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity] {
            #expect(FastExpm1.value(x) == Foundation.expm1(x), "\(x)")
        }
        for x: Double in [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, -.leastNormalMagnitude, 1e-300, -37, -38, -40, -41,
                          -1e300, 709.9, 710, 800, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity] {
            #expect(FastExpm1.value(x) == Foundation.expm1(x), "\(x)")
        }
        #expect(FastExpm1.value(Float(-0.0)).sign == .minus && FastExpm1.value(-0.0).sign == .minus)
        for x: Double in [88.1, 88.7] {
            let value = Double(FastExpm1.value(Float(x))), exact = Foundation.expm1(Double(Float(x)))
            #expect(abs(value - exact) <= 4 * Double(Float(exact).ulp), "\(x)")
        }
        let large = FastExpm1.value(709.7 as Double), exact = Foundation.expm1(709.7)
        #expect(abs(large - exact) <= 1e-15 * exact)
        #expect(FastExpm1.value(Float.nan).isNaN && FastExpm1.value(Double.nan).isNaN)
    }

    @Test("ELU's buffer form: x above 0, the fast eˣ − 1 below, NaN kept, in place too")
    func elu() {
        var x: [Float] = (0..<103).map { Float($0) * 0.37 - 19 } + [0, -0.0, .nan, -.infinity]
        let expected = x.map { $0 > 0 ? $0 : FastExpm1.value($0) }
        let count = x.count
        x.withUnsafeMutableBufferPointer { FastExpm1.applyELU(UnsafePointer($0.baseAddress!), to: $0.baseAddress!, count: count) }
        for (value, reference) in zip(x, expected) { #expect(value == reference || (value.isNaN && reference.isNaN)) }
        #expect(x[x.count - 1] == -1)
    }
}
