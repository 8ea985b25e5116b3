#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Base-10 logarithm from the C library (kept here so the rest of the module needs no libc import).
func cLog10(_ x: Double) -> Double { log10(x) }

/// Sine and cosine from the C library.
func cSin(_ x: Double) -> Double { sin(x) }
func cCos(_ x: Double) -> Double { cos(x) }

/// x raised to the power y, from the C library.
func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
