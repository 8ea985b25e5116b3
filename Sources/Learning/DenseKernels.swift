/// The matrix loops of the dense layers, on raw row-major storage. Inner loops run over contiguous
/// memory. A sample's affine values and input cotangents sum their terms in order (the bias or 0
/// first), as `BatchKernels` does for large batches, so a sample's results do not depend on its
/// batch; reductions over the batch keep four independent partial sums (in a fixed order, so
/// results do not depend on how the compiler vectorises) to break the addition chain.
@usableFromInline
enum DenseKernels {
    /// Σᵢ a[i]·b[i] for i < n.
    @inlinable @inline(__always)
    static func dot<Scalar: NetworkScalar>(_ a: UnsafePointer<Scalar>, _ b: UnsafePointer<Scalar>, _ n: Int) -> Scalar {
        var s0: Scalar = 0, s1: Scalar = 0, s2: Scalar = 0, s3: Scalar = 0
        var i = 0
        while i + 4 <= n {
            s0 += a[i] * b[i]
            s1 += a[i + 1] * b[i + 1]
            s2 += a[i + 2] * b[i + 2]
            s3 += a[i + 3] * b[i + 3]
            i += 4
        }
        while i < n {
            s0 += a[i] * b[i]
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// y[i] += α·x[i] for i < n.
    @inlinable @inline(__always)
    static func axpy<Scalar: NetworkScalar>(_ alpha: Scalar, _ x: UnsafePointer<Scalar>, _ y: UnsafeMutablePointer<Scalar>, _ n: Int) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }

    /// How the matrix A of a product x·A is stored, row-major.
    @usableFromInline
    enum Storage {
        /// A itself, `inner × columns`: each row of the product combines the rows of A (axpys
        /// over contiguous rows of length `columns`).
        case itself
        /// Aᵀ, `columns × inner`: each entry of the product is a dot of length `inner`.
        case transpose
    }

    /// y = x·A + 1 bᵀ (0 without `bias`): `x` is `rows × inner`, A is `inner × columns` stored as
    /// `storage` says, `y` is `rows × columns` (overwritten). Each entry sums its terms in order of
    /// the inner index, the bias or 0 first, whichever the storage.
    ///
    /// A dense layer's affine values are x·Wᵀ + b (W given: `.transpose`; Wᵀ written out: `.itself`),
    /// its input cotangents δ·W (W given: `.itself`; Wᵀ written out: `.transpose`).
    @inlinable
    static func affine<Scalar: NetworkScalar>(
        rows: Int, inner: Int, columns: Int, x: UnsafePointer<Scalar>,
        matrix a: UnsafePointer<Scalar>, storedAs storage: Storage, bias: UnsafePointer<Scalar>?, into y: UnsafeMutablePointer<Scalar>
    ) {
        for s in 0..<rows {
            let xs = x + s * inner, ys = y + s * columns
            switch storage {
            case .transpose:
                for j in 0..<columns {
                    let aj = a + j * inner
                    var sum = bias?[j] ?? 0
                    for k in 0..<inner { sum += aj[k] * xs[k] }
                    ys[j] = sum
                }
            case .itself:
                if let bias { ys.update(from: bias, count: columns) } else { ys.update(repeating: 0, count: columns) }
                for k in 0..<inner { axpy(xs[k], a + k * columns, ys, columns) }
            }
        }
    }

    /// g += uᵀ v: `u` is `rows × uColumns`, `v` is `rows × vColumns`, `g` is `uColumns × vColumns`;
    /// row j of g gains u[s, j]·v[s, ·] for s in order.
    @inlinable
    static func accumulateTransposeProduct<Scalar: NetworkScalar>(
        rows: Int, u: UnsafePointer<Scalar>, uColumns: Int, v: UnsafePointer<Scalar>, vColumns: Int, into g: UnsafeMutablePointer<Scalar>
    ) {
        for s in 0..<rows {
            let us = u + s * uColumns, vs = v + s * vColumns
            for j in 0..<uColumns { axpy(us[j], vs, g + j * vColumns, vColumns) }
        }
    }

    /// gW += δᵀ x and gb += δᵀ 1: `delta` is `batch × outputs`, `x` is `batch × inputs`, `gw` is
    /// `outputs × inputs`, `gb` is `outputs`. With a `transposedScratch` (`inputs × outputs`,
    /// overwritten), for a layer with few inputs and many outputs, the sums run over rows of length
    /// `outputs` in Wᵀ's layout and are then added into gW.
    @inlinable
    static func accumulateWeightCotangent<Scalar: NetworkScalar>(
        batch: Int, inputs: Int, outputs: Int, delta: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>,
        gw: UnsafeMutablePointer<Scalar>, gb: UnsafeMutablePointer<Scalar>, transposedScratch: UnsafeMutablePointer<Scalar>?
    ) {
        if let gwt = transposedScratch {
            gwt.update(repeating: 0, count: inputs * outputs)
            accumulateTransposeProduct(rows: batch, u: x, uColumns: inputs, v: delta, vColumns: outputs, into: gwt)
            for o in 0..<outputs {
                for i in 0..<inputs { gw[o * inputs + i] += gwt[i * outputs + o] }
            }
        } else {
            accumulateTransposeProduct(rows: batch, u: delta, uColumns: outputs, v: x, vColumns: inputs, into: gw)
        }
        for s in 0..<batch { axpy(1, delta + s * outputs, gb, outputs) }
    }
}
