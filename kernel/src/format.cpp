#include "cairn/kernel/format.h"

#include <cstdint>
#include <type_traits>

namespace cairn {
namespace {

// Collects output in a small local buffer so the sink (often a UART) is called once per chunk
// rather than once per character.
class Output {
 public:
  explicit Output(FormatSink sink) : sink_(sink) {}
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void put(char c) {
    if (used_ == kFormatChunk) flush();
    buffer_[used_++] = c;
    ++count_;
  }
  void put(const char* text, std::size_t length) {
    for (std::size_t i = 0; i < length; ++i) put(text[i]);
  }
  // Padding comes in bulk, and when only counting (a huge width into a null sink) it costs nothing.
  void repeat(char c, std::size_t times) {
    if (sink_.write == nullptr) {
      count_ += times;
      return;
    }
    while (times != 0) {
      if (used_ == kFormatChunk) flush();
      const std::size_t room = kFormatChunk - used_;
      const std::size_t n = times < room ? times : room;
      __builtin_memset(buffer_ + used_, c, n);
      used_ += n;
      count_ += n;
      times -= n;
    }
  }
  void flush() {
    if (used_ != 0 && sink_.write != nullptr) sink_.write(sink_.context, buffer_, used_);
    used_ = 0;
  }
  std::size_t count() const { return count_; }

 private:
  FormatSink sink_;
  char buffer_[kFormatChunk];
  std::size_t used_ = 0;
  std::size_t count_ = 0;
};

enum class Length { kDefault, kChar, kShort, kLong, kLongLong, kSize, kMax, kPtrdiff };

struct Spec {
  bool left = false;   // '-'
  bool zero = false;   // '0'
  bool plus = false;   // '+'
  bool space = false;  // ' '
  bool alt = false;    // '#'
  bool has_precision = false;
  std::size_t width = 0;
  std::size_t precision = 0;
  Length length = Length::kDefault;
};

// va_list is an array type on x86_64, so it cannot be passed around by reference portably;
// a struct around it can.
struct Args {
  va_list list;
};

// Absurd widths are clamped rather than overflowing; the output would not fit anywhere anyway.
constexpr std::size_t kMaxField = 1u << 30;

std::size_t clamp_field(std::size_t n) { return n > kMaxField ? kMaxField : n; }

std::size_t parse_number(const char*& fmt) {
  std::size_t n = 0;
  for (; *fmt >= '0' && *fmt <= '9'; ++fmt) {
    n = clamp_field(n * 10 + static_cast<std::size_t>(*fmt - '0'));
  }
  return n;
}

// The magnitude of an int argument from `*`; INT_MIN is handled without overflow.
std::size_t star_magnitude(int value) {
  const std::size_t n = static_cast<std::size_t>(value);
  if (value < 0) return clamp_field(0u - n);
  return clamp_field(n);
}

void parse_flags(const char*& fmt, Spec& spec) {
  for (;; ++fmt) {
    switch (*fmt) {
      case '-':
        spec.left = true;
        break;
      case '0':
        spec.zero = true;
        break;
      case '+':
        spec.plus = true;
        break;
      case ' ':
        spec.space = true;
        break;
      case '#':
        spec.alt = true;
        break;
      default:
        return;
    }
  }
}

Length parse_length(const char*& fmt) {
  switch (*fmt) {
    case 'h':
      if (*++fmt != 'h') return Length::kShort;
      ++fmt;
      return Length::kChar;
    case 'l':
      if (*++fmt != 'l') return Length::kLong;
      ++fmt;
      return Length::kLongLong;
    case 'z':
      ++fmt;
      return Length::kSize;
    case 'j':
      ++fmt;
      return Length::kMax;
    case 't':
      ++fmt;
      return Length::kPtrdiff;
    default:
      return Length::kDefault;
  }
}

intmax_t signed_argument(Args& args, Length length) {
  switch (length) {
    case Length::kChar:
      return static_cast<signed char>(va_arg(args.list, int));
    case Length::kShort:
      return static_cast<short>(va_arg(args.list, int));
    case Length::kLong:
      return va_arg(args.list, long);
    case Length::kLongLong:
      return va_arg(args.list, long long);
    case Length::kSize:
      return va_arg(args.list, std::make_signed_t<std::size_t>);
    case Length::kMax:
      return va_arg(args.list, intmax_t);
    case Length::kPtrdiff:
      return va_arg(args.list, std::ptrdiff_t);
    case Length::kDefault:
      break;
  }
  return va_arg(args.list, int);
}

uintmax_t unsigned_argument(Args& args, Length length) {
  switch (length) {
    case Length::kChar:
      return static_cast<unsigned char>(va_arg(args.list, unsigned));
    case Length::kShort:
      return static_cast<unsigned short>(va_arg(args.list, unsigned));
    case Length::kLong:
      return va_arg(args.list, unsigned long);
    case Length::kLongLong:
      return va_arg(args.list, unsigned long long);
    case Length::kSize:
      return va_arg(args.list, std::size_t);
    case Length::kMax:
      return va_arg(args.list, uintmax_t);
    case Length::kPtrdiff:
      return va_arg(args.list, std::make_unsigned_t<std::ptrdiff_t>);
    case Length::kDefault:
      break;
  }
  return va_arg(args.list, unsigned);
}

// Lays out [padding][sign][0x][zeros][digits][padding] as C's printf does.
void put_integer(Output& out, const Spec& spec, uintmax_t magnitude, char sign, unsigned base,
                 bool upper, bool force_prefix) {
  const char* const digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  const bool is_zero = magnitude == 0;
  char digits[24];  // 64 bits in octal is 22 digits
  std::size_t n = 0;
  // Precision 0 with value 0 prints no digits at all.
  if (!(is_zero && spec.has_precision && spec.precision == 0)) {
    do {
      digits[n++] = digit_chars[magnitude % base];
      magnitude /= base;
    } while (magnitude != 0);
  }

  std::size_t zeros = spec.has_precision && spec.precision > n ? spec.precision - n : 0;
  // '#' with octal makes the first digit a 0 (by raising the precision, as C specifies).
  if (base == 8 && spec.alt && zeros == 0 && !(n == 1 && digits[0] == '0')) zeros = 1;
  const char* prefix = "";
  if (base == 16 && ((spec.alt && !is_zero) || force_prefix)) prefix = upper ? "0X" : "0x";
  const std::size_t prefix_length = prefix[0] != '\0' ? 2 : 0;

  std::size_t length = (sign != 0 ? 1 : 0) + prefix_length + zeros + n;
  // The '0' flag pads with zeros after the sign and prefix, unless a precision was given.
  if (spec.zero && !spec.left && !spec.has_precision && spec.width > length) {
    zeros += spec.width - length;
    length = spec.width;
  }
  const std::size_t padding = spec.width > length ? spec.width - length : 0;

  if (!spec.left) out.repeat(' ', padding);
  if (sign != 0) out.put(sign);
  out.put(prefix, prefix_length);
  out.repeat('0', zeros);
  while (n != 0) out.put(digits[--n]);
  if (spec.left) out.repeat(' ', padding);
}

void put_padded(Output& out, const Spec& spec, const char* text, std::size_t length) {
  const std::size_t padding = spec.width > length ? spec.width - length : 0;
  if (!spec.left) out.repeat(' ', padding);
  out.put(text, length);
  if (spec.left) out.repeat(' ', padding);
}

// Formats one conversion; returns false if it is not one we support.
bool convert(Output& out, const Spec& spec, char conversion, Args& args) {
  switch (conversion) {
    case '%':
      out.put('%');
      return true;
    case 'c': {
      if (spec.length != Length::kDefault) return false;  // wide characters: not in the kernel
      const char c = static_cast<char>(va_arg(args.list, int));
      put_padded(out, spec, &c, 1);
      return true;
    }
    case 's': {
      if (spec.length != Length::kDefault) return false;
      const char* s = va_arg(args.list, const char*);
      if (s == nullptr) s = "(null)";
      // With a precision the string need not be NUL-terminated, so never read past it.
      std::size_t length = 0;
      while ((!spec.has_precision || length < spec.precision) && s[length] != '\0') ++length;
      put_padded(out, spec, s, length);
      return true;
    }
    case 'd':
    case 'i': {
      const intmax_t value = signed_argument(args, spec.length);
      const uintmax_t magnitude =
          value < 0 ? uintmax_t{0} - static_cast<uintmax_t>(value) : static_cast<uintmax_t>(value);
      const char sign = value < 0 ? '-' : spec.plus ? '+' : spec.space ? ' ' : 0;
      put_integer(out, spec, magnitude, sign, 10, false, false);
      return true;
    }
    case 'u':
      put_integer(out, spec, unsigned_argument(args, spec.length), 0, 10, false, false);
      return true;
    case 'o':
      put_integer(out, spec, unsigned_argument(args, spec.length), 0, 8, false, false);
      return true;
    case 'x':
    case 'X':
      put_integer(out, spec, unsigned_argument(args, spec.length), 0, 16, conversion == 'X', false);
      return true;
    case 'p': {
      if (spec.length != Length::kDefault) return false;
      const auto address = reinterpret_cast<uintptr_t>(va_arg(args.list, const void*));
      put_integer(out, spec, address, 0, 16, false, true);
      return true;
    }
    default:
      return false;  // including floating point: the kernel has none
  }
}

}  // namespace

std::size_t vformat(FormatSink sink, const char* fmt, va_list list) {
  Output out(sink);
  Args args;
  va_copy(args.list, list);

  while (*fmt != '\0') {
    if (*fmt != '%') {
      out.put(*fmt++);
      continue;
    }
    const char* const start = fmt++;
    Spec spec;
    parse_flags(fmt, spec);
    if (*fmt == '*') {
      ++fmt;
      const int width = va_arg(args.list, int);
      if (width < 0) spec.left = true;  // a negative width is the '-' flag, as in C
      spec.width = star_magnitude(width);
    } else {
      spec.width = parse_number(fmt);
    }
    if (*fmt == '.') {
      ++fmt;
      spec.has_precision = true;
      if (*fmt == '*') {
        ++fmt;
        const int precision = va_arg(args.list, int);
        spec.has_precision = precision >= 0;  // a negative precision counts as none, as in C
        spec.precision = precision >= 0 ? star_magnitude(precision) : 0;
      } else {
        spec.precision = parse_number(fmt);  // "." alone means precision 0
      }
    }
    spec.length = parse_length(fmt);

    if (*fmt == '\0' || !convert(out, spec, *fmt, args)) {
      // Unsupported or cut short: show the conversion as written, so the mistake is visible.
      out.put(start, static_cast<std::size_t>(fmt - start) + (*fmt != '\0' ? 1 : 0));
    }
    if (*fmt != '\0') ++fmt;
  }

  va_end(args.list);
  out.flush();
  return out.count();
}

std::size_t format(FormatSink sink, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const std::size_t count = vformat(sink, fmt, args);
  va_end(args);
  return count;
}

namespace {

struct BufferSink {
  char* buffer;
  std::size_t capacity;  // bytes available for text, excluding the NUL
  std::size_t used;
};

void write_to_buffer(void* context, const char* text, std::size_t length) {
  auto* sink = static_cast<BufferSink*>(context);
  const std::size_t room = sink->capacity - sink->used;
  const std::size_t n = length < room ? length : room;
  if (n != 0) __builtin_memcpy(sink->buffer + sink->used, text, n);
  sink->used += n;
}

}  // namespace

std::size_t vformat_to(char* buffer, std::size_t size, const char* fmt, va_list args) {
  BufferSink sink{buffer, size != 0 ? size - 1 : 0, 0};
  // With no room at all, just count: the output is not produced in the first place.
  const FormatSink target = size > 1 ? FormatSink{write_to_buffer, &sink} : FormatSink{};
  const std::size_t count = vformat(target, fmt, args);
  if (size != 0) buffer[sink.used] = '\0';
  return count;
}

std::size_t format_to(char* buffer, std::size_t size, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const std::size_t count = vformat_to(buffer, size, fmt, args);
  va_end(args);
  return count;
}

}  // namespace cairn
