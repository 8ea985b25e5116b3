/// How two renderings of a figure differ, pixel by pixel: what a baseline check shows beside a
/// figure that changed.
public struct ImageDifference: Sendable, Equatable {
    /// A channel must move by more than this (of 255) for its pixel to count as changed, so that
    /// rounding in the anti-aliasing does not flag a figure.
    public static let channelThreshold = 8

    /// Pixels that changed (in the union of both canvases when their sizes differ).
    public var changedPixels: Int
    /// Pixels compared: the larger width times the larger height.
    public var totalPixels: Int
    /// Whether both images have the same size.
    public var sameSize: Bool
    /// An image of the change: the current figure faded to a light grey, changed pixels in red
    /// (darker the larger the change); outside either canvas counts as changed.
    public var image: RGBAImage

    /// Whether anything changed.
    public var changed: Bool { changedPixels > 0 || !sameSize }

    /// The fraction of pixels that changed.
    public var changedFraction: Double { totalPixels == 0 ? 0 : Double(changedPixels) / Double(totalPixels) }

    /// Compares `current` with `baseline`.
    public init(current: RGBAImage, baseline: RGBAImage) {
        let width = max(current.width, baseline.width), height = max(current.height, baseline.height)
        sameSize = current.width == baseline.width && current.height == baseline.height
        totalPixels = width * height
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        var changed = 0
        for y in 0..<height {
            for x in 0..<width {
                let out = (y * width + x) * 4
                let inCurrent = x < current.width && y < current.height
                let inBaseline = x < baseline.width && y < baseline.height
                var largest = 255
                var grey = 255
                if inCurrent && inBaseline {
                    let a = (y * current.width + x) * 4, b = (y * baseline.width + x) * 4
                    largest = 0
                    for channel in 0..<3 {
                        largest = max(largest, abs(Int(current.pixels[a + channel]) - Int(baseline.pixels[b + channel])))
                    }
                    let luminance = (Int(current.pixels[a]) * 3 + Int(current.pixels[a + 1]) * 6 + Int(current.pixels[a + 2])) / 10
                    grey = 255 - (255 - luminance) / 4
                }
                if largest > Self.channelThreshold {
                    changed += 1
                    // Red, from light (small change) to full (a change of the whole range).
                    let strength = 96 + largest * 159 / 255
                    pixels[out] = 255
                    pixels[out + 1] = UInt8(255 - strength)
                    pixels[out + 2] = UInt8(255 - strength)
                } else {
                    pixels[out] = UInt8(grey)
                    pixels[out + 1] = UInt8(grey)
                    pixels[out + 2] = UInt8(grey)
                }
            }
        }
        changedPixels = changed
        image = RGBAImage(width: width, height: height, pixels: pixels)
    }
}
