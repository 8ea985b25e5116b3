import Foundation

/// A floating-point type the networks compute in: `Float` or `Double`, with the elementary
/// functions the activations need (the standard library has none for generic floats; these call
/// the platform's `libm`).
public protocol NetworkScalar: BinaryFloatingPoint, Sendable {
    /// eˣ.
    static func exp(_ x: Self) -> Self
    /// eˣ − 1, accurate near 0.
    static func expm1(_ x: Self) -> Self
    /// ln(1 + x), accurate near 0.
    static func log1p(_ x: Self) -> Self
    /// The hyperbolic tangent.
    static func tanh(_ x: Self) -> Self
}

extension Float: NetworkScalar {
    /// eˣ.
    @inlinable public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    /// eˣ − 1.
    @inlinable public static func expm1(_ x: Float) -> Float { Foundation.expm1(x) }
    /// ln(1 + x).
    @inlinable public static func log1p(_ x: Float) -> Float { Foundation.log1p(x) }
    /// The hyperbolic tangent.
    @inlinable public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
}

extension Double: NetworkScalar {
    /// eˣ.
    @inlinable public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    /// eˣ − 1.
    @inlinable public static func expm1(_ x: Double) -> Double { Foundation.expm1(x) }
    /// ln(1 + x).
    @inlinable public static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
    /// The hyperbolic tangent.
    @inlinable public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
}

extension UnsafeMutablePointer where Pointee: NetworkScalar {
    /// Initialises `count` values to zero with one byte fill (all-zero bits are +0 in IEEE 754),
    /// which stays fast where the generic element-by-element initialisation is not specialised.
    @inlinable
    public func initializeToZero(count: Int) {
        UnsafeMutableRawPointer(self).initializeMemory(as: UInt8.self, repeating: 0, count: count * MemoryLayout<Pointee>.stride)
    }
}

extension UnsafeMutableBufferPointer where Element: NetworkScalar {
    /// A new buffer of `count` zeros (at least one element, so its base address is never nil);
    /// the caller deallocates it.
    @inlinable
    public static func allocateZeroed(count: Int) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: Swift.max(count, 1))
        buffer.baseAddress!.initializeToZero(count: buffer.count)
        return buffer
    }
}
