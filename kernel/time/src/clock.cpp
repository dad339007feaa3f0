// The monotonic clock: the TSC, converted by multiply-and-shift, counted from the
// PVH entry's first instruction. The rate is found once, on first use.
#include <cairn/arch/cpu.h>
#include <cairn/config.h>
#include <cairn/kernel/console.h>
#include <cairn/time/clock.h>

#include "once.h"
#include "tsc_rate.h"
#include "tsc_scale.h"

extern "C" std::uint64_t cairn_boot_entry_tsc;  // set by the platform's entry code

namespace cairn::time {

const char* wall_source();  // wall_clock.cpp
bool wall_synchronised();

namespace {

// Written once by start(), read-only afterwards.
constinit struct {
  std::uint64_t base_tsc;
  TscScale scale;
  TscRate rate;
} clock{};

Once started;
std::atomic<std::uint64_t> latest_ns{0};

void start() {
  std::uint64_t now = arch::rdtsc();
  clock.base_tsc = cairn_boot_entry_tsc && cairn_boot_entry_tsc <= now ? cairn_boot_entry_tsc : now;
  clock.rate = find_tsc_rate();
  if (!clock.rate.hz) {
    kwarn("time: cannot find the TSC rate (no kvmclock, CPUID leaf, HPET or PIT); assuming 1 GHz");
    clock.rate.hz = 1'000'000'000;
  }
  clock.scale = TscScale::for_hz(clock.rate.hz);
#ifdef CONFIG_BOOT_LOG
  kprintf("cairn: clock: tsc %lu Hz from %s in %lu us\n", static_cast<unsigned long>(clock.rate.hz),
          clock.rate.source, static_cast<unsigned long>(clock.scale.ns(clock.rate.ticks) / 1000));
#endif
}

std::uint64_t to_ns(std::uint64_t tsc) {
  return tsc <= clock.base_tsc ? 0 : clock.scale.ns(tsc - clock.base_tsc);
}

}  // namespace

std::uint64_t monotonic_ns() {
  started.run(start);
  std::uint64_t now = to_ns(arch::rdtsc());
  // The TSC never runs backwards on one CPU; this keeps the promise should it differ
  // between CPUs (or after a migration) by never returning less than before.
  std::uint64_t latest = latest_ns.load(std::memory_order_relaxed);
  while (now > latest && !latest_ns.compare_exchange_weak(latest, now, std::memory_order_relaxed)) {
  }
  return now > latest ? now : latest;
}

std::uint64_t tsc_at(std::uint64_t ns) {
  started.run(start);
  std::uint64_t ticks = clock.scale.ticks(ns);
  return ticks > UINT64_MAX - clock.base_tsc ? UINT64_MAX : clock.base_tsc + ticks;
}

std::uint64_t ns_at_tsc(std::uint64_t tsc) {
  started.run(start);
  return to_ns(tsc);
}

std::uint64_t resolution_ns() {
  started.run(start);
  std::uint64_t hz = clock.rate.hz;
  return hz >= kNsPerSecond ? 1 : (kNsPerSecond + hz - 1) / hz;
}

ClockInfo clock_info() {
  started.run(start);
  return {clock.rate.hz, clock.rate.source, wall_source(), clock.scale.ns(clock.rate.ticks),
          wall_synchronised()};
}

}  // namespace cairn::time
