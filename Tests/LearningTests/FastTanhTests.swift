import Foundation
import Testing
@testable import Learning

@Suite("Vectorisable tanh")
struct FastTanhTests {
    @Test("Float: within 4 ulp of the correctly rounded tanh from 0 to past saturation, odd")
    func float() {
        var worst: Float = 0, worstAt: Float = 0
        var bits: UInt32 = 0
        while Float(bitPattern: bits) < 12 {
            let x = Float(bitPattern: bits)
            let exact = Foundation.tanh(Double(x)), value = FastTanh.value(x)
            let error = Float(abs(Double(value) - exact) / Double(Float(exact).ulp))
            if error > worst { worst = error; worstAt = x }
            #expect(FastTanh.value(-x) == -value)
            bits &+= 997
        }
        #expect(worst <= 4, "\(worst) ulp at \(worstAt)")
    }

    @Test("Double: within 1e-15 relatively of the library's tanh over |x| from 1e-300 to 1e3, odd")
    func double() {
        var generator = SeededGenerator(seed: 3)
        var worst = 0.0, worstAt = 0.0
        for index in 0..<200_000 {
            let exponent = -300 + 303 * Double(generator.next() >> 11) / Double(1 << 53)
            let x = (index % 2 == 0 ? 1.0 : -1.0) * pow(10, exponent)
            let exact = Foundation.tanh(x), value = FastTanh.value(x)
            let error = abs(value - exact) / abs(exact)
            if error > worst { worst = error; worstAt = x }
            #expect(FastTanh.value(-x) == -value)
        }
        #expect(worst <= 1e-15, "\(worst) at \(worstAt)")
    }

    @Test("Zeros, subnormals, huge values, infinities and NaN")
    func specialValues() {
        for x: Float in [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, 1e-30, 9.4, 9.6, 20, -1e30, .greatestFiniteMagnitude] {
            #expect(FastTanh.value(x) == Foundation.tanh(x), "\(x)")
            #expect(FastTanh.value(x).sign == x.sign)
        }
        for x: Double in [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, 1e-300, 19.4, 19.6, 40, -1e300, .greatestFiniteMagnitude] {
            #expect(FastTanh.value(x) == Foundation.tanh(x), "\(x)")
            #expect(FastTanh.value(x).sign == x.sign)
        }
        #expect(FastTanh.value(Float.infinity) == 1 && FastTanh.value(-Float.infinity) == -1)
        #expect(FastTanh.value(Double.infinity) == 1 && FastTanh.value(-Double.infinity) == -1)
        #expect(FastTanh.value(Float.nan).isNaN && FastTanh.value(Double.nan).isNaN)
    }

    @Test("The buffer form is the scalar form, in place too")
    func buffer() {
        var x: [Float] = (0..<103).map { Float($0) * 0.37 - 19 }
        let expected = x.map { FastTanh.value($0) }
        x.withUnsafeMutableBufferPointer { FastTanh.apply(UnsafePointer($0.baseAddress!), to: $0.baseAddress!, count: 103) }
        #expect(x == expected)
    }
}
