extension MultilayerPerceptron {
    /// Preallocated storage for a network's forward and backward passes on batches of up to
    /// `maximumBatch` samples: a copy of the input, every layer's pre-activations and activations
    /// (kept by `forward` for the backward pass), and two scratch buffers for the backward pass.
    ///
    /// One workspace serves one thread at a time; the last `forward` decides the point at which
    /// `vectorJacobianProducts(batch:cotangent:…)` differentiates.
    public final class Workspace {
        /// The largest batch this workspace holds.
        public let maximumBatch: Int
        /// The widths of the network it was made for.
        @usableFromInline let widths: [Int]
        /// One allocation of `scalarCount` values, zero-initialised.
        @usableFromInline let storage: UnsafeMutablePointer<Scalar>
        /// Where layer l's activations start (index 0: the input copy), each `maximumBatch × widths[l]`.
        @usableFromInline let activationOffsets: [Int]
        /// Where layer l's pre-activations start (index 0 unused), each `maximumBatch × widths[l]`.
        @usableFromInline let preActivationOffsets: [Int]
        /// Where the two backward scratch buffers start, each `maximumBatch × max(widths)`.
        @usableFromInline let scratchOffsets: (delta: Int, incoming: Int)
        /// Where layer l's transposed weights (`inputs × outputs`, written by the forward pass for a
        /// layer narrower at its input than at its output) start, and a scratch of the largest
        /// layer's weight count for its transposed weight cotangent.
        @usableFromInline let transposedOffsets: [Int]
        @usableFromInline let weightScratchOffset: Int
        /// The batch of the last forward pass.
        @usableFromInline var lastBatch = 0
        /// Whether the last forward pass stored its values feature-major (a large batch).
        @usableFromInline var lastFeatureMajor = false
        /// Per-chunk parameter cotangents of the feature-major backward pass, made on first use.
        @usableFromInline let partials = ChunkPartials<Scalar>()
        /// The number of scalars held.
        public let scalarCount: Int

        /// A workspace for a network of the given widths.
        public init(widths: [Int], maximumBatch: Int) {
            precondition(maximumBatch >= 0, "a negative batch size")
            self.widths = widths
            self.maximumBatch = maximumBatch
            var offset = 0
            var activations = [Int](), preActivations = [-1]
            activations.append(offset)
            offset += maximumBatch * widths[0]
            for width in widths.dropFirst() {
                preActivations.append(offset)
                offset += maximumBatch * width
                activations.append(offset)
                offset += maximumBatch * width
            }
            let widest = widths.max() ?? 0
            scratchOffsets = (offset, offset + maximumBatch * widest)
            offset += 2 * maximumBatch * widest
            var transposed = [Int](), largest = 0
            for layer in 0..<max(widths.count - 1, 0) {
                transposed.append(offset)
                offset += widths[layer] * widths[layer + 1]
                largest = max(largest, widths[layer] * widths[layer + 1])
            }
            transposedOffsets = transposed
            weightScratchOffset = offset
            offset += largest
            activationOffsets = activations
            preActivationOffsets = preActivations
            scalarCount = offset
            storage = .allocate(capacity: max(offset, 1))
            storage.initializeToZero(count: max(offset, 1))
        }

        /// The batch of the last forward pass.
        public var batch: Int { lastBatch }

        /// Room for `chunks × parameters` values.
        @inlinable
        func partialGradients(chunks: Int, parameters: Int) -> UnsafeMutablePointer<Scalar> {
            partials.room(chunks: chunks, parameters: parameters)
        }

        deinit {
            storage.deinitialize(count: max(scalarCount, 1))
            storage.deallocate()
        }
    }
}
