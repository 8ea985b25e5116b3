/// Room for the per-chunk parameter cotangents of a parallel backward pass (`chunks × parameters`
/// values), grown on demand and kept between passes; each network workspace owns one.
@usableFromInline
final class ChunkPartials<Scalar: NetworkScalar> {
    @usableFromInline var storage: UnsafeMutablePointer<Scalar>?
    @usableFromInline var capacity = 0

    @usableFromInline
    init() {}

    /// Room for `chunks × parameters` values, zeroed when first made.
    @inlinable
    func room(chunks: Int, parameters: Int) -> UnsafeMutablePointer<Scalar> {
        if let storage, capacity >= chunks * parameters { return storage }
        storage?.deallocate()
        capacity = max(chunks * parameters, 1)
        let buffer = UnsafeMutablePointer<Scalar>.allocate(capacity: capacity)
        buffer.initializeToZero(count: capacity)
        storage = buffer
        return buffer
    }

    deinit {
        storage?.deallocate()
    }
}
