#include "cairn/kernel/format.h"

#include <gtest/gtest.h>
#include <sys/types.h>

#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

namespace cairn {
namespace {

// Formats with the host's vsnprintf and with vformat_to and expects identical text and length.
__attribute__((format(printf, 1, 2))) void expect_like_snprintf(const char* fmt, ...) {
  va_list host_args, our_args;
  va_start(host_args, fmt);
  va_copy(our_args, host_args);
  char expected[1024];
  char actual[1024];
  const int expected_length = std::vsnprintf(expected, sizeof expected, fmt, host_args);
  const std::size_t actual_length = vformat_to(actual, sizeof actual, fmt, our_args);
  va_end(our_args);
  va_end(host_args);
  ASSERT_GE(expected_length, 0);
  EXPECT_EQ(actual_length, static_cast<std::size_t>(expected_length)) << "format: " << fmt;
  EXPECT_STREQ(actual, expected) << "format: " << fmt;
}

// For formats that are wrong on purpose: no format attribute, so GCC does not check them.
std::string unchecked(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char buffer[256];
  const std::size_t length = vformat_to(buffer, sizeof buffer, fmt, args);
  va_end(args);
  EXPECT_EQ(length, std::strlen(buffer)) << "format: " << fmt;
  return buffer;
}

std::size_t unchecked_length(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const std::size_t length = vformat_to(nullptr, 0, fmt, args);
  va_end(args);
  return length;
}

// Every combination of flags, width and precision, wrapped in brackets so stray padding shows.
std::vector<std::string> specs(const char* length, const char* conversions) {
  static const char* const kWidths[] = {"", "1", "5", "24"};
  static const char* const kPrecisions[] = {"", ".", ".0", ".1", ".3", ".24"};
  static const char kFlags[] = "-0+ #";
  std::vector<std::string> result;
  for (unsigned mask = 0; mask < 32; ++mask) {
    std::string flags;
    for (unsigned bit = 0; bit < 5; ++bit) {
      if (mask & (1u << bit)) flags += kFlags[bit];
    }
    for (const char* width : kWidths) {
      for (const char* precision : kPrecisions) {
        for (const char* c = conversions; *c != '\0'; ++c) {
          result.push_back("[%" + flags + width + precision + length + *c + "]");
        }
      }
    }
  }
  return result;
}

// Runs every spec against every value and reports the first few mismatches, rather than
// thousands of failures when something basic is wrong.
template <typename T>
void expect_integers_like_snprintf(const char* length, std::initializer_list<T> values) {
  int failures = 0;
  std::size_t checked = 0;
  for (const std::string& spec : specs(length, "diuxXo")) {
    for (T value : values) {
      char expected[128];
      char actual[128];
      const int expected_length = std::snprintf(expected, sizeof expected, spec.c_str(), value);
      const std::size_t actual_length = format_to(actual, sizeof actual, spec.c_str(), value);
      ++checked;
      if (actual_length != static_cast<std::size_t>(expected_length) ||
          std::strcmp(actual, expected) != 0) {
        ADD_FAILURE() << "format " << spec << " value " << value << ": expected \"" << expected
                      << "\", got \"" << actual << "\"";
        if (++failures == 10) return;
      }
    }
  }
  EXPECT_GT(checked, 10000u);
}

TEST(FormatTest, IntMatchesSnprintf) {
  expect_integers_like_snprintf<int>(
      "", {0, 1, -1, 7, 8, 9, 10, 15, 16, 42, -42, 255, 4096, 123456789, INT_MAX, INT_MIN});
}

TEST(FormatTest, CharLengthMatchesSnprintf) {
  // Arguments outside the char range must be converted to (unsigned) char first.
  expect_integers_like_snprintf<int>("hh", {0, 1, -1, 127, 128, -128, 255, 256, 300, -300});
}

TEST(FormatTest, ShortLengthMatchesSnprintf) {
  expect_integers_like_snprintf<int>("h", {0, -1, 32767, 32768, -32768, 65535, 65536, 70000});
}

TEST(FormatTest, LongLengthMatchesSnprintf) {
  expect_integers_like_snprintf<long>("l", {0L, -1L, LONG_MAX, LONG_MIN, 1L << 40, 0x7fL});
}

TEST(FormatTest, LongLongLengthMatchesSnprintf) {
  expect_integers_like_snprintf<long long>(
      "ll", {0LL, 1LL, -1LL, LLONG_MAX, LLONG_MIN, 1000000000000LL, -9876543210LL});
}

TEST(FormatTest, IntmaxLengthMatchesSnprintf) {
  expect_integers_like_snprintf<intmax_t>("j", {intmax_t{0}, INTMAX_MAX, INTMAX_MIN, INT64_MIN});
}

TEST(FormatTest, SizeAndPtrdiffLengthsMatchSnprintf) {
  expect_integers_like_snprintf<ssize_t>("z", {ssize_t{0}, ssize_t{-1}, SSIZE_MAX, ssize_t{4096}});
  expect_integers_like_snprintf<ptrdiff_t>("t", {ptrdiff_t{0}, PTRDIFF_MIN, PTRDIFF_MAX});
}

TEST(FormatTest, UnsignedExtremesMatchSnprintf) {
  expect_like_snprintf("%u %x %X %o", UINT_MAX, UINT_MAX, UINT_MAX, UINT_MAX);
  expect_like_snprintf("%lu %lx %#lo", ULONG_MAX, ULONG_MAX, ULONG_MAX);
  expect_like_snprintf("%llu %#llX", ULLONG_MAX, ULLONG_MAX);
  expect_like_snprintf("%zu %zx", SIZE_MAX, SIZE_MAX);
  expect_like_snprintf("%ju %jo", UINTMAX_MAX, UINTMAX_MAX);
  expect_like_snprintf("%hu %hhu %hx %hhx", 65535 + 2, 255 + 2, 0x12345, 0x1ff);
  expect_like_snprintf("%lld %lld %ld", LLONG_MIN, LLONG_MAX, static_cast<long>(INT64_MIN));
}

TEST(FormatTest, StarWidthAndPrecision) {
  expect_like_snprintf("[%*d]", 6, 42);
  expect_like_snprintf("[%*d]", -6, 42);  // a negative width means '-'
  expect_like_snprintf("[%-*d]", -6, 42);
  expect_like_snprintf("[%.*d]", 5, 42);
  expect_like_snprintf("[%.*d]", -5, 42);  // a negative precision means none
  // GCC assumes the precision is used and warns that '0' is ignored; with -1 it is not.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
  expect_like_snprintf("[%0*.*d]", 8, -1, -42);
  expect_like_snprintf("[%0*.*d]", 8, 3, -42);
#pragma GCC diagnostic pop
  expect_like_snprintf("[%*.*s]", 10, 3, "abcdef");
  expect_like_snprintf("[%-*.*s]", 10, 3, "abcdef");
  expect_like_snprintf("[%.*s]", -1, "abcdef");
  expect_like_snprintf("[%*c]", 4, 'z');
  expect_like_snprintf("[%.*d]", 0, 0);
}

TEST(FormatTest, StringsMatchSnprintf) {
  for (const char* s : {"", "a", "hello", "a longer string than most widths"}) {
    expect_like_snprintf("[%s]", s);
    expect_like_snprintf("[%10s]", s);
    expect_like_snprintf("[%-10s]", s);
    expect_like_snprintf("[%.0s]", s);
    expect_like_snprintf("[%.3s]", s);
    expect_like_snprintf("[%8.2s]", s);
    expect_like_snprintf("[%-8.2s]", s);
  }
}

TEST(FormatTest, CharsMatchSnprintf) {
  expect_like_snprintf("[%c]", 'a');
  expect_like_snprintf("[%3c]", 'a');
  expect_like_snprintf("[%-3c]", 'a');
  expect_like_snprintf("[%c%c%c]", 'x', 'y', 'z');
  expect_like_snprintf("[%c]", 0x141);  // converted to unsigned char
}

TEST(FormatTest, MixedConversionsMatchSnprintf) {
  expect_like_snprintf("%d %s %c %x %%", -5, "str", 'q', 0xbeefu);
  expect_like_snprintf("%%d%s%%", "x");
  expect_like_snprintf("no conversions at all");
  expect_like_snprintf("%hhd|%hd|%d|%ld|%lld|%zd|%jd|%td", -1, -2, -3, -4L, -5LL,
                       static_cast<ssize_t>(-6), intmax_t{-7}, ptrdiff_t{-8});
  expect_like_snprintf("%i %5i %-5i| %+i % i", 1, 2, 3, 4, 5);
  expect_like_snprintf("%200d|%-150s|", 1, "pad");  // longer than one output chunk
  expect_like_snprintf("%.100d", 7);
}

TEST(FormatTest, PointersMatchSnprintfAndNullIsZero) {
  int object = 0;
  void* pointers[] = {&object, reinterpret_cast<void*>(0x1), reinterpret_cast<void*>(UINTPTR_MAX)};
  for (void* p : pointers) {
    expect_like_snprintf("%p", p);
    expect_like_snprintf("[%24p]", p);
    expect_like_snprintf("[%-24p]", p);
  }
  char buffer[32];
  EXPECT_EQ(format_to(buffer, sizeof buffer, "%p", nullptr), 3u);
  EXPECT_STREQ(buffer, "0x0");
  format_to(buffer, sizeof buffer, "[%5p]", nullptr);
  EXPECT_STREQ(buffer, "[  0x0]");
  format_to(buffer, sizeof buffer, "%p", reinterpret_cast<void*>(0xdeadbeef));
  EXPECT_STREQ(buffer, "0xdeadbeef");
}

TEST(FormatTest, NullStringPrintsNull) {
  // Unchecked: GCC rightly warns about a null %s argument when it can see one.
  const char* null = nullptr;
  EXPECT_EQ(unchecked("%s", null), "(null)");
  EXPECT_EQ(unchecked("[%8s]", null), "[  (null)]");
  EXPECT_EQ(unchecked("[%-7s]", null), "[(null) ]");
}

TEST(FormatTest, PrecisionBoundsStringReads) {
  // Not NUL-terminated: reading a byte past the precision would trip ASan.
  char* raw = new char[3]{'a', 'b', 'c'};
  char buffer[16];
  EXPECT_EQ(format_to(buffer, sizeof buffer, "%.3s", raw), 3u);
  EXPECT_STREQ(buffer, "abc");
  format_to(buffer, sizeof buffer, "%.2s", raw);
  EXPECT_STREQ(buffer, "ab");
  delete[] raw;
}

TEST(FormatTest, NulCharacterIsCounted) {
  char buffer[8];
  std::memset(buffer, 'X', sizeof buffer);
  EXPECT_EQ(format_to(buffer, sizeof buffer, "a%cb", 0), 3u);
  EXPECT_EQ(std::memcmp(buffer, "a\0b\0", 4), 0);
}

TEST(FormatTest, UnsupportedConversionsArePrintedVerbatim) {
  EXPECT_EQ(unchecked("%f"), "%f");
  EXPECT_EQ(unchecked("a%qb"), "a%qb");
  EXPECT_EQ(unchecked("[%5.2f]"), "[%5.2f]");
  EXPECT_EQ(unchecked("%Lf"), "%Lf");
  EXPECT_EQ(unchecked("%ls %lc %lp"), "%ls %lc %lp");
  EXPECT_EQ(unchecked("%e%g%a"), "%e%g%a");
}

TEST(FormatTest, UnsupportedConversionConsumesNoArgument) {
  EXPECT_EQ(unchecked("%f %d %s", 7, "next"), "%f 7 next");
}

TEST(FormatTest, PercentNWritesNothing) {
  int target = 12345;
  EXPECT_EQ(unchecked("ab%n", &target), "ab%n");
  EXPECT_EQ(target, 12345);
}

TEST(FormatTest, IncompleteConversionAtEndIsPrinted) {
  EXPECT_EQ(unchecked("100%"), "100%");
  EXPECT_EQ(unchecked("%"), "%");
  EXPECT_EQ(unchecked("abc%5"), "abc%5");
  EXPECT_EQ(unchecked("x%-08.3"), "x%-08.3");
  EXPECT_EQ(unchecked("%l"), "%l");
  EXPECT_EQ(unchecked("%hh"), "%hh");
}

TEST(FormatTest, PercentWithFlagsPrintsPercent) { EXPECT_EQ(unchecked("[%5%]"), "[%]"); }

TEST(FormatTest, HugeWidthIsClampedWithoutOverflow) {
  // Wider than any buffer: only the length is computed, and it must not wrap around.
  EXPECT_EQ(unchecked_length("%99999999999999999999d", 1), std::size_t{1} << 30);
  EXPECT_EQ(unchecked_length("%.99999999999999999999d", 1), std::size_t{1} << 30);
  EXPECT_EQ(unchecked_length("%*d", INT_MIN, 1), std::size_t{1} << 30);
}

TEST(FormatToTest, SizeZeroWritesNothingAndReturnsFullLength) {
  EXPECT_EQ(format_to(nullptr, 0, "hello %d", 42), 8u);
  char buffer[4] = {'X', 'X', 'X', 'X'};
  EXPECT_EQ(format_to(buffer, 0, "hello"), 5u);
  EXPECT_EQ(std::memcmp(buffer, "XXXX", 4), 0);
}

TEST(FormatToTest, SizeOneWritesOnlyTheNul) {
  char buffer[4] = {'X', 'X', 'X', 'X'};
  EXPECT_EQ(format_to(buffer, 1, "hello"), 5u);
  EXPECT_EQ(buffer[0], '\0');
  EXPECT_EQ(std::memcmp(buffer + 1, "XXX", 3), 0);
}

TEST(FormatToTest, ExactFitAndOneShort) {
  char buffer[8];
  std::memset(buffer, 'X', sizeof buffer);
  EXPECT_EQ(format_to(buffer, 6, "%s", "hello"), 5u);
  EXPECT_STREQ(buffer, "hello");
  EXPECT_EQ(buffer[6], 'X');

  std::memset(buffer, 'X', sizeof buffer);
  EXPECT_EQ(format_to(buffer, 5, "%s", "hello"), 5u);
  EXPECT_STREQ(buffer, "hell");
  EXPECT_EQ(buffer[5], 'X');
}

TEST(FormatToTest, TruncationMatchesSnprintfAtEverySize) {
  const char* fmt = "%-20s|%08x|%+.5d|%s";
  char expected[256];
  char actual[256];
  for (std::size_t size = 0; size <= 80; ++size) {
    std::memset(expected, 'E', sizeof expected);
    std::memset(actual, 'E', sizeof actual);
    const int n = std::snprintf(expected, size, fmt, "left", 0xabcu, 42, "a tail of some length");
    const std::size_t m = format_to(actual, size, fmt, "left", 0xabcu, 42, "a tail of some length");
    ASSERT_EQ(m, static_cast<std::size_t>(n)) << "size " << size;
    ASSERT_EQ(std::memcmp(actual, expected, sizeof actual), 0) << "size " << size;
  }
}

TEST(FormatToTest, LongOutputIntoSmallBuffer) {
  char buffer[10];
  EXPECT_EQ(format_to(buffer, sizeof buffer, "%300d", 5), 300u);
  EXPECT_STREQ(buffer, "         ");
}

struct Recorder {
  std::string text;
  std::vector<std::size_t> chunks;
  static void write(void* context, const char* text, std::size_t length) {
    auto* self = static_cast<Recorder*>(context);
    self->text.append(text, length);
    self->chunks.push_back(length);
  }
};

TEST(FormatSinkTest, OutputArrivesInChunks) {
  Recorder recorder;
  const std::size_t length = format({Recorder::write, &recorder}, "%-150s|%d", "x", 12345);
  EXPECT_EQ(length, 156u);
  EXPECT_EQ(recorder.text, std::string("x") + std::string(149, ' ') + "|12345");
  // Three chunks of at most kFormatChunk bytes, not one call per character.
  ASSERT_EQ(recorder.chunks.size(), (156 + kFormatChunk - 1) / kFormatChunk);
  for (std::size_t chunk : recorder.chunks) {
    EXPECT_GT(chunk, 0u);
    EXPECT_LE(chunk, kFormatChunk);
  }
}

TEST(FormatSinkTest, EmptyOutputMakesNoCall) {
  Recorder recorder;
  EXPECT_EQ(format({Recorder::write, &recorder}, "%s", ""), 0u);
  EXPECT_TRUE(recorder.chunks.empty());
}

TEST(FormatSinkTest, NullWriteOnlyCounts) {
  EXPECT_EQ(format({nullptr, nullptr}, "%d-%s", 1234, "abc"), 8u);
}

std::size_t forward(FormatSink sink, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
std::size_t forward(FormatSink sink, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const std::size_t length = vformat(sink, fmt, args);
  va_end(args);
  return length;
}

TEST(FormatSinkTest, VformatTakesAVaList) {
  Recorder recorder;
  EXPECT_EQ(forward({Recorder::write, &recorder}, "%s=%u", "irq", 11u), 6u);
  EXPECT_EQ(recorder.text, "irq=11");
}

}  // namespace
}  // namespace cairn
