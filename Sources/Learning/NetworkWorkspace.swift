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
        /// The backward pass's two scratch buffers, each `maximumBatch × max(widths)`: this
        /// workspace's own, or those of the workspace it shares them with.
        @usableFromInline let backwardScratch: (delta: UnsafeMutablePointer<Scalar>, incoming: UnsafeMutablePointer<Scalar>)
        /// Where layer l's transposed weights (`inputs × outputs`, written by the forward pass for a
        /// layer narrower at its input than at its output) start, and a scratch of the largest
        /// layer's weight count for its transposed weight cotangent.
        @usableFromInline let transposedOffsets: [Int]
        @usableFromInline let weightScratchOffset: Int
        /// The batch of the last forward pass.
        @usableFromInline var lastBatch = 0
        /// Whether the last forward pass stored its values feature-major (a large batch).
        @usableFromInline var lastFeatureMajor = false
        /// Per-chunk parameter cotangents of the feature-major backward pass, made on first use
        /// (shared like the backward scratch).
        @usableFromInline let partials: ChunkPartials<Scalar>
        /// The workspace whose backward scratch this one uses, kept alive with it.
        let scratchOwner: Workspace?
        /// The number of scalars held.
        public let scalarCount: Int

        /// A workspace for a network of the given widths.
        ///
        /// With `sharingScratchWith`, the backward pass's scratch buffers and per-chunk gradients
        /// are those of `owner` (same widths, at least this batch), so that many workspaces kept
        /// for later backward passes, run one at a time, hold only what each forward pass keeps.
        public init(widths: [Int], maximumBatch: Int, sharingScratchWith owner: Workspace? = nil) {
            precondition(maximumBatch >= 0, "a negative batch size")
            if let owner {
                precondition(owner.widths == widths && owner.maximumBatch >= maximumBatch, "a scratch owner of other widths or a smaller batch")
            }
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
            var transposed = [Int](), largest = 0
            for layer in 0..<max(widths.count - 1, 0) {
                transposed.append(offset)
                offset += widths[layer] * widths[layer + 1]
                largest = max(largest, widths[layer] * widths[layer + 1])
            }
            transposedOffsets = transposed
            weightScratchOffset = offset
            offset += largest
            let scratchOffset = offset, widest = widths.max() ?? 0
            if owner == nil { offset += 2 * maximumBatch * widest }
            activationOffsets = activations
            preActivationOffsets = preActivations
            scalarCount = offset
            storage = .allocate(capacity: max(offset, 1))
            storage.initializeToZero(count: max(offset, 1))
            scratchOwner = owner
            if let owner {
                backwardScratch = owner.backwardScratch
                partials = owner.partials
            } else {
                backwardScratch = (storage + scratchOffset, storage + scratchOffset + maximumBatch * widest)
                partials = ChunkPartials<Scalar>()
            }
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
