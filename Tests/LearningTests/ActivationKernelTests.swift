import Foundation
import Testing
@testable import Learning

/// The Float activation loops run in C, 8 lanes wide (AVX2/FMA where the processor has them); they
/// are checked here against the library functions in Double, over a sweep of Float values, in
/// vector blocks and tails, and at the special values.
@Suite("Float activation loops")
struct ActivationKernelTests {
    /// Float values from −`limit` to `limit`, every `stride`-th bit pattern of each sign.
    static func sweep(limit: Float, stride: UInt32) -> [Float] {
        var values = [Float]()
        for sign: Float in [1, -1] {
            var bits: UInt32 = 0
            while Float(bitPattern: bits) < limit {
                values.append(sign * Float(bitPattern: bits))
                bits &+= stride
            }
        }
        return values
    }

    /// The worst error in ulp of the exact result (at least the least normal ulp, for results near 0).
    static func worstError(_ values: [Float], _ results: [Float], exact: (Double) -> Double) -> (Float, Float) {
        var worst: Float = 0, worstAt: Float = 0
        for (x, y) in zip(values, results) {
            let e = exact(Double(x))
            let error = Float(abs(Double(y) - e) / Double(max(Float(e).ulp, Float.leastNormalMagnitude.ulp)))
            if error > worst { worst = error; worstAt = x }
        }
        return (worst, worstAt)
    }

    @Test("ELU within 4 ulp of x or eˣ − 1 from −40 to 40")
    func elu() {
        let x = Self.sweep(limit: 40, stride: 997)
        var y = [Float](repeating: .nan, count: x.count)
        Activation.elu.apply(x, to: &y, count: x.count)
        let (worst, at) = Self.worstError(x, y) { $0 > 0 ? $0 : Foundation.expm1($0) }
        #expect(worst <= 4, "\(worst) ulp at \(at)")
    }

    @Test("tanh within 4 ulp from −12 to 12")
    func tanh() {
        let x = Self.sweep(limit: 12, stride: 997)
        var y = [Float](repeating: .nan, count: x.count)
        Activation.tanh.apply(x, to: &y, count: x.count)
        let (worst, at) = Self.worstError(x, y) { Foundation.tanh($0) }
        #expect(worst <= 4, "\(worst) ulp at \(at)")
    }

    @Test("Special values, in a vector block and in the tail", arguments: [8, 11])
    func specialValues(count: Int) {
        let special: [Float] = [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, -30, -31, -1e30, 9.4, 9.6, 100,
                                .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan]
        for value in special {
            // The value last, so that it falls in the tail when `count` is not a multiple of 8.
            var x = [Float](repeating: 0.5, count: count)
            x[count - 1] = value
            var elu = [Float](repeating: 7, count: count), tanh = elu
            Activation.elu.apply(x, to: &elu, count: count)
            Activation.tanh.apply(x, to: &tanh, count: count)
            let e = elu[count - 1], t = tanh[count - 1]
            if value.isNaN {
                #expect(e.isNaN && t.isNaN)
                continue
            }
            #expect(e == (value > 0 ? value : Float(Foundation.expm1(Double(value)))), "ELU(\(value)) = \(e)")
            #expect(abs(Double(t) - Foundation.tanh(Double(value))) <= Double(Float(1).ulp), "tanh(\(value)) = \(t)")
            #expect(e.sign == value.sign && t.sign == value.sign, "signs at \(value)")
        }
    }

    @Test("Pullbacks: ELU′, tanh′ and ReLU′ from the stored values, in place, blocks and tail")
    func pullbacks() {
        let count = 29
        let x = (0..<count).map { Float($0 - 14) / 3 }
        var y = [Float](repeating: 0, count: count), t = y
        Activation.elu.apply(x, to: &y, count: count)
        Activation.tanh.apply(x, to: &t, count: count)
        let c = (0..<count).map { Float($0 % 5) - 1.5 }
        var elu = c, tanh = c, relu = c
        x.withUnsafeBufferPointer { xp in
            relu.withUnsafeMutableBufferPointer { Activation.relu.pullback($0.baseAddress!, preActivations: xp.baseAddress!, values: xp.baseAddress!, into: $0.baseAddress!, count: count) }
            y.withUnsafeBufferPointer { yp in
                elu.withUnsafeMutableBufferPointer { Activation.elu.pullback($0.baseAddress!, preActivations: xp.baseAddress!, values: yp.baseAddress!, into: $0.baseAddress!, count: count) }
            }
            t.withUnsafeBufferPointer { tp in
                tanh.withUnsafeMutableBufferPointer { Activation.tanh.pullback($0.baseAddress!, preActivations: xp.baseAddress!, values: tp.baseAddress!, into: $0.baseAddress!, count: count) }
            }
        }
        for i in 0..<count {
            #expect(relu[i] == (x[i] > 0 ? c[i] : 0), "ReLU′ at \(x[i])")
            #expect(elu[i] == c[i] * (x[i] > 0 ? 1 : y[i] + 1), "ELU′ at \(x[i])")
            // 1 − y² rounds once with FMA and twice without: within |c| ulp(1) of the exact product.
            let exact = Double(c[i]) * (1 - Double(t[i]) * Double(t[i]))
            #expect(abs(Double(tanh[i]) - exact) <= abs(Double(c[i])) * Double(Float(1).ulp), "tanh′ at \(x[i])")
        }
    }
}

extension Activation {
    /// `apply` on arrays.
    fileprivate func apply(_ x: [Float], to y: inout [Float], count: Int) {
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { apply(xp.baseAddress!, to: $0.baseAddress!, count: count) } }
    }
}
