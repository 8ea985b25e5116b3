#include "CPNGEncoder.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct encoder_state {
    uint8_t *row;
    notebook_png_sink sink;
    void *context;
    char *message;
    size_t message_size;
};

static void record(struct encoder_state *state, const char *text) {
    if (state->message == NULL || state->message_size == 0) return;
    strncpy(state->message, text, state->message_size - 1);
    state->message[state->message_size - 1] = '\0';
}

static void on_error(png_structp png, png_const_charp text) {
    record((struct encoder_state *)png_get_error_ptr(png), text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void on_write(png_structp png, png_bytep bytes, size_t count) {
    struct encoder_state *state = (struct encoder_state *)png_get_io_ptr(png);
    if (state->sink(state->context, bytes, count) != 0) png_error(png, "the output refused the bytes");
}

static void on_flush(png_structp png) { (void)png; }

int notebook_png_encode_rgb24(const uint8_t *pixels, uint32_t width, uint32_t height, size_t stride,
                              notebook_png_sink sink, void *context, char *message, size_t message_size) {
    struct encoder_state state = {NULL, sink, context, message, message_size};
    if (width == 0 || height == 0 || width > 0x7FFFFFFFu / 3) {
        record(&state, "the image size is not usable");
        return 1;
    }
    state.row = malloc((size_t)width * 3);
    if (state.row == NULL) {
        record(&state, "out of memory for a row");
        return 1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    if (png == NULL) {
        free(state.row);
        record(&state, "libpng could not allocate its state");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        free(state.row);
        record(&state, "libpng could not allocate its state");
        return 1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(state.row);
        return 1;
    }
    png_set_write_fn(png, &state, on_write, on_flush);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, 1);
    png_write_info(png, info);
    // Each pixel is the native-endian word 0x00RRGGBB; libpng takes R, G, B bytes. Converting
    // here is faster than libpng's byte-order and filler transformations.
    for (uint32_t y = 0; y < height; y++) {
        const uint32_t *words = (const uint32_t *)(const void *)(pixels + (size_t)y * stride);
        for (uint32_t x = 0; x < width; x++) {
            uint32_t word = words[x];
            state.row[3 * x] = (uint8_t)(word >> 16);
            state.row[3 * x + 1] = (uint8_t)(word >> 8);
            state.row[3 * x + 2] = (uint8_t)word;
        }
        png_write_row(png, state.row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(state.row);
    return 0;
}
