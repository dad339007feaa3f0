// How to power the machine off through ACPI, learned from the firmware's tables at
// boot (the tables may live in RAM that the heap later reuses).
#pragma once

#include <cstdint>

namespace cairn::platform {

struct AcpiPowerOff {
  bool found = false;
  // Hardware-reduced ACPI (microvm): a sleep control register (I/O port or MMIO).
  bool hw_reduced = false;
  bool sleep_control_is_io = false;
  std::uint64_t sleep_control = 0;
  // Fixed hardware (pc/q35): the PM1 control blocks.
  std::uint16_t pm1a_control = 0;
  std::uint16_t pm1b_control = 0;
  std::uint8_t slp_typ_a = 0;
  std::uint8_t slp_typ_b = 0;
};

// Parses the tables reachable from the RSDP (or found by scanning the BIOS area when
// rsdp == 0). Returns found == false when there is no usable table.
AcpiPowerOff find_acpi_poweroff(std::uint64_t rsdp);

// Parses \_S5's SLP_TYPa/b out of an AML block (the DSDT). Exposed for unit tests.
bool parse_s5(const std::uint8_t* aml, std::uint32_t length, std::uint8_t* slp_typ_a,
              std::uint8_t* slp_typ_b);

}  // namespace cairn::platform
