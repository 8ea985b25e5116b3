/// A training loss, one value per step (iteration or epoch): what a sweep's comparison page
/// overlays across its points.
public struct LossCurve: Codable, Sendable, Equatable {
    /// What a step is: `iteration`, `epoch`.
    public var step: String
    /// What the values are: `batch loss`, `negative ELBO`.
    public var quantity: String
    /// One value per step, from the first.
    public var values: [Double]

    /// Creates a curve.
    public init(step: String, quantity: String, values: [Double]) {
        self.step = step
        self.quantity = quantity
        self.values = values
    }
}
