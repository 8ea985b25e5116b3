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

    /// z = x Wᵀ + 1 bᵀ: `x` is `batch × inputs`, `w` is `outputs × inputs`, `z` is `batch × outputs`.
    @inlinable
    static func affine<Scalar: NetworkScalar>(
        batch: Int, inputs: Int, outputs: Int,
        x: UnsafePointer<Scalar>, w: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, z: UnsafeMutablePointer<Scalar>
    ) {
        for s in 0..<batch {
            let xs = x + s * inputs, zs = z + s * outputs
            for o in 0..<outputs {
                // b first, then the terms in order: the order of the feature-major kernels, so that a
                // sample's value does not depend on the batch it is in.
                let wo = w + o * inputs
                var sum = b[o]
                for i in 0..<inputs { sum += wo[i] * xs[i] }
                zs[o] = sum
            }
        }
    }

    /// gW += δᵀ x and gb += δᵀ 1: `delta` is `batch × outputs`, `x` is `batch × inputs`, `gw` is
    /// `outputs × inputs`, `gb` is `outputs`.
    @inlinable
    static func accumulateWeightCotangent<Scalar: NetworkScalar>(
        batch: Int, inputs: Int, outputs: Int,
        delta: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>, gw: UnsafeMutablePointer<Scalar>, gb: UnsafeMutablePointer<Scalar>
    ) {
        for s in 0..<batch {
            let ds = delta + s * outputs, xs = x + s * inputs
            for o in 0..<outputs {
                axpy(ds[o], xs, gw + o * inputs, inputs)
                gb[o] += ds[o]
            }
        }
    }

    /// c = δ W: `delta` is `batch × outputs`, `w` is `outputs × inputs`, `c` is `batch × inputs`
    /// (overwritten).
    @inlinable
    static func backpropagate<Scalar: NetworkScalar>(
        batch: Int, inputs: Int, outputs: Int,
        delta: UnsafePointer<Scalar>, w: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>
    ) {
        for s in 0..<batch {
            let ds = delta + s * outputs, cs = c + s * inputs
            cs.update(repeating: 0, count: inputs)
            for o in 0..<outputs { axpy(ds[o], w + o * inputs, cs, inputs) }
        }
    }

    // MARK: Narrow inputs
    // A layer with few inputs and many outputs (ode_demo's 2 → 50) runs its loops over the outputs,
    // contiguous in the transposed weights Wᵀ (`inputs × outputs`), instead of dots of length `inputs`.

    /// Wᵀ from W (`outputs × inputs`, row-major) into `wt` (`inputs × outputs`).
    @inlinable
    static func transpose<Scalar: NetworkScalar>(inputs: Int, outputs: Int, w: UnsafePointer<Scalar>, into wt: UnsafeMutablePointer<Scalar>) {
        for o in 0..<outputs {
            for i in 0..<inputs { wt[i * outputs + o] = w[o * inputs + i] }
        }
    }

    /// z = x Wᵀ + 1 bᵀ from Wᵀ: each sample's row of z is b plus Σᵢ x[i]·Wᵀ[i, ·].
    @inlinable
    static func affineTransposed<Scalar: NetworkScalar>(
        batch: Int, inputs: Int, outputs: Int,
        x: UnsafePointer<Scalar>, wt: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, z: UnsafeMutablePointer<Scalar>
    ) {
        for s in 0..<batch {
            let xs = x + s * inputs, zs = z + s * outputs
            zs.update(from: b, count: outputs)
            for i in 0..<inputs { axpy(xs[i], wt + i * outputs, zs, outputs) }
        }
    }

    /// gW += δᵀ x and gb += δᵀ 1 through a transposed scratch `gwt` (`inputs × outputs`,
    /// overwritten): rows of length `outputs` are accumulated, then added into gW.
    @inlinable
    static func accumulateWeightCotangentTransposed<Scalar: NetworkScalar>(
        batch: Int, inputs: Int, outputs: Int,
        delta: UnsafePointer<Scalar>, x: UnsafePointer<Scalar>, gw: UnsafeMutablePointer<Scalar>, gb: UnsafeMutablePointer<Scalar>,
        scratch gwt: UnsafeMutablePointer<Scalar>
    ) {
        gwt.update(repeating: 0, count: inputs * outputs)
        for s in 0..<batch {
            let ds = delta + s * outputs, xs = x + s * inputs
            for i in 0..<inputs { axpy(xs[i], ds, gwt + i * outputs, outputs) }
            axpy(1, ds, gb, outputs)
        }
        for o in 0..<outputs {
            for i in 0..<inputs { gw[o * inputs + i] += gwt[i * outputs + o] }
        }
    }

    /// c = δ W from Wᵀ: each entry is a dot of length `outputs`.
    @inlinable
    static func backpropagateTransposed<Scalar: NetworkScalar>(
        batch: Int, inputs: Int, outputs: Int,
        delta: UnsafePointer<Scalar>, wt: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>
    ) {
        for s in 0..<batch {
            let ds = delta + s * outputs, cs = c + s * inputs
            for i in 0..<inputs {
                // The terms in order from 0, as the other kernels sum them.
                let wi = wt + i * outputs
                var sum: Scalar = 0
                for o in 0..<outputs { sum += ds[o] * wi[o] }
                cs[i] = sum
            }
        }
    }
}
