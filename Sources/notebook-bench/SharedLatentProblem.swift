import Foundation
import NeuralODE

/// The latent-ODE problem as the peer script draws it (its data, initial weights and noise), read
/// from little-endian float64 files: `samp.bin` (spirals × samples × width), `ts.bin` (samples),
/// `params.bin` (the model's flat parameters: encoder, dynamics, decoder, each layer's weights
/// row-major then biases, as PyTorch stores them) and `eps.bin` (iterations × spirals × latent).
struct SharedLatentProblem {
    let data: LatentODEData
    let parameters: [Double]
    let noise: [Double]

    struct Unreadable: Error, CustomStringConvertible {
        let description: String
    }

    init(folder: URL, spirals: Int, samples: Int, observationWidth: Int) throws {
        func values(_ name: String) throws -> [Double] {
            let url = folder.appendingPathComponent(name)
            guard let bytes = FileManager.default.contents(atPath: url.path), bytes.count % 8 == 0 else {
                throw Unreadable(description: "cannot read \(url.path) as float64 values")
            }
            return bytes.withUnsafeBytes { raw in (0..<(bytes.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) } }
        }
        let observations = try values("samp.bin"), times = try values("ts.bin")
        guard times.count == samples, observations.count == spirals * samples * observationWidth else {
            throw Unreadable(description: "\(folder.path): expected \(samples) times and \(spirals)×\(samples)×\(observationWidth) observations")
        }
        data = LatentODEData(times: times, width: observationWidth, names: (0..<spirals).map { "spiral-\($0)" },
                             observations: observations, mask: [Double](repeating: 1, count: spirals * samples))
        parameters = try values("params.bin")
        noise = try values("eps.bin")
    }
}
