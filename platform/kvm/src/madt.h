// The ACPI MADT ("APIC" table): where the local APIC and the IOAPICs are, and how ISA
// interrupts are wired to IOAPIC inputs. Parses a byte buffer, so it is tested on the
// host; the caller has found and checksummed the table (acpi_tables.h).
#pragma once

#include <cstdint>

#include <cairn/kernel/interrupt_controllers.h>
#include <cairn/kernel/result.h>

namespace cairn::platform {

// EINVAL when the header or an entry's length is inconsistent with `length` (the walk
// cannot go on safely). Entries of unknown types are skipped; IOAPICs and overrides
// beyond the description's capacity, and overrides of non-ISA buses, are ignored.
Result<InterruptControllers> parse_madt(const std::uint8_t* table, std::uint32_t length);

}  // namespace cairn::platform
