// Linux's arch/x86/kernel/kvmclock.c and Documentation/virt/kvm/x86/msr.rst describe
// the protocol. Cairn reads the structures once, while the clock starts, and then
// unregisters them: the TSC is the clock source, so KVM need not keep them updated.
#include "kvmclock.h"

#include <atomic>
#include <cstring>

#include <cairn/arch/cpu.h>

#include "calibration.h"

namespace cairn::time {
namespace {

// KVM's leaves start at 0x40000000, or at a later multiple of 0x100 when the hypervisor
// also offers another interface (Hyper-V's) at the first one.
constexpr std::uint32_t kCpuidHypervisorFirst = 0x40000000, kCpuidHypervisorLast = 0x40010000;
constexpr std::uint32_t kFeatureClocksource2 = 1u << 3;  // the MSRs below
constexpr std::uint32_t kMsrWallClock = 0x4b564d00;
constexpr std::uint32_t kMsrSystemTime = 0x4b564d01;
constexpr std::uint64_t kSystemTimeEnable = 1;

// The layouts are the host's ABI (naturally aligned: no padding).
struct PvclockTimeInfo {
  std::uint32_t version;  // odd while the host updates the rest
  std::uint32_t pad0;
  std::uint64_t tsc_timestamp;
  std::uint64_t system_time;  // ns at tsc_timestamp
  std::uint32_t tsc_to_system_mul;
  std::int8_t tsc_shift;
  std::uint8_t flags;
  std::uint8_t pad[2];
};
static_assert(sizeof(PvclockTimeInfo) == 32);

struct PvclockWallClock {
  std::uint32_t version;
  std::uint32_t sec;  // wall time at which system_time was 0
  std::uint32_t nsec;
};
static_assert(sizeof(PvclockWallClock) == 12);

// The host writes these by physical address; the identity map makes that their address.
// Aligned so that neither crosses a page.
alignas(64) PvclockTimeInfo time_info;
alignas(64) PvclockWallClock wall_clock;

bool has_kvmclock() {
  if (!(arch::cpuid(1).ecx & (1u << 31))) return false;  // no hypervisor
  for (std::uint32_t base = kCpuidHypervisorFirst; base < kCpuidHypervisorLast; base += 0x100) {
    arch::CpuidResult sig = arch::cpuid(base);
    char vendor[12];
    std::memcpy(vendor, &sig.ebx, 4);
    std::memcpy(vendor + 4, &sig.ecx, 4);
    std::memcpy(vendor + 8, &sig.edx, 4);
    if (std::memcmp(vendor, "KVMKVMKVM\0\0\0", 12) == 0)
      return sig.eax >= base + 1 && (arch::cpuid(base + 1).eax & kFeatureClocksource2);
  }
  return false;
}

// Hands the host a structure's address. The host writes it during the WRMSR (and later):
// the barrier keeps the compiler from assuming it still holds what was stored before.
void register_with_host(std::uint32_t msr, std::uint64_t value) {
  arch::wrmsr(msr, value);
  asm volatile("" ::: "memory");
}

// Copies a structure the host may be rewriting: retries until the version is even and
// unchanged across the copy.
template <typename T>
bool consistent_copy(const T& shared, T* copy) {
  const volatile std::uint32_t* version = &shared.version;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::uint32_t before = *version;
    std::atomic_thread_fence(std::memory_order_acquire);
    std::memcpy(copy, const_cast<const T*>(&shared), sizeof(T));
    std::atomic_thread_fence(std::memory_order_acquire);
    if (!(before & 1) && before != 0 && before == *version) return true;
    arch::pause();
  }
  return false;
}

// Registers the time info, copies it and unregisters it.
bool read_time_info(PvclockTimeInfo* copy) {
  if (!has_kvmclock()) return false;
  std::memset(&time_info, 0, sizeof time_info);
  register_with_host(kMsrSystemTime,
                     reinterpret_cast<std::uintptr_t>(&time_info) | kSystemTimeEnable);
  bool ok = consistent_copy(time_info, copy);
  arch::wrmsr(kMsrSystemTime, 0);
  return ok && copy->tsc_to_system_mul != 0;
}

}  // namespace

std::uint64_t kvmclock_tsc_hz() {
  PvclockTimeInfo info;
  if (!read_time_info(&info)) return 0;
  return pvclock_tsc_hz(info.tsc_to_system_mul, info.tsc_shift);
}

bool kvmclock_wall_time(std::uint64_t* tsc, std::int64_t* wall_ns) {
  if (!has_kvmclock()) return false;
  std::memset(&time_info, 0, sizeof time_info);
  std::memset(&wall_clock, 0, sizeof wall_clock);
  register_with_host(kMsrSystemTime,
                     reinterpret_cast<std::uintptr_t>(&time_info) | kSystemTimeEnable);
  // Writing the MSR makes the host fill the structure once, there and then.
  register_with_host(kMsrWallClock, reinterpret_cast<std::uintptr_t>(&wall_clock));
  PvclockTimeInfo info;
  PvclockWallClock wall;
  bool ok = consistent_copy(time_info, &info) && consistent_copy(wall_clock, &wall);
  std::uint64_t now = arch::rdtsc();
  arch::wrmsr(kMsrSystemTime, 0);
  if (!ok || info.tsc_to_system_mul == 0 || now < info.tsc_timestamp) return false;
  std::uint64_t system_ns =
      info.system_time +
      pvclock_scale(now - info.tsc_timestamp, info.tsc_to_system_mul, info.tsc_shift);
  *tsc = now;
  *wall_ns =
      std::int64_t{wall.sec} * 1'000'000'000 + wall.nsec + static_cast<std::int64_t>(system_ns);
  return true;
}

}  // namespace cairn::time
