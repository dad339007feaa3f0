// printf-style formatting for the kernel console and logs.
//
// The kernel cannot use newlib's printf: it touches floating point, takes locks and needs the
// reentrancy structure, none of which exist in early boot or in an interrupt handler. This one
// uses no floating point, no heap and no global state, so it is safe anywhere.
//
// Supported: %% %c %s %d %i %u %x %X %o %p; flags - 0 + space #; width and precision as digits
// or `*`; length modifiers hh h l ll z j t. %s of nullptr prints `(null)`, %p prints `0x` and
// the address in hex (`0x0` for nullptr). Any other conversion (%f, %n, %ls, ...) is printed as
// written and consumes no argument, so a wrong format shows up in the output instead of crashing.
#pragma once

#include <cstdarg>
#include <cstddef>

namespace cairn {

// Where formatted text goes. The formatter buffers and calls `write` with chunks of up to
// kFormatChunk bytes; a null `write` discards the text (useful to measure it).
struct FormatSink {
  void (*write)(void* context, const char* text, std::size_t length);
  void* context;
};

inline constexpr std::size_t kFormatChunk = 64;

// Each returns the number of characters produced.
std::size_t vformat(FormatSink sink, const char* fmt, va_list args)
    __attribute__((format(printf, 2, 0)));
std::size_t format(FormatSink sink, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// snprintf semantics: writes at most size - 1 characters and a NUL (when size > 0), and returns
// the length the whole output would have had. `buffer` may be nullptr when size is 0.
std::size_t vformat_to(char* buffer, std::size_t size, const char* fmt, va_list args)
    __attribute__((format(printf, 3, 0)));
std::size_t format_to(char* buffer, std::size_t size, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

}  // namespace cairn
