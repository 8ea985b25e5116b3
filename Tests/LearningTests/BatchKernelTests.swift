import Testing
@testable import Learning

@Suite("Feature-major batch kernels")
struct BatchKernelTests {
    /// A deterministic fill in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float(generator.nextUniform() * 2 - 1) }
    }

    @Test("Products in Float agree with a Double reference, and a sample's result does not depend on where the batch is split",
          arguments: [(m: 20, k: 4), (m: 7, k: 27), (m: 2, k: 20), (m: 25, k: 27)])
    func productsAreSplitInvariant(shape: (m: Int, k: Int)) {
        let (m, k) = shape, n = 45, ld = 48
        let a = Self.values(m * k, seed: 1), bias = Self.values(m, seed: 2), x = Self.values(k * ld, seed: 3)
        var whole = [Float](repeating: .nan, count: m * ld), split = whole
        a.withUnsafeBufferPointer { a in
            bias.withUnsafeBufferPointer { b in
                x.withUnsafeBufferPointer { x in
                    whole.withUnsafeMutableBufferPointer {
                        BatchKernels.multiply(n: n, ld: ld, m: m, k: k, a: a.baseAddress!, rowStride: k, columnStride: 1,
                                              x: x.baseAddress!, bias: b.baseAddress!, z: $0.baseAddress!)
                    }
                    split.withUnsafeMutableBufferPointer { z in
                        for (start, count) in [(0, 16), (16, 5), (21, 24)] {
                            BatchKernels.multiply(n: count, ld: ld, m: m, k: k, a: a.baseAddress!, rowStride: k, columnStride: 1,
                                                  x: x.baseAddress! + start, bias: b.baseAddress!, z: z.baseAddress! + start)
                        }
                    }
                }
            }
        }
        for r in 0..<m {
            for s in 0..<n {
                var reference = Double(bias[r])
                for c in 0..<k { reference += Double(a[r * k + c]) * Double(x[c * ld + s]) }
                #expect(abs(Double(whole[r * ld + s]) - reference) < 1e-5 * Double(k + 1))
                #expect(whole[r * ld + s].bitPattern == split[r * ld + s].bitPattern, "row \(r), sample \(s)")
            }
        }
    }

    @Test("An activation applied inside the product gives the bits of the product followed by the activation, in blocks and tails",
          arguments: [Activation.elu, .tanh, .relu, .sigmoid])
    func fusedActivation(activation: Activation) {
        let m = 6, k = 5, n = 45, ld = 48
        let a = Self.values(m * k, seed: 8).map { $0 * 4 }, bias = Self.values(m, seed: 9), x = Self.values(k * ld, seed: 10)
        var fused = [Float](repeating: .nan, count: m * ld), separate = fused, split = fused
        a.withUnsafeBufferPointer { a in
            bias.withUnsafeBufferPointer { b in
                x.withUnsafeBufferPointer { x in
                    fused.withUnsafeMutableBufferPointer {
                        BatchKernels.multiply(n: n, ld: ld, m: m, k: k, a: a.baseAddress!, rowStride: k, columnStride: 1,
                                              x: x.baseAddress!, bias: b.baseAddress!, z: $0.baseAddress!, activation: activation)
                    }
                    separate.withUnsafeMutableBufferPointer { z in
                        BatchKernels.multiply(n: n, ld: ld, m: m, k: k, a: a.baseAddress!, rowStride: k, columnStride: 1,
                                              x: x.baseAddress!, bias: b.baseAddress!, z: z.baseAddress!)
                        for r in 0..<m { activation.apply(z.baseAddress! + r * ld, to: z.baseAddress! + r * ld, count: n) }
                    }
                    split.withUnsafeMutableBufferPointer { z in
                        for (start, count) in [(0, 16), (16, 5), (21, 24)] {
                            BatchKernels.multiply(n: count, ld: ld, m: m, k: k, a: a.baseAddress!, rowStride: k, columnStride: 1,
                                                  x: x.baseAddress! + start, bias: b.baseAddress!, z: z.baseAddress! + start, activation: activation)
                        }
                    }
                }
            }
        }
        var negatives = 0
        for r in 0..<m {
            for s in 0..<n {
                #expect(fused[r * ld + s].bitPattern == separate[r * ld + s].bitPattern, "row \(r), sample \(s)")
                #expect(fused[r * ld + s].bitPattern == split[r * ld + s].bitPattern, "row \(r), sample \(s)")
                if separate[r * ld + s] < 0 { negatives += 1 }
            }
        }
        // Both branches of ELU and ReLU are exercised.
        #expect(activation == .relu || activation == .sigmoid || negatives > 20)
    }

    @Test("Outer-product accumulation in Float agrees with a Double reference", arguments: [(m: 20, k: 4), (m: 7, k: 27), (m: 3, k: 5)])
    func outerProductsAgree(shape: (m: Int, k: Int)) {
        let (m, k) = shape, n = 53, ld = 56
        let d = Self.values(m * ld, seed: 4), x = Self.values(k * ld, seed: 5)
        var g = Self.values(m * k, seed: 6), gb = Self.values(m, seed: 7)
        let g0 = g, gb0 = gb
        d.withUnsafeBufferPointer { d in
            x.withUnsafeBufferPointer { x in
                g.withUnsafeMutableBufferPointer { g in
                    gb.withUnsafeMutableBufferPointer {
                        BatchKernels.accumulateOuter(n: n, ld: ld, m: m, k: k, d: d.baseAddress!, x: x.baseAddress!,
                                                     g: g.baseAddress!, gStride: k, gb: $0.baseAddress!)
                    }
                }
            }
        }
        for r in 0..<m {
            var biasSum = Double(gb0[r])
            for s in 0..<n { biasSum += Double(d[r * ld + s]) }
            #expect(abs(Double(gb[r]) - biasSum) < 1e-4)
            for c in 0..<k {
                var reference = Double(g0[r * k + c])
                for s in 0..<n { reference += Double(d[r * ld + s]) * Double(x[c * ld + s]) }
                #expect(abs(Double(g[r * k + c]) - reference) < 1e-4, "row \(r), column \(c)")
            }
        }
    }
}
