import Learning

/// The Gaussian log-likelihood of a batch's observations at one time, through the decoder, with
/// its pullback to the latent states and the decoder's parameters: the latent-ODE loss at one
/// observation time.
///
/// The batch runs in `ParallelChunks`, each chunk through the decoder, the likelihood and the
/// decoder's vector–Jacobian products with its own workspace and its own parameter-gradient
/// buffer (summed in chunk order by `decoderGradient`, so the result does not depend on the
/// threads). All buffers are made once and reused by every observation and iteration.
@usableFromInline
final class ObservationLikelihood<Scalar: NetworkScalar>: @unchecked Sendable {
    @usableFromInline let batch: Int
    @usableFromInline let latentWidth: Int
    @usableFromInline let width: Int
    @usableFromInline let parameterCount: Int
    @usableFromInline let chunks: ParallelChunks
    @usableFromInline let workspaces: [MultilayerPerceptron<Scalar>.Workspace]
    @usableFromInline let latent: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let decoded: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let cotangent: UnsafeMutableBufferPointer<Scalar>
    @usableFromInline let latentCotangent: UnsafeMutableBufferPointer<Scalar>
    /// `chunks × parameterCount`: each chunk's decoder gradient, accumulated over the observations.
    @usableFromInline let gradients: UnsafeMutableBufferPointer<Scalar>
    /// Each chunk's log-likelihood at the current observation.
    @usableFromInline let totals: UnsafeMutableBufferPointer<Double>

    /// Buffers for `batch` series through `decoder` (latent → observation).
    @usableFromInline
    init(decoder: MultilayerPerceptron<Scalar>, batch: Int) {
        self.batch = batch
        latentWidth = decoder.inputWidth
        width = decoder.outputWidth
        parameterCount = decoder.parameterCount
        // The work of the forward and backward passes together decides the split.
        let chunks = ParallelChunks(count: batch, work: 3 * batch * decoder.parameterCount)
        self.chunks = chunks
        workspaces = (0..<chunks.count).map { decoder.makeWorkspace(maximumBatch: chunks.range($0).count) }
        latent = .allocateZeroed(count: batch * latentWidth)
        latentCotangent = .allocateZeroed(count: batch * latentWidth)
        decoded = .allocateZeroed(count: batch * width)
        cotangent = .allocateZeroed(count: batch * width)
        gradients = .allocateZeroed(count: chunks.count * parameterCount)
        totals = .allocateZeroed(count: chunks.count)
    }

    deinit {
        latent.deallocate()
        latentCotangent.deallocate()
        decoded.deallocate()
        cotangent.deallocate()
        gradients.deallocate()
        totals.deallocate()
    }

    /// Clears the accumulated decoder gradient (before an iteration).
    @inlinable
    func reset() {
        for i in gradients.indices { gradients[i] = 0 }
    }

    /// The decoder gradient accumulated since `reset`, the chunks added in order.
    @inlinable
    func decoderGradient() -> [Double] {
        var sum = [Double](repeating: 0, count: parameterCount)
        for chunk in 0..<chunks.count {
            for k in 0..<parameterCount { sum[k] += Double(gradients[chunk * parameterCount + k]) }
        }
        return sum
    }

    /// The log-likelihood Σ log N(x; decoder(z), σ²) over the observed values of time `index`, for
    /// the latent states `state` (`batch × latent`); writes its gradient times `-scale` (the loss is
    /// `-scale ×` the log-likelihood) to `stateGradient` and adds the decoder's share to the
    /// accumulated gradient.
    ///
    /// `observations` is `batch × steps × width`, `mask` is `batch × steps` (0 where unobserved).
    @inlinable
    func logLikelihood(
        decoder: MultilayerPerceptron<Scalar>, index: Int, steps: Int, state: UnsafeBufferPointer<Double>,
        stateGradient: UnsafeMutableBufferPointer<Double>, observations: UnsafePointer<Scalar>, mask: UnsafePointer<Scalar>,
        logVariance: Double, inverseVariance: Double, scale: Double
    ) -> Double {
        let latentWidth = self.latentWidth, w = width, p = parameterCount
        let latent = self.latent.baseAddress!, decoded = self.decoded.baseAddress!, cotangent = self.cotangent.baseAddress!
        let latentCotangent = self.latentCotangent.baseAddress!, gradients = self.gradients.baseAddress!, totals = self.totals
        let workspaces = self.workspaces
        chunks.runIndexed { chunk, start, count in
            let z = latent + start * latentWidth, x = decoded + start * w, v = cotangent + start * w
            for i in 0..<(count * latentWidth) { z[i] = Scalar(state[start * latentWidth + i]) }
            decoder.forward(batch: count, input: UnsafeBufferPointer(start: z, count: count * latentWidth),
                            output: UnsafeMutableBufferPointer(start: x, count: count * w), workspace: workspaces[chunk])
            var total = 0.0
            for b in start..<(start + count) {
                let row = (b - start) * w
                guard mask[b * steps + index] != 0 else {
                    for k in 0..<w { v[row + k] = 0 }
                    continue
                }
                let observed = observations + (b * steps + index) * w
                for k in 0..<w {
                    let difference = Double(observed[k]) - Double(x[row + k])
                    total += -0.5 * (Gaussian.logTwoPi + logVariance + difference * difference * inverseVariance)
                    v[row + k] = Scalar(-difference * inverseVariance * scale)
                }
            }
            totals[chunk] = total
            let gz = latentCotangent + start * latentWidth
            decoder.vectorJacobianProducts(batch: count, cotangent: UnsafeBufferPointer(start: v, count: count * w),
                                           inputCotangent: UnsafeMutableBufferPointer(start: gz, count: count * latentWidth),
                                           addingTo: UnsafeMutableBufferPointer(start: gradients + chunk * p, count: p),
                                           workspace: workspaces[chunk])
            for i in 0..<(count * latentWidth) { stateGradient[start * latentWidth + i] = Double(gz[i]) }
        }
        var total = 0.0
        for chunk in 0..<chunks.count { total += totals[chunk] }
        return total
    }
}
