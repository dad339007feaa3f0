// MSI message composition (Intel SDM vol. 3, section 11.11), pure for host unit tests.
#pragma once

#include <cstdint>

#include <cairn/irq/irq.h>

namespace cairn::irq {

// Address 0xfee00000 with the destination APIC ID in bits 19:12, physical destination
// mode, no redirection hint; data: the vector, fixed delivery mode, edge-triggered.
// APIC IDs above 255 cannot be named without interrupt remapping: the caller checks.
constexpr MsiMessage compose_msi(std::uint8_t vector, std::uint8_t destination_apic_id) {
  return {0xfee00000u | (std::uint64_t{destination_apic_id} << 12), vector};
}

}  // namespace cairn::irq
