import CCairo
import CPNGEncoder

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders figures to PNG with Cairo.
///
/// The image is `width * pixelDensity` by `height * pixelDensity` pixels (rounded), drawn on
/// a white background in points (Cairo's user space is scaled by `pixelDensity`). Text uses
/// DejaVu Sans through Cairo's toy font API.
public enum CairoRenderer {
    /// The largest width or height, in pixels, of a rendered image.
    public static let maximumPixelSize = 16384

    /// The figure as PNG file bytes.
    ///
    /// - Throws: `PlotError.invalidSize` when the pixel size is not usable, or
    ///   `PlotError.cairo` when Cairo fails.
    public static func pngData(_ figure: Figure) throws -> [UInt8] {
        try withRenderedSurface(figure) { surface in try encodePNG(surface) }
    }

    /// The figure as an SVG document, drawn by Cairo's SVG surface from the same figure model as the
    /// PNG (one user unit per CSS pixel): crisp at any zoom.
    public static func svgData(_ figure: Figure) throws -> [UInt8] {
        try vectorData(figure, format: "SVG") { write, sink, width, height in
            let surface = cairo_svg_surface_create_for_stream(write, sink, width, height)
            if let surface { cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX) }
            return surface
        }
    }

    /// The figure as a one-page PDF (one point per CSS pixel), for papers.
    public static func pdfData(_ figure: Figure) throws -> [UInt8] {
        try vectorData(figure, format: "PDF") { write, sink, width, height in
            cairo_pdf_surface_create_for_stream(write, sink, width, height)
        }
    }

    /// Draws `figure` on a vector surface made by `create` (given the stream callback, its
    /// context and the size in points) and returns the bytes the surface wrote.
    private static func vectorData(
        _ figure: Figure, format: String,
        create: (cairo_write_func_t, UnsafeMutableRawPointer, Double, Double) -> OpaquePointer?
    ) throws -> [UInt8] {
        _ = try pixelSize(figure)
        let output = ByteSink()
        try withExtendedLifetime(output) {
            let write: cairo_write_func_t = { context, data, length in
                guard let context, let data else { return CAIRO_STATUS_WRITE_ERROR }
                Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue().bytes
                    .append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            }
            guard let surface = create(write, Unmanaged.passUnretained(output).toOpaque(), figure.width, figure.height) else {
                throw PlotError.cairo(operation: "create a \(format) surface", status: "no surface")
            }
            defer { cairo_surface_destroy(surface) }
            try check(cairo_surface_status(surface), "create a \(format) surface")
            let cr = try context(on: surface)
            defer { cairo_destroy(cr) }
            draw(figure, on: Canvas(cr: cr))
            try check(cairo_status(cr), "draw the figure")
            cairo_surface_finish(surface)
            try check(cairo_surface_status(surface), "write the \(format) document")
        }
        return output.bytes
    }

    /// Paints the background, the title and every panel of `figure` on `canvas`.
    private static func draw(_ figure: Figure, on canvas: Canvas) {
        canvas.setColor(Theme.background)
        cairo_paint(canvas.cr)
        let layout = FigureLayout(figure: figure, canvas: canvas)
        if let title = figure.title, !title.isEmpty {
            canvas.text(title, Theme.figureTitleFont, color: Theme.text, x: figure.width / 2, baseline: layout.titleBaseline, align: .center)
        }
        for (panel, panelLayout) in zip(figure.panels, layout.panels) {
            PanelRenderer(panel: panel, layout: panelLayout, canvas: canvas).draw()
        }
    }

    /// Renders the figure and writes it as a PNG file at `path`, replacing any existing file.
    ///
    /// - Throws: `PlotError.writeFailed` when the file cannot be written, or the errors of
    ///   ``pngData(_:)``.
    public static func writePNG(_ figure: Figure, to path: String) throws {
        let bytes = try pngData(figure)
        guard let file = fopen(path, "wb") else {
            throw PlotError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        let writeErrno = errno
        let closed = fclose(file)
        if written != bytes.count {
            throw PlotError.writeFailed(path: path, reason: String(cString: strerror(writeErrno)))
        }
        if closed != 0 {
            throw PlotError.writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// The rendered figure as RGBA pixels, without PNG encoding (useful for tests).
    public static func rgbaPixels(_ figure: Figure) throws -> RGBAImage {
        try withRenderedSurface(figure) { surface in try image(of: surface) }
    }

    /// Decodes PNG bytes (for example from ``pngData(_:)``) into RGBA pixels.
    ///
    /// - Throws: `PlotError.invalidPNG` when Cairo cannot decode the bytes.
    public static func decodePNG(_ bytes: [UInt8]) throws -> RGBAImage {
        let source = ByteSource(bytes)
        let created = withExtendedLifetime(source) {
            cairo_image_surface_create_from_png_stream(
                { closure, data, length in
                    guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
                    let source = Unmanaged<ByteSource>.fromOpaque(closure).takeUnretainedValue()
                    return source.read(into: data, count: Int(length))
                        ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_READ_ERROR
                }, Unmanaged.passUnretained(source).toOpaque())
        }
        guard let surface = created else { throw PlotError.invalidPNG(reason: "no surface") }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.invalidPNG(reason: String(cString: cairo_status_to_string(status)))
        }
        do {
            return try image(of: surface)
        } catch {
            throw PlotError.invalidPNG(reason: "unsupported pixel format")
        }
    }

    /// Encodes RGBA pixels (alpha ignored: the image is drawn opaque) as PNG bytes.
    public static func encodePNG(_ image: RGBAImage) throws -> [UInt8] {
        guard image.width > 0, image.height > 0, image.pixels.count == image.width * image.height * 4,
            let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(image.width), Int32(image.height))
        else {
            throw PlotError.cairo(operation: "encode the PNG", status: "an empty or inconsistent image")
        }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), "create an image surface")
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else {
            throw PlotError.cairo(operation: "encode the PNG", status: "no pixel data")
        }
        let stride = Int(cairo_image_surface_get_stride(surface))
        for y in 0..<image.height {
            let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<image.width {
                let i = (y * image.width + x) * 4
                row[x] = 0xFF00_0000 | UInt32(image.pixels[i]) << 16 | UInt32(image.pixels[i + 1]) << 8 | UInt32(image.pixels[i + 2])
            }
        }
        cairo_surface_mark_dirty(surface)
        return try encodePNG(surface)
    }

    // MARK: - Internals

    /// The layout the renderer would use for `figure` (rectangles in points), for tests.
    static func layout(_ figure: Figure) throws -> FigureLayout {
        try withContext(figure) { canvas in FigureLayout(figure: figure, canvas: canvas) }
    }

    /// Where the legend of panel `index` goes (`.best` resolved), nil when it has no legend; for tests.
    static func legendCorner(_ figure: Figure, panel index: Int) throws -> LegendPlacement? {
        try withContext(figure) { canvas in
            let layout = FigureLayout(figure: figure, canvas: canvas)
            let panel = figure.panels[index]
            let legend = Legend(
                panel: panel, colors: PanelRenderer.colors(panel), layout: layout.panels[index], canvas: canvas)
            return legend.placement
        }
    }

    /// The pixel size of the figure's image, or a thrown `PlotError.invalidSize`.
    static func pixelSize(_ figure: Figure) throws -> (width: Int32, height: Int32) {
        let w = figure.width * figure.pixelDensity
        let h = figure.height * figure.pixelDensity
        let limit = Double(maximumPixelSize)
        guard figure.pixelDensity > 0, w.isFinite, h.isFinite, w.rounded() >= 1, h.rounded() >= 1,
            w.rounded() <= limit, h.rounded() <= limit
        else {
            throw PlotError.invalidSize(width: figure.width, height: figure.height, pixelDensity: figure.pixelDensity)
        }
        return (Int32(w.rounded()), Int32(h.rounded()))
    }

    /// Creates the surface and context for `figure`, runs `body`, and cleans up.
    private static func withSurface<T>(
        _ figure: Figure, _ body: (OpaquePointer, Canvas) throws -> T
    ) throws -> T {
        let size = try pixelSize(figure)
        // Figures are painted on an opaque background, so the surface keeps no alpha channel.
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, size.width, size.height) else {
            throw PlotError.cairo(operation: "create an image surface", status: "no surface")
        }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), "create a \(size.width) x \(size.height) image surface")
        let cr = try context(on: surface)
        defer { cairo_destroy(cr) }
        cairo_scale(cr, figure.pixelDensity, figure.pixelDensity)
        return try body(surface, Canvas(cr: cr))
    }

    /// A drawing context on `surface` with the figures' font options (the caller destroys it):
    /// unhinted metrics, so that the layout does not depend on the pixel density or the surface
    /// kind (image, SVG, PDF); slight hinting and grey antialiasing where pixels are drawn.
    private static func context(on surface: OpaquePointer) throws -> OpaquePointer {
        guard let cr = cairo_create(surface) else {
            throw PlotError.cairo(operation: "create a drawing context", status: "no context")
        }
        guard cairo_status(cr) == CAIRO_STATUS_SUCCESS else {
            defer { cairo_destroy(cr) }
            throw PlotError.cairo(operation: "create a drawing context", status: String(cString: cairo_status_to_string(cairo_status(cr))))
        }
        if let options = cairo_font_options_create() {
            cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
            cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT)
            cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
            cairo_set_font_options(cr, options)
            cairo_font_options_destroy(options)
        }
        return cr
    }

    private static func withContext<T>(_ figure: Figure, _ body: (Canvas) throws -> T) throws -> T {
        var small = figure
        // Layout only needs metrics: use a tiny surface with the same scale.
        small.width = 1 / Swift.max(figure.pixelDensity, 1e-9)
        small.height = small.width
        _ = try pixelSize(figure)
        return try withSurface(small) { _, canvas in try body(canvas) }
    }

    /// Renders `figure` into a fresh surface and hands the flushed surface to `body`.
    private static func withRenderedSurface<T>(_ figure: Figure, _ body: (OpaquePointer) throws -> T) throws -> T {
        try withSurface(figure) { surface, canvas in
            draw(figure, on: canvas)
            try check(cairo_status(canvas.cr), "draw the figure")
            cairo_surface_flush(surface)
            return try body(surface)
        }
    }

    private static func check(_ status: cairo_status_t, _ operation: String) throws {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo(operation: operation, status: String(cString: cairo_status_to_string(status)))
        }
    }

    private static func encodePNG(_ surface: OpaquePointer) throws -> [UInt8] {
        cairo_surface_flush(surface)
        guard cairo_image_surface_get_format(surface) == CAIRO_FORMAT_RGB24,
            let data = cairo_image_surface_get_data(surface)
        else {
            throw PlotError.cairo(operation: "encode the PNG", status: "not an opaque image surface")
        }
        let width = cairo_image_surface_get_width(surface)
        let height = cairo_image_surface_get_height(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let output = ByteSink()
        var message = [CChar](repeating: 0, count: 256)
        let status = withExtendedLifetime(output) {
            notebook_png_encode_rgb24(
                data, UInt32(width), UInt32(height), stride,
                { context, bytes, count in
                    guard let context, let bytes else { return 1 }
                    Unmanaged<ByteSink>.fromOpaque(context).takeUnretainedValue().bytes
                        .append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
                    return 0
                }, Unmanaged.passUnretained(output).toOpaque(), &message, message.count)
        }
        guard status == 0 else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw PlotError.cairo(operation: "encode the PNG", status: text)
        }
        return output.bytes
    }

    /// Copies an image surface into non-premultiplied RGBA bytes.
    private static func image(of surface: OpaquePointer) throws -> RGBAImage {
        cairo_surface_flush(surface)
        let format = cairo_image_surface_get_format(surface)
        guard format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24 else {
            throw PlotError.cairo(operation: "read pixels", status: "unsupported pixel format")
        }
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else {
            throw PlotError.cairo(operation: "read pixels", status: "no pixel data")
        }
        let opaque = format == CAIRO_FORMAT_RGB24
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        pixels.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<width {
                    // Native-endian 0xAARRGGBB, colour premultiplied by alpha.
                    let v = row[x]
                    let a = opaque ? 255 : (v >> 24) & 0xFF
                    var r = (v >> 16) & 0xFF
                    var g = (v >> 8) & 0xFF
                    var b = v & 0xFF
                    if a != 255 && a != 0 {
                        r = (r * 255 + a / 2) / a
                        g = (g * 255 + a / 2) / a
                        b = (b * 255 + a / 2) / a
                    }
                    let i = (y * width + x) * 4
                    out[i] = UInt8(Swift.min(r, 255))
                    out[i + 1] = UInt8(Swift.min(g, 255))
                    out[i + 2] = UInt8(Swift.min(b, 255))
                    out[i + 3] = UInt8(a)
                }
            }
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }
}

/// Collects the bytes of an encoded PNG.
private final class ByteSink {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }
}

/// Feeds bytes to Cairo's PNG reader.
private final class ByteSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
        guard count >= 0, offset + count <= bytes.count else { return false }
        bytes.withUnsafeBufferPointer { src in
            destination.update(from: src.baseAddress! + offset, count: count)
        }
        offset += count
        return true
    }
}
