#include "mmio_spec.h"

#include <errno.h>

namespace cairn::virtio {
namespace {

// A number at the start of `text` (decimal, or hex after 0x), with an optional K/M/G
// multiplier when `suffix` is allowed; `text` is advanced past it.
Result<std::uint64_t> parse_number(std::string_view& text, bool suffix) {
  unsigned base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  std::uint64_t value = 0;
  std::size_t digits = 0;
  for (; digits < text.size(); ++digits) {
    const char c = text[digits];
    unsigned d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      break;
    if (value > (UINT64_MAX - d) / base) return Error(EINVAL, "number too large");
    value = value * base + d;
  }
  if (digits == 0) return Error(EINVAL, "number expected");
  text.remove_prefix(digits);
  if (suffix && !text.empty()) {
    int shift = 0;
    switch (text[0]) {
      case 'k':
      case 'K':
        shift = 10;
        break;
      case 'm':
      case 'M':
        shift = 20;
        break;
      case 'g':
      case 'G':
        shift = 30;
        break;
    }
    if (shift) {
      if (value > (UINT64_MAX >> shift)) return Error(EINVAL, "number too large");
      value <<= shift;
      text.remove_prefix(1);
    }
  }
  return value;
}

}  // namespace

Result<MmioDeviceSpec> parse_mmio_spec(std::string_view text) {
  MmioDeviceSpec spec{};
  spec.size = TRY(parse_number(text, true));
  if (text.empty() || text[0] != '@') return Error(EINVAL, "expected <size>@<base>:<irq>");
  text.remove_prefix(1);
  spec.base = TRY(parse_number(text, true));
  if (text.empty() || text[0] != ':') return Error(EINVAL, "expected <size>@<base>:<irq>");
  text.remove_prefix(1);
  const std::uint64_t irq = TRY(parse_number(text, false));
  // An optional `:<first platform device id>` (Linux) is accepted and ignored.
  if (!text.empty() && text[0] == ':') {
    text.remove_prefix(1);
    TRY(parse_number(text, false));
  }
  if (!text.empty()) return Error(EINVAL, "trailing characters after the irq");
  if (irq > 255) return Error(EINVAL, "irq out of range");
  if (spec.size == 0 || spec.base + spec.size < spec.base)
    return Error(EINVAL, "empty or wrapping window");
  spec.irq = static_cast<std::uint32_t>(irq);
  return spec;
}

}  // namespace cairn::virtio
