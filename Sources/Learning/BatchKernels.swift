import CKernels

/// Matrix loops over a batch stored feature-major: a `rows × n` matrix with row r at `r·ld`
/// (`ld ≥ n`), so that every loop runs over the batch, contiguous, whatever the layer widths.
///
/// Products `z = A x (+ b)` compute each column (sample) as `b[r]` followed by the terms in
/// increasing c, in the same order whether a sample falls in a vector block or in the scalar tail,
/// so a sample's result does not depend on where it sits in the batch (splitting a batch changes
/// nothing). Reductions over the batch (`accumulateOuter`) depend on n and are run per fixed chunk.
///
/// Float runs the C kernels of `CKernels` (explicit 8-wide blocks, weights broadcast from
/// registers, several output rows per block; AVX2/FMA where the processor has them, chosen at
/// start-up); other scalars run plain loops.
@usableFromInline
enum BatchKernels {
    /// `z[r, s] = σ((bias[r] or 0) + Σ_c a[r·rowStride + c·columnStride] · x[c, s])` for r < m,
    /// s < n: x is `k × n` (stride `ld`), z is `m × n` (stride `ld`), overwritten; σ is `activation`
    /// (applied in registers before the store for Float, with the same bits as `Activation.apply`).
    @inlinable
    static func multiply<Scalar: NetworkScalar>(
        n: Int, ld: Int, m: Int, k: Int, a: UnsafePointer<Scalar>, rowStride: Int, columnStride: Int,
        x: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>?, z: UnsafeMutablePointer<Scalar>, activation: Activation = .identity
    ) {
        if Scalar.self == Float.self {
            let code = fusedCode(activation)
            ck_multiply(n, ld, m, k, UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), rowStride, columnStride,
                        UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                        bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                        UnsafeMutableRawPointer(z).assumingMemoryBound(to: Float.self), code ?? CK_ACTIVATION_IDENTITY)
            if code == nil {
                for r in 0..<m { activation.apply(z + r * ld, to: z + r * ld, count: n) }
            }
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
            if activation != .identity { activation.apply(zr, to: zr, count: n) }
        }
    }

    /// The C kernel's code for an activation it applies in registers (`nil`: applied afterwards).
    @inlinable
    static func fusedCode(_ activation: Activation) -> Int32? {
        switch activation {
        case .identity: return CK_ACTIVATION_IDENTITY
        case .elu: return CK_ACTIVATION_ELU
        case .tanh: return CK_ACTIVATION_TANH
        case .relu: return CK_ACTIVATION_RELU
        case .softplus, .sigmoid: return nil
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
            ck_accumulate_outer(n, ld, m, k, UnsafeRawPointer(d).assumingMemoryBound(to: Float.self),
                                UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                UnsafeMutableRawPointer(g).assumingMemoryBound(to: Float.self), gStride,
                                gb.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self) })
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
