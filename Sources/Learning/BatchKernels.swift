/// Matrix loops over a batch stored feature-major: a `rows × n` matrix with row r at `r·ld`
/// (`ld ≥ n`), so that every loop runs over the batch, contiguous, whatever the layer widths.
///
/// Products `z = A x (+ b)` compute each column (sample) as `b[r]` followed by the terms in
/// increasing c, in the same order whether a sample falls in a vector block or in the scalar tail,
/// so a sample's result does not depend on where it sits in the batch (splitting a batch changes
/// nothing). Reductions over the batch (`accumulateOuter`) depend on n and are run per fixed chunk.
///
/// Float runs explicit SIMD blocks (weights broadcast from registers, several output rows per
/// block); other scalars run plain loops.
@usableFromInline
enum BatchKernels {
    /// `z[r, s] = (bias[r] or 0) + Σ_c a[r·rowStride + c·columnStride] · x[c, s]` for r < m, s < n:
    /// x is `k × n` (stride `ld`), z is `m × n` (stride `ld`), overwritten.
    @inlinable
    static func multiply<Scalar: NetworkScalar>(
        n: Int, ld: Int, m: Int, k: Int, a: UnsafePointer<Scalar>, rowStride: Int, columnStride: Int,
        x: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>?, z: UnsafeMutablePointer<Scalar>
    ) {
        if Scalar.self == Float.self {
            multiplyFloat(n: n, ld: ld, m: m, k: k, a: UnsafeRawPointer(a).assumingMemoryBound(to: Float.self),
                          rowStride: rowStride, columnStride: columnStride, x: UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                          bias: bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                          z: UnsafeMutableRawPointer(z).assumingMemoryBound(to: Float.self))
            return
        }
        for r in 0..<m {
            let zr = z + r * ld
            let b = bias?[r] ?? 0
            for s in 0..<n { zr[s] = b }
            for c in 0..<k {
                let w = a[r * rowStride + c * columnStride], xc = x + c * ld
                for s in 0..<n { zr[s] += w * xc[s] }
            }
        }
    }

    @inlinable @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    @inlinable @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }

    @inlinable @inline(__always)
    static func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self) }

    @inlinable
    static func multiplyFloat(
        n: Int, ld: Int, m: Int, k: Int, a: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
        x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, z: UnsafeMutablePointer<Float>
    ) {
        let full = n & ~7
        var s = 0
        while s < full {
            var r = 0
            while r + 4 <= m {
                let a0 = a + r * rowStride, a1 = a0 + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride
                var z0 = SIMD8<Float>(repeating: bias?[r] ?? 0), z1 = SIMD8<Float>(repeating: bias?[r + 1] ?? 0)
                var z2 = SIMD8<Float>(repeating: bias?[r + 2] ?? 0), z3 = SIMD8<Float>(repeating: bias?[r + 3] ?? 0)
                var xp = x + s
                var offset = 0
                for _ in 0..<k {
                    let xv = load8(xp)
                    z0 += SIMD8(repeating: a0[offset]) * xv
                    z1 += SIMD8(repeating: a1[offset]) * xv
                    z2 += SIMD8(repeating: a2[offset]) * xv
                    z3 += SIMD8(repeating: a3[offset]) * xv
                    xp += ld
                    offset += columnStride
                }
                let zp = z + r * ld + s
                store8(z0, zp)
                store8(z1, zp + ld)
                store8(z2, zp + 2 * ld)
                store8(z3, zp + 3 * ld)
                r += 4
            }
            while r + 2 <= m {
                let a0 = a + r * rowStride, a1 = a0 + rowStride
                var z0 = SIMD8<Float>(repeating: bias?[r] ?? 0), z1 = SIMD8<Float>(repeating: bias?[r + 1] ?? 0)
                var xp = x + s
                var offset = 0
                for _ in 0..<k {
                    let xv = load8(xp)
                    z0 += SIMD8(repeating: a0[offset]) * xv
                    z1 += SIMD8(repeating: a1[offset]) * xv
                    xp += ld
                    offset += columnStride
                }
                let zp = z + r * ld + s
                store8(z0, zp)
                store8(z1, zp + ld)
                r += 2
            }
            if r < m {
                let a0 = a + r * rowStride
                var z0 = SIMD8<Float>(repeating: bias?[r] ?? 0)
                var xp = x + s
                var offset = 0
                for _ in 0..<k {
                    z0 += SIMD8(repeating: a0[offset]) * load8(xp)
                    xp += ld
                    offset += columnStride
                }
                store8(z0, z + r * ld + s)
            }
            s += 8
        }
        if full < n {
            for r in 0..<m {
                let zr = z + r * ld
                let b = bias?[r] ?? 0
                for s in full..<n {
                    var sum = b
                    for c in 0..<k { sum += a[r * rowStride + c * columnStride] * x[c * ld + s] }
                    zr[s] = sum
                }
            }
        }
    }

    /// `g[r·gStride + c] += Σ_{s<n} d[r, s] · x[c, s]` for r < m, c < k, and `gb[r] += Σ_s d[r, s]`
    /// when `gb` is given: d is `m × n`, x is `k × n` (both stride `ld`).
    @inlinable
    static func accumulateOuter<Scalar: NetworkScalar>(
        n: Int, ld: Int, m: Int, k: Int, d: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>,
        g: UnsafeMutablePointer<Scalar>, gStride: Int, gb: UnsafeMutablePointer<Scalar>?
    ) {
        if Scalar.self == Float.self {
            accumulateOuterFloat(n: n, ld: ld, m: m, k: k, d: UnsafeRawPointer(d).assumingMemoryBound(to: Float.self),
                                 x: UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                 g: UnsafeMutableRawPointer(g).assumingMemoryBound(to: Float.self), gStride: gStride,
                                 gb: gb.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) })
            return
        }
        for r in 0..<m {
            let dr = d + r * ld
            for c in 0..<k {
                g[r * gStride + c] += DenseKernels.dot(dr, x + c * ld, n)
            }
            if let gb {
                var sum: Scalar = 0
                for s in 0..<n { sum += dr[s] }
                gb[r] += sum
            }
        }
    }

    /// The lanes of v summed in a fixed order.
    @inlinable @inline(__always)
    static func total(_ v: SIMD4<Float>) -> Float { (v[0] + v[1]) + (v[2] + v[3]) }

    /// Σ_{s<n} p[s]·q[s] in four lanes then the tail, a fixed order.
    @inlinable @inline(__always)
    static func dotFloat(_ p: UnsafePointer<Float>, _ q: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD4<Float>()
        var s = 0
        while s + 4 <= n {
            acc += load4(p + s) * load4(q + s)
            s += 4
        }
        var sum = total(acc)
        while s < n {
            sum += p[s] * q[s]
            s += 1
        }
        return sum
    }

    @inlinable
    static func accumulateOuterFloat(
        n: Int, ld: Int, m: Int, k: Int, d: UnsafePointer<Float>, x: UnsafePointer<Float>,
        g: UnsafeMutablePointer<Float>, gStride: Int, gb: UnsafeMutablePointer<Float>?
    ) {
        let full = n & ~3
        var r = 0
        while r + 2 <= m {
            let d0 = d + r * ld, d1 = d0 + ld
            var c = 0
            while c + 4 <= k {
                let x0 = x + c * ld, x1 = x0 + ld, x2 = x1 + ld, x3 = x2 + ld
                var g00 = SIMD4<Float>(), g01 = SIMD4<Float>(), g02 = SIMD4<Float>(), g03 = SIMD4<Float>()
                var g10 = SIMD4<Float>(), g11 = SIMD4<Float>(), g12 = SIMD4<Float>(), g13 = SIMD4<Float>()
                var s = 0
                while s < full {
                    let u = load4(d0 + s), v = load4(d1 + s)
                    let p0 = load4(x0 + s), p1 = load4(x1 + s), p2 = load4(x2 + s), p3 = load4(x3 + s)
                    g00 += u * p0; g01 += u * p1; g02 += u * p2; g03 += u * p3
                    g10 += v * p0; g11 += v * p1; g12 += v * p2; g13 += v * p3
                    s += 4
                }
                var sums = (total(g00), total(g01), total(g02), total(g03), total(g10), total(g11), total(g12), total(g13))
                while s < n {
                    let u = d0[s], v = d1[s]
                    sums.0 += u * x0[s]; sums.1 += u * x1[s]; sums.2 += u * x2[s]; sums.3 += u * x3[s]
                    sums.4 += v * x0[s]; sums.5 += v * x1[s]; sums.6 += v * x2[s]; sums.7 += v * x3[s]
                    s += 1
                }
                let g0 = g + r * gStride + c, g1 = g0 + gStride
                g0[0] += sums.0; g0[1] += sums.1; g0[2] += sums.2; g0[3] += sums.3
                g1[0] += sums.4; g1[1] += sums.5; g1[2] += sums.6; g1[3] += sums.7
                c += 4
            }
            while c < k {
                g[r * gStride + c] += dotFloat(d0, x + c * ld, n)
                g[(r + 1) * gStride + c] += dotFloat(d1, x + c * ld, n)
                c += 1
            }
            r += 2
        }
        while r < m {
            for c in 0..<k { g[r * gStride + c] += dotFloat(d + r * ld, x + c * ld, n) }
            r += 1
        }
        if let gb {
            for r in 0..<m {
                let dr = d + r * ld
                var acc = SIMD4<Float>()
                var s = 0
                while s < full {
                    acc += load4(dr + s)
                    s += 4
                }
                var sum = total(acc)
                while s < n {
                    sum += dr[s]
                    s += 1
                }
                gb[r] += sum
            }
        }
    }

    /// `to[c·toStride + s] = from[s·fromStride + c]` for s < rows, c < columns: a transposition
    /// between the sample-major (`rows × columns`) and feature-major layouts, either way.
    @inlinable
    static func transpose<Scalar>(rows: Int, columns: Int, from: UnsafePointer<Scalar>, fromStride: Int,
                                  to: UnsafeMutablePointer<Scalar>, toStride: Int) {
        for s in 0..<rows {
            let source = from + s * fromStride
            for c in 0..<columns { to[c * toStride + s] = source[c] }
        }
    }
}
