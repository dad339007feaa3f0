// kvmclock, KVM's paravirtual clock: the host tells the guest its TSC rate (the
// pvclock scale) and the wall-clock time, so nothing has to be measured.
#pragma once

#include <cstdint>

namespace cairn::time {

// The TSC rate from the pvclock scale; 0 when not running on KVM with kvmclock.
std::uint64_t kvmclock_tsc_hz();

// The wall-clock time (ns since the Unix epoch) at TSC value *tsc. False without
// kvmclock.
bool kvmclock_wall_time(std::uint64_t* tsc, std::int64_t* wall_ns);

}  // namespace cairn::time
