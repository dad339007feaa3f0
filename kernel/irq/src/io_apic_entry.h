// The IOAPIC's 64-bit redirection entry (82093AA datasheet, section 3.2.4), built as a
// pure function so its bits are checked by host unit tests.
#pragma once

#include <cstdint>

#include <cairn/irq/irq.h>

namespace cairn::irq {

inline constexpr std::uint64_t kRedirectionMasked = 1u << 16;
inline constexpr std::uint64_t kRedirectionLevel = 1u << 15;
inline constexpr std::uint64_t kRedirectionActiveLow = 1u << 13;
inline constexpr std::uint64_t kRedirectionVectorMask = 0xff;

// Fixed delivery, physical destination mode, to the local APIC `destination`.
constexpr std::uint64_t redirection_entry(std::uint8_t vector, Trigger trigger, Polarity polarity,
                                          std::uint8_t destination, bool masked) {
  std::uint64_t e = vector | (std::uint64_t{destination} << 56);
  if (trigger == Trigger::kLevel) e |= kRedirectionLevel;
  if (polarity == Polarity::kActiveLow) e |= kRedirectionActiveLow;
  if (masked) e |= kRedirectionMasked;
  return e;
}

}  // namespace cairn::irq
