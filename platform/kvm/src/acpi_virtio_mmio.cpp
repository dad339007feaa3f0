#include "acpi_virtio_mmio.h"

#include <cstring>

namespace cairn::platform {
namespace {

// AML: a StringPrefix (0x0d) byte, then the NUL-terminated _HID string.
constexpr std::uint8_t kHid[] = {0x0d, 'L', 'N', 'R', 'O', '0', '0', '0', '5', 0};
constexpr std::uint8_t kMemory32Fixed = 0x86;  // large resource, 9 bytes of data
constexpr std::uint8_t kExtendedIrq = 0x89;    // large resource, >= 6 bytes of data

std::uint32_t read32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::uint16_t read16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | p[1] << 8); }

const std::uint8_t* find(const std::uint8_t* from, const std::uint8_t* end) {
  for (const std::uint8_t* p = from; end - p >= static_cast<std::ptrdiff_t>(sizeof kHid); ++p)
    if (std::memcmp(p, kHid, sizeof kHid) == 0) return p;
  return end;
}

// Reads the window and interrupt between `p` and `end` (one device's body).
bool read_slot(const std::uint8_t* p, const std::uint8_t* end, VirtioMmioSlot* slot) {
  bool have_window = false, have_irq = false;
  for (; end - p >= 3 && !(have_window && have_irq); ++p) {
    std::uint16_t length = read16(p + 1);
    if (end - (p + 3) < length) continue;
    if (!have_window && p[0] == kMemory32Fixed && length == 9) {
      slot->base = read32(p + 4);
      slot->size = read32(p + 8);
      have_window = slot->size != 0;
    } else if (!have_irq && p[0] == kExtendedIrq && length >= 6 && p[4] >= 1 &&
               length >= 2 + 4 * p[4]) {
      slot->gsi = read32(p + 5);
      have_irq = true;
    }
  }
  return have_window && have_irq;
}

}  // namespace

std::size_t find_virtio_mmio_slots(const std::uint8_t* aml, std::size_t length, VirtioMmioSlot* out,
                                   std::size_t capacity) {
  const std::uint8_t* end = aml + length;
  std::size_t found = 0;
  for (const std::uint8_t* hid = find(aml, end); hid != end && found < capacity;) {
    const std::uint8_t* next = find(hid + sizeof kHid, end);
    if (read_slot(hid + sizeof kHid, next, &out[found])) ++found;
    hid = next;
  }
  return found;
}

}  // namespace cairn::platform
