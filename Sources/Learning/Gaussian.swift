import Foundation

/// The Gaussian pieces of a latent-ODE variational autoencoder's objective (Kingma & Welling,
/// "Auto-Encoding Variational Bayes", ICLR 2014; Chen et al., "Neural Ordinary Differential
/// Equations", NeurIPS 2018, §5; torchdiffeq's `latent_ode.py`): the observation log-likelihood
/// under fixed noise, the analytic Kullback–Leibler divergence of diagonal Gaussians, the
/// reparameterised sample of the latent initial state, and their derivatives.
///
/// **Layouts** (all sample-major, as `RecognitionRNN`):
/// - observations and predictions `batch × steps × width`, series b's value k at time index t at
///   `(b·steps + t)·width + k`; the mask `batch × steps` (an entry ≠ 0 is an observed point; all
///   `width` values of a point share it);
/// - the posterior `batch × 2·latent`, per series the `latent` means then the `latent`
///   log-variances (the recognition network's output); its cotangent the same;
/// - noise ε and samples z₀ `batch × latent`.
///
/// Scalars are `Float` or `Double`; sums accumulate in `Double`. Nothing here allocates.
public enum Gaussian {
    /// ln 2π.
    public static let logTwoPi = 1.837_877_066_409_345_483_56

    /// ln N(x; μ, σ²) with σ² = e^logVariance: `−½ (ln 2π + logVariance + (x − μ)²/σ²)` (the
    /// example's `log_normal_pdf`).
    @inlinable
    public static func logDensity(_ x: Double, mean: Double, logVariance: Double) -> Double {
        let r = x - mean
        return -0.5 * (logTwoPi + logVariance + r * r * exp(-logVariance))
    }

    /// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) for one coordinate, σᵢ² = e^lvᵢ:
    /// `lv₂/2 − lv₁/2 + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½` (the example's `normal_kl`).
    @inlinable
    public static func divergence(mean1: Double, logVariance1: Double, mean2: Double = 0, logVariance2: Double = 0) -> Double {
        let d = mean1 - mean2
        return 0.5 * (logVariance2 - logVariance1) + (exp(logVariance1) + d * d) * 0.5 * exp(-logVariance2) - 0.5
    }

    /// The derivatives of `divergence` with respect to μ₁ and lv₁: `(μ₁ − μ₂)/σ₂²` and
    /// `(σ₁²/σ₂² − 1)/2`.
    @inlinable
    public static func divergenceGradient(
        mean1: Double, logVariance1: Double, mean2: Double = 0, logVariance2: Double = 0
    ) -> (mean: Double, logVariance: Double) {
        let inverse = exp(-logVariance2)
        return ((mean1 - mean2) * inverse, 0.5 * (exp(logVariance1) * inverse - 1))
    }

    // MARK: Batched terms

    /// logpx = Σ over the observed points of series b and their `width` values of
    /// ln N(x; prediction, σ²), σ = `noiseStandardDeviation` (the example: 0.3). Returns the sum over
    /// the batch; writes each series' sum to `perSeries` (`batch`) when given, and
    /// `gradientScale · ∂logpx/∂prediction = gradientScale · (x − prediction)/σ²` (0 at missing
    /// points) to `predictionGradient` (the predictions' layout, overwritten) when given.
    @inlinable
    public static func logLikelihood<Scalar: NetworkScalar>(
        batch: Int, steps: Int, width: Int,
        observations: UnsafeBufferPointer<Scalar>, predictions: UnsafeBufferPointer<Scalar>, mask: UnsafeBufferPointer<Scalar>?,
        noiseStandardDeviation sigma: Double,
        perSeries: UnsafeMutableBufferPointer<Double>? = nil,
        predictionGradient: UnsafeMutableBufferPointer<Scalar>? = nil, gradientScale: Double = 1
    ) -> Double {
        let count = batch * steps * width
        precondition(sigma > 0, "the noise standard deviation must be positive, got \(sigma)")
        precondition(observations.count >= count && predictions.count >= count, "observations and predictions need \(count) values")
        if let mask { precondition(mask.count >= batch * steps, "the mask holds \(mask.count) values, not \(batch * steps)") }
        if let perSeries { precondition(perSeries.count >= batch, "per-series sums need \(batch) places") }
        if let predictionGradient { precondition(predictionGradient.count >= count, "the prediction gradient needs \(count) places") }
        let logVariance = 2 * log(sigma), inverseVariance = 1 / (sigma * sigma)
        let pointConstant = -0.5 * (logTwoPi + logVariance)
        var total = 0.0
        for b in 0..<batch {
            var series = 0.0
            for t in 0..<steps {
                let base = (b * steps + t) * width
                let observed = mask.map { $0[b * steps + t] != 0 } ?? true
                guard observed else {
                    if let predictionGradient { for k in 0..<width { predictionGradient[base + k] = 0 } }
                    continue
                }
                for k in 0..<width {
                    let r = Double(observations[base + k]) - Double(predictions[base + k])
                    series += pointConstant - 0.5 * r * r * inverseVariance
                    predictionGradient?[base + k] = Scalar(gradientScale * r * inverseVariance)
                }
            }
            perSeries?[b] = series
            total += series
        }
        return total
    }

    /// analytic_kl = Σ over the latent coordinates of KL(q(z₀|x) ‖ N(0, 1)) per series, q given by
    /// `posterior` (`batch × 2·latentWidth`: means then log-variances). Returns the sum over the
    /// batch; writes each series' value to `perSeries` when given, and **adds**
    /// `gradientScale · ∂KL/∂posterior` (μ for a mean, (e^lv − 1)/2 for a log-variance) to
    /// `gradient` (the posterior's layout) when given.
    @inlinable
    public static func standardNormalDivergence<Scalar: NetworkScalar>(
        batch: Int, latentWidth: Int, posterior: UnsafeBufferPointer<Scalar>,
        perSeries: UnsafeMutableBufferPointer<Double>? = nil,
        addingGradientTo gradient: UnsafeMutableBufferPointer<Scalar>? = nil, gradientScale: Double = 1
    ) -> Double {
        let width = 2 * latentWidth
        precondition(posterior.count >= batch * width, "the posterior needs \(batch * width) values")
        if let perSeries { precondition(perSeries.count >= batch, "per-series sums need \(batch) places") }
        if let gradient { precondition(gradient.count >= batch * width, "the posterior gradient needs \(batch * width) places") }
        var total = 0.0
        for b in 0..<batch {
            var series = 0.0
            for j in 0..<latentWidth {
                let m = b * width + j, l = m + latentWidth
                let mean = Double(posterior[m]), logVariance = Double(posterior[l])
                let variance = exp(logVariance)
                series += 0.5 * (variance + mean * mean - logVariance - 1)
                if let gradient {
                    gradient[m] += Scalar(gradientScale * mean)
                    gradient[l] += Scalar(gradientScale * 0.5 * (variance - 1))
                }
            }
            perSeries?[b] = series
            total += series
        }
        return total
    }

    /// The example's loss on a batch: mean over the series of −(logpx − analytic_kl), with the
    /// two terms of `logLikelihood` and `standardNormalDivergence`. Writes ∂loss/∂predictions
    /// (`−(x − prediction)/(σ²·batch)`, 0 at missing points) to `predictionCotangent` (overwritten)
    /// and **adds** ∂loss/∂posterior through the divergence alone (`∂KL/∂posterior / batch`) to
    /// `posteriorCotangent`, when given; the part through z₀ comes from
    /// `reparameterisationPullback` once the cotangent of z₀ is known.
    @inlinable
    public static func latentODELoss<Scalar: NetworkScalar>(
        batch: Int, steps: Int, observationWidth: Int, latentWidth: Int,
        observations: UnsafeBufferPointer<Scalar>, predictions: UnsafeBufferPointer<Scalar>, mask: UnsafeBufferPointer<Scalar>?,
        noiseStandardDeviation: Double, posterior: UnsafeBufferPointer<Scalar>,
        predictionCotangent: UnsafeMutableBufferPointer<Scalar>? = nil,
        addingPosteriorCotangentTo posteriorCotangent: UnsafeMutableBufferPointer<Scalar>? = nil
    ) -> LatentODELoss {
        guard batch > 0 else { return LatentODELoss(loss: 0, logLikelihood: 0, divergence: 0) }
        let scale = 1 / Double(batch)
        let logpx = logLikelihood(batch: batch, steps: steps, width: observationWidth, observations: observations, predictions: predictions,
                                  mask: mask, noiseStandardDeviation: noiseStandardDeviation,
                                  predictionGradient: predictionCotangent, gradientScale: -scale)
        let kl = standardNormalDivergence(batch: batch, latentWidth: latentWidth, posterior: posterior,
                                          addingGradientTo: posteriorCotangent, gradientScale: scale)
        return LatentODELoss(loss: scale * (kl - logpx), logLikelihood: scale * logpx, divergence: scale * kl)
    }

    // MARK: Reparameterisation

    /// z₀ = μ + ε·e^(lv/2) per latent coordinate, from the `posterior` (`batch × 2·latentWidth`)
    /// and standard normal `noise` ε (`batch × latentWidth`, e.g. from
    /// `SeededGenerator.fillNormal`), into `sample` (`batch × latentWidth`).
    @inlinable
    public static func reparameterise<Scalar: NetworkScalar>(
        batch: Int, latentWidth: Int, posterior: UnsafeBufferPointer<Scalar>, noise: UnsafeBufferPointer<Scalar>,
        sample: UnsafeMutableBufferPointer<Scalar>
    ) {
        let width = 2 * latentWidth
        precondition(posterior.count >= batch * width, "the posterior needs \(batch * width) values")
        precondition(noise.count >= batch * latentWidth && sample.count >= batch * latentWidth, "noise and sample need \(batch * latentWidth) values")
        for b in 0..<batch {
            for j in 0..<latentWidth {
                let m = b * width + j
                sample[b * latentWidth + j] = posterior[m] + noise[b * latentWidth + j] * Scalar.exp(posterior[m + latentWidth] / 2)
            }
        }
    }

    /// The pullback of `reparameterise`: for the cotangent z̄₀ (`batch × latentWidth`) **adds**
    /// μ̄ = z̄₀ and lv̄ = z̄₀·ε·e^(lv/2)/2 to `posteriorCotangent` (`batch × 2·latentWidth`), plus
    /// `divergenceScale · ∂KL(q ‖ N(0, 1))/∂posterior` (the batch loss's KL part when
    /// `divergenceScale` is 1/batch; leave it 0 when `latentODELoss` already added it).
    @inlinable
    public static func reparameterisationPullback<Scalar: NetworkScalar>(
        batch: Int, latentWidth: Int, posterior: UnsafeBufferPointer<Scalar>, noise: UnsafeBufferPointer<Scalar>,
        cotangent: UnsafeBufferPointer<Scalar>, addingTo posteriorCotangent: UnsafeMutableBufferPointer<Scalar>,
        divergenceScale: Double = 0
    ) {
        let width = 2 * latentWidth
        precondition(posterior.count >= batch * width && posteriorCotangent.count >= batch * width, "the posterior and its cotangent need \(batch * width) values")
        precondition(noise.count >= batch * latentWidth && cotangent.count >= batch * latentWidth, "noise and cotangent need \(batch * latentWidth) values")
        for b in 0..<batch {
            for j in 0..<latentWidth {
                let m = b * width + j, l = m + latentWidth, i = b * latentWidth + j
                let zbar = cotangent[i], lv = posterior[l]
                posteriorCotangent[m] += zbar
                posteriorCotangent[l] += zbar * noise[i] * Scalar.exp(lv / 2) / 2
            }
        }
        if divergenceScale != 0 {
            _ = standardNormalDivergence(batch: batch, latentWidth: latentWidth, posterior: posterior,
                                         addingGradientTo: posteriorCotangent, gradientScale: divergenceScale)
        }
    }
}

/// The latent-ODE objective on a batch, each term a mean over the series: `loss` =
/// `divergence − logLikelihood` (the example's `torch.mean(-logpx + analytic_kl)`, the negative
/// evidence lower bound).
public struct LatentODELoss: Sendable, Equatable {
    /// The loss to minimise.
    public var loss: Double
    /// Mean over the series of logpx.
    public var logLikelihood: Double
    /// Mean over the series of analytic_kl.
    public var divergence: Double

    /// A result.
    public init(loss: Double, logLikelihood: Double, divergence: Double) {
        self.loss = loss
        self.logLikelihood = logLikelihood
        self.divergence = divergence
    }

    /// The evidence lower bound, −loss.
    public var evidenceLowerBound: Double { -loss }
}
