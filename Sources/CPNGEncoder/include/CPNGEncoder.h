#ifndef NOTEBOOK_CPNGENCODER_H
#define NOTEBOOK_CPNGENCODER_H

#include <stddef.h>
#include <stdint.h>

/// Receives the next bytes of the PNG file; returns 0 when it took them, anything else to stop.
typedef int (*notebook_png_sink)(void *context, const uint8_t *bytes, size_t count);

/// Encodes an opaque Cairo image (CAIRO_FORMAT_RGB24: one native-endian 32-bit word 0x00RRGGBB
/// per pixel, `stride` bytes per row) as an 8-bit RGB PNG, handing the file's bytes to `sink`.
///
/// libpng does the work; this wrapper exists because libpng reports errors with longjmp, which
/// only C can catch. Rows are left unfiltered and deflated at level 1: on figures (mostly flat
/// colour, several hundred colours with antialiasing) that was both the fastest and the smallest
/// of libpng's filters and zlib's strategies, about 10 ms for a 1280 × 840 figure.
///
/// Returns 0 on success; otherwise a non-zero value with libpng's message in `message`
/// (NUL-terminated, at most `message_size` bytes).
int notebook_png_encode_rgb24(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride,
                              notebook_png_sink sink, void *context, char *message, size_t message_size);

#endif
