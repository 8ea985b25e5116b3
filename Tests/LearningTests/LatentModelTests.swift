import Foundation
import Testing
@testable import Learning

/// Central differences of `f` at `x` in every coordinate.
private func differences(_ f: ([Double]) -> Double, at x: [Double], step: Double = 1e-5) -> [Double] {
    var gradient = [Double](repeating: 0, count: x.count)
    for i in x.indices {
        var plus = x, minus = x
        plus[i] += step
        minus[i] -= step
        gradient[i] = (f(plus) - f(minus)) / (2 * step)
    }
    return gradient
}

/// Every entry within `tolerance` relatively, with an absolute floor for entries near zero.
private func expectNear(_ a: [Double], _ b: [Double], tolerance: Double = 1e-6, floor: Double = 1e-9,
                        _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) values", sourceLocation: sourceLocation)
    for i in a.indices where abs(a[i] - b[i]) > tolerance * max(abs(a[i]), abs(b[i])) + floor {
        Issue.record("\(what)[\(i)]: \(a[i]) vs \(b[i])", sourceLocation: sourceLocation)
        return
    }
}

private func uniforms(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in scale * (2 * generator.nextUniform() - 1) }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

/// The recognition network written plainly, one series at a time, from the documented layout.
private func referenceEncoding(_ rnn: RecognitionRNN<Double>, observations: [Double], steps: Int, mask: [Double]?) -> [Double] {
    let o = rnn.observationWidth, h = rnn.hiddenWidth, c = o + h, out = rnn.outputWidth
    let p = rnn.parameters
    let batch = observations.count / (steps * o)
    var result = [Double]()
    for b in 0..<batch {
        var hidden = [Double](repeating: 0, count: h)
        for t in (0..<steps).reversed() where (mask?[b * steps + t] ?? 1) != 0 {
            let input = Array(observations[((b * steps + t) * o)..<((b * steps + t + 1) * o)]) + hidden
            hidden = (0..<h).map { r in
                Foundation.tanh(p[c * h + r] + (0..<c).reduce(0) { $0 + p[r * c + $1] * input[$1] })
            }
        }
        let base = (c + 1) * h
        result += (0..<out).map { r in p[base + h * out + r] + (0..<h).reduce(0) { $0 + p[base + r * h + $1] * hidden[$1] } }
    }
    return result
}

@Suite("Recognition RNN")
struct RecognitionRNNTests {
    // Three series of six steps; series 0 fully observed, series 1 with gaps including its first
    // and last time, series 2 observed once.
    static let steps = 6
    static let mask: [Double] = [1, 1, 1, 1, 1, 1,
                                 0, 1, 0, 0, 1, 0,
                                 0, 0, 0, 1, 0, 0]

    @Test("The example's sizes: 2 + 25 → 25 → 8, 908 parameters, in the documented ranges")
    func layout() {
        let rnn = RecognitionRNN<Double>(observationWidth: 2, hiddenWidth: 25, latentWidth: 4, initialisation: .fanInUniform, seed: 1)
        #expect(rnn.parameterCount == 27 * 25 + 25 + 25 * 8 + 8)
        #expect(rnn.inputWeightRange == 0..<675)
        #expect(rnn.inputBiasRange == 675..<700)
        #expect(rnn.outputWeightRange == 700..<900)
        #expect(rnn.outputBiasRange == 900..<908)
        #expect(rnn.parameterCount == 908)
        // PyTorch's default bounds: ±1/√27 for i2h, ±1/√25 for h2o.
        #expect(rnn.parameters[rnn.inputWeightRange].allSatisfy { abs($0) <= 1 / 27.0.squareRoot() })
        #expect(rnn.parameters[rnn.outputBiasRange].allSatisfy { abs($0) <= 0.2 })
    }

    @Test("The batched forward pass reads each series backwards and skips missing steps")
    func forwardMatchesReference() {
        let rnn = RecognitionRNN<Double>(observationWidth: 2, hiddenWidth: 5, latentWidth: 2, initialisation: .normal(standardDeviation: 0.6), seed: 4)
        let x = uniforms(3 * Self.steps * 2, seed: 9, scale: 1.5)
        for mask in [nil, Self.mask] {
            expectNear(rnn(x, steps: Self.steps, mask: mask), referenceEncoding(rnn, observations: x, steps: Self.steps, mask: mask),
                       tolerance: 1e-13, floor: 1e-14, "output")
        }
        // The value at a missing step does not matter.
        var changed = x
        changed[(1 * Self.steps + 0) * 2] += 3
        changed[(2 * Self.steps + 5) * 2 + 1] -= 2
        #expect(rnn(changed, steps: Self.steps, mask: Self.mask) == rnn(x, steps: Self.steps, mask: Self.mask))
        // Reversing time changes the encoding (order matters; the last observation is read first).
        var reversed = [Double]()
        for b in 0..<3 {
            for t in (0..<Self.steps).reversed() {
                let start: Int = (b * Self.steps + t) * 2
                reversed.append(contentsOf: x[start..<(start + 2)])
            }
        }
        #expect(rnn(reversed, steps: Self.steps) != rnn(x, steps: Self.steps))
        // A series with no observation gives h2o's biases.
        let none = rnn(Array(x.prefix(Self.steps * 2)), steps: Self.steps, mask: [Double](repeating: 0, count: Self.steps))
        #expect(none == Array(rnn.parameters[rnn.outputBiasRange]))
    }

    @Test("Backpropagation through time matches central differences, with and without gaps")
    func bpttAgainstFiniteDifferences() {
        let rnn = RecognitionRNN<Double>(observationWidth: 2, hiddenWidth: 5, latentWidth: 2, initialisation: .normal(standardDeviation: 0.6), seed: 4)
        let x = uniforms(3 * Self.steps * 2, seed: 9, scale: 1.5)
        let v = uniforms(3 * rnn.outputWidth, seed: 10)
        for mask in [nil, Self.mask] {
            let (gx, gp) = rnn.vectorJacobianProducts(at: x, steps: Self.steps, mask: mask, cotangent: v)
            let px = differences({ dot(rnn($0, steps: Self.steps, mask: mask), v) }, at: x)
            let pp = differences({ p in
                var perturbed = rnn
                perturbed.parameters = p
                return dot(perturbed(x, steps: Self.steps, mask: mask), v)
            }, at: rnn.parameters)
            expectNear(gp, pp, tolerance: 1e-7, floor: 1e-10, "vᵀ∂out/∂θ, mask \(mask == nil ? "none" : "with gaps")")
            expectNear(gx, px, tolerance: 1e-7, floor: 1e-10, "vᵀ∂out/∂x, mask \(mask == nil ? "none" : "with gaps")")
            if let mask {
                for i in mask.indices where mask[i] == 0 { #expect(gx[2 * i] == 0 && gx[2 * i + 1] == 0) }
            }
        }
    }

    @Test("The parameter cotangent accumulates, the workspace is reusable at smaller sizes, Float agrees")
    func workspaceAndAccumulation() {
        let rnn = RecognitionRNN<Double>(observationWidth: 2, hiddenWidth: 4, latentWidth: 3, initialisation: .fanInUniform, seed: 2)
        let x = uniforms(3 * Self.steps * 2, seed: 5)
        let v = uniforms(3 * rnn.outputWidth, seed: 6)
        let (_, once) = rnn.vectorJacobianProducts(at: x, steps: Self.steps, mask: Self.mask, cotangent: v)
        let workspace = rnn.makeWorkspace(maximumBatch: 5, maximumSteps: 9)
        var output = [Double](repeating: 0, count: 3 * rnn.outputWidth)
        var gradient = [Double](repeating: 0, count: rnn.parameterCount)
        for _ in 0..<2 {
            x.withUnsafeBufferPointer { xs in
                Self.mask.withUnsafeBufferPointer { m in
                    output.withUnsafeMutableBufferPointer { rnn.forward(batch: 3, steps: Self.steps, observations: xs, mask: m, output: $0, workspace: workspace) }
                }
            }
            v.withUnsafeBufferPointer { vs in
                gradient.withUnsafeMutableBufferPointer { rnn.vectorJacobianProducts(batch: 3, cotangent: vs, addingTo: $0, workspace: workspace) }
            }
        }
        #expect(output == rnn(x, steps: Self.steps, mask: Self.mask))
        expectNear(gradient, once.map { 2 * $0 }, tolerance: 1e-14, floor: 1e-15, "twice the cotangent")
        let single = RecognitionRNN<Float>(observationWidth: 2, hiddenWidth: 4, latentWidth: 3, initialisation: .fanInUniform, seed: 2)
        let floatOutput = single(x.map { Float($0) }, steps: Self.steps, mask: Self.mask.map { Float($0) })
        expectNear(floatOutput.map { Double($0) }, output, tolerance: 1e-5, floor: 1e-6, "Float output")
    }
}

@Suite("Gaussian likelihood, divergence and reparameterisation")
struct GaussianTests {
    @Test("ln N(x; μ, σ²) is the log of the density")
    func logDensity() {
        for (x, mu, sigma) in [(0.3, -0.2, 0.3), (2.0, 2.0, 1.0), (-1.5, 0.7, 2.5)] {
            let density = Foundation.exp(-(x - mu) * (x - mu) / (2 * sigma * sigma)) / (sigma * (2 * Double.pi).squareRoot())
            #expect(abs(Gaussian.logDensity(x, mean: mu, logVariance: 2 * Foundation.log(sigma)) - Foundation.log(density)) < 1e-13)
        }
    }

    @Test("The masked log-likelihood sums the observed points; its gradient matches central differences")
    func logLikelihood() {
        let batch = 2, steps = 4, width = 2, sigma = 0.3
        let x = uniforms(batch * steps * width, seed: 1, scale: 2), mu = uniforms(batch * steps * width, seed: 2, scale: 2)
        let mask: [Double] = [1, 0, 1, 1, 0, 0, 1, 0]
        func value(_ mu: [Double], _ gradient: UnsafeMutableBufferPointer<Double>? = nil, perSeries: UnsafeMutableBufferPointer<Double>? = nil) -> Double {
            x.withUnsafeBufferPointer { xs in
                mu.withUnsafeBufferPointer { ms in
                    mask.withUnsafeBufferPointer { m in
                        Gaussian.logLikelihood(batch: batch, steps: steps, width: width, observations: xs, predictions: ms, mask: m,
                                               noiseStandardDeviation: sigma, perSeries: perSeries, predictionGradient: gradient, gradientScale: 1)
                    }
                }
            }
        }
        var expected = [0.0, 0.0]
        for b in 0..<batch {
            for t in 0..<steps where mask[b * steps + t] == 1 {
                for k in 0..<width {
                    let i = (b * steps + t) * width + k
                    expected[b] += Gaussian.logDensity(x[i], mean: mu[i], logVariance: 2 * Foundation.log(sigma))
                }
            }
        }
        var gradient = [Double](repeating: .nan, count: mu.count), perSeries = [0.0, 0.0]
        let total = gradient.withUnsafeMutableBufferPointer { g in perSeries.withUnsafeMutableBufferPointer { value(mu, g, perSeries: $0) } }
        #expect(abs(total - expected.reduce(0, +)) < 1e-12 * abs(total))
        expectNear(perSeries, expected, tolerance: 1e-13, "per series")
        expectNear(gradient, differences({ value($0) }, at: mu), tolerance: 1e-7, floor: 1e-8, "∂logpx/∂μ")
        for i in mask.indices where mask[i] == 0 { #expect(gradient[2 * i] == 0 && gradient[2 * i + 1] == 0) }
        // Without a mask: every point, Σ −½(ln 2π + ln σ² + r²/σ²).
        let all = x.withUnsafeBufferPointer { xs in
            mu.withUnsafeBufferPointer { Gaussian.logLikelihood(batch: batch, steps: steps, width: width, observations: xs, predictions: $0, mask: nil, noiseStandardDeviation: sigma) }
        }
        let closed = zip(x, mu).reduce(0.0) { $0 - 0.5 * (Foundation.log(2 * Double.pi * sigma * sigma) + ($1.0 - $1.1) * ($1.0 - $1.1) / (sigma * sigma)) }
        #expect(abs(all - closed) < 1e-12 * abs(closed))
    }

    @Test("KL of diagonal Gaussians: closed form, zero at equality, gradients by central differences")
    func divergence() {
        #expect(abs(Gaussian.divergence(mean1: 0.4, logVariance1: -0.3, mean2: 0.4, logVariance2: -0.3)) < 1e-15)
        for (m1, l1, m2, l2) in [(0.5, -1.0, 0.0, 0.0), (-1.2, 0.7, 0.3, -0.4), (2.0, 1.5, -1.0, 0.8)] {
            let s1 = Foundation.exp(l1 / 2), s2 = Foundation.exp(l2 / 2)
            let closed = Foundation.log(s2 / s1) + (s1 * s1 + (m1 - m2) * (m1 - m2)) / (2 * s2 * s2) - 0.5
            #expect(abs(Gaussian.divergence(mean1: m1, logVariance1: l1, mean2: m2, logVariance2: l2) - closed) < 1e-14)
            let g = Gaussian.divergenceGradient(mean1: m1, logVariance1: l1, mean2: m2, logVariance2: l2)
            let numeric = differences({ Gaussian.divergence(mean1: $0[0], logVariance1: $0[1], mean2: m2, logVariance2: l2) }, at: [m1, l1])
            expectNear([g.mean, g.logVariance], numeric, tolerance: 1e-8, floor: 1e-10, "∂KL")
        }
        // The batched divergence to N(0, 1) on the recognition layout (means, then log-variances).
        let batch = 3, latent = 2
        let posterior = uniforms(batch * 2 * latent, seed: 3, scale: 1.5)
        func total(_ q: [Double], _ gradient: UnsafeMutableBufferPointer<Double>? = nil, scale: Double = 1) -> Double {
            q.withUnsafeBufferPointer { Gaussian.standardNormalDivergence(batch: batch, latentWidth: latent, posterior: $0, addingGradientTo: gradient, gradientScale: scale) }
        }
        var expected = 0.0
        for b in 0..<batch {
            for j in 0..<latent { expected += Gaussian.divergence(mean1: posterior[b * 4 + j], logVariance1: posterior[b * 4 + 2 + j]) }
        }
        #expect(abs(total(posterior) - expected) < 1e-13)
        var gradient = [Double](repeating: 1, count: posterior.count)  // adds
        _ = gradient.withUnsafeMutableBufferPointer { total(posterior, $0, scale: 0.5) }
        expectNear(gradient, differences({ total($0) }, at: posterior).map { 1 + 0.5 * $0 }, tolerance: 1e-8, floor: 1e-10, "∂KL/∂posterior")
    }

    @Test("z₀ = μ + ε e^(lv/2) and its pullback, with the divergence's gradient added")
    func reparameterisation() {
        let batch = 3, latent = 2
        let posterior = uniforms(batch * 2 * latent, seed: 7, scale: 1.2)
        var generator = SeededGenerator(seed: 8)
        var noise = [Double](repeating: 0, count: batch * latent)
        generator.fillNormal(&noise)
        func sample(_ q: [Double]) -> [Double] {
            var z = [Double](repeating: 0, count: batch * latent)
            q.withUnsafeBufferPointer { qs in
                noise.withUnsafeBufferPointer { e in z.withUnsafeMutableBufferPointer { Gaussian.reparameterise(batch: batch, latentWidth: latent, posterior: qs, noise: e, sample: $0) } }
            }
            return z
        }
        let z = sample(posterior)
        for b in 0..<batch {
            for j in 0..<latent {
                let expected = posterior[b * 4 + j] + noise[b * 2 + j] * Foundation.exp(posterior[b * 4 + 2 + j] / 2)
                #expect(abs(z[b * 2 + j] - expected) < 1e-15)
            }
        }
        let w = uniforms(batch * latent, seed: 11), scale = 1.0 / 3
        var cotangent = [Double](repeating: 0, count: posterior.count)
        posterior.withUnsafeBufferPointer { qs in
            noise.withUnsafeBufferPointer { e in
                w.withUnsafeBufferPointer { ws in
                    cotangent.withUnsafeMutableBufferPointer {
                        Gaussian.reparameterisationPullback(batch: batch, latentWidth: latent, posterior: qs, noise: e, cotangent: ws, addingTo: $0, divergenceScale: scale)
                    }
                }
            }
        }
        let numeric = differences({ q in
            dot(sample(q), w) + scale * q.withUnsafeBufferPointer { Gaussian.standardNormalDivergence(batch: batch, latentWidth: latent, posterior: $0) }
        }, at: posterior)
        expectNear(cotangent, numeric, tolerance: 1e-8, floor: 1e-10, "posterior cotangent")
    }

    @Test("The example's loss: mean over series of −(logpx − KL); its cotangents by central differences")
    func latentLoss() {
        let batch = 2, steps = 3, width = 2, latent = 2, sigma = 0.3
        let x = uniforms(batch * steps * width, seed: 21, scale: 2), predictions = uniforms(batch * steps * width, seed: 22, scale: 2)
        let posterior = uniforms(batch * 2 * latent, seed: 23)
        let mask: [Double] = [1, 1, 0, 0, 1, 1]
        func evaluate(_ p: [Double], _ q: [Double], _ gp: UnsafeMutableBufferPointer<Double>? = nil, _ gq: UnsafeMutableBufferPointer<Double>? = nil) -> LatentODELoss {
            x.withUnsafeBufferPointer { xs in
                p.withUnsafeBufferPointer { ps in
                    q.withUnsafeBufferPointer { qs in
                        mask.withUnsafeBufferPointer { m in
                            Gaussian.latentODELoss(batch: batch, steps: steps, observationWidth: width, latentWidth: latent, observations: xs, predictions: ps,
                                                   mask: m, noiseStandardDeviation: sigma, posterior: qs, predictionCotangent: gp, addingPosteriorCotangentTo: gq)
                        }
                    }
                }
            }
        }
        var gp = [Double](repeating: 0, count: predictions.count), gq = [Double](repeating: 0, count: posterior.count)
        let result = gp.withUnsafeMutableBufferPointer { a in gq.withUnsafeMutableBufferPointer { evaluate(predictions, posterior, a, $0) } }
        let logpx = x.withUnsafeBufferPointer { xs in
            predictions.withUnsafeBufferPointer { ps in
                mask.withUnsafeBufferPointer { Gaussian.logLikelihood(batch: batch, steps: steps, width: width, observations: xs, predictions: ps, mask: $0, noiseStandardDeviation: sigma) }
            }
        }
        let kl = posterior.withUnsafeBufferPointer { Gaussian.standardNormalDivergence(batch: batch, latentWidth: latent, posterior: $0) }
        #expect(abs(result.loss - (kl - logpx) / 2) < 1e-12)
        #expect(abs(result.logLikelihood - logpx / 2) < 1e-12 && abs(result.divergence - kl / 2) < 1e-12)
        #expect(result.evidenceLowerBound == -result.loss)
        expectNear(gp, differences({ evaluate($0, posterior).loss }, at: predictions), tolerance: 1e-7, floor: 1e-9, "∂loss/∂predictions")
        expectNear(gq, differences({ evaluate(predictions, $0).loss }, at: posterior), tolerance: 1e-7, floor: 1e-9, "∂loss/∂posterior (KL part)")
    }
}
