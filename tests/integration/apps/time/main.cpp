// Clocks and sleeps, checked from inside the guest; the first argument picks what.
// Lines starting "FAIL:" make the image end with status 1. "realtime=S.N" lines are
// compared with the host's clock by boot_test.py --host-clock.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <utility>

#include <cairn/time/clock.h>

namespace {

int failures = 0;

#define CHECK(cond, ...)                \
  do {                                  \
    if (!(cond)) {                      \
      printf("FAIL: %s: ", #cond);      \
      printf(__VA_ARGS__);              \
      printf(" (line %d)\n", __LINE__); \
      ++failures;                       \
    }                                   \
  } while (0)

std::int64_t ns_of(const timespec& t) { return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }

std::int64_t now(clockid_t clock) {
  timespec t;
  clock_gettime(clock, &t);
  return ns_of(t);
}

std::uint64_t rdtsc() {
  std::uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (std::uint64_t{hi} << 32) | lo;
}

void print_realtime(const char* label) {
  timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  printf("%s realtime=%lld.%09ld\n", label, static_cast<long long>(t.tv_sec), t.tv_nsec);
  fflush(stdout);
}

void print_info() {
  cairn::time::ClockInfo info = cairn::time::clock_info();
  printf("clock: tsc-hz=%llu tsc-source=%s tsc-rate-us=%llu wall-source=%s synchronised=%d\n",
         static_cast<unsigned long long>(info.tsc_hz), info.tsc_source,
         static_cast<unsigned long long>(info.tsc_rate_ns / 1000), info.wall_source,
         info.wall_synchronised);
}

struct TscBracket {
  std::uint64_t before;
  std::int64_t ns;
  std::uint64_t after;
};

// CLOCK_MONOTONIC between two TSC reads at most 10 us apart (when the host allows).
TscBracket bracket(std::uint64_t hz) {
  TscBracket b{};
  for (int i = 0; i < 1000; ++i) {
    b.before = rdtsc();
    b.ns = now(CLOCK_MONOTONIC);
    b.after = rdtsc();
    if (b.after - b.before < hz / 100'000) break;
  }
  return b;
}

void check_monotonic() {
  std::int64_t previous = now(CLOCK_MONOTONIC);
  int distinct = 0;
  constexpr int kReads = 100000;
  for (int i = 0; i < kReads; ++i) {
    std::int64_t t = now(CLOCK_MONOTONIC);
    CHECK(t >= previous, "went back from %lld to %lld", static_cast<long long>(previous),
          static_cast<long long>(t));
    distinct += t > previous;
    previous = t;
  }
  CHECK(distinct > kReads / 2, "only %d distinct values", distinct);
  printf("monotonic: %d reads, %d distinct\n", kReads, distinct);

  // The clock is the TSC: a read lies between the TSC values around it...
  std::uint64_t before = rdtsc();
  std::int64_t t = now(CLOCK_MONOTONIC);
  std::uint64_t after = rdtsc();
  auto lo = static_cast<std::int64_t>(cairn::time::ns_at_tsc(before));
  auto hi = static_cast<std::int64_t>(cairn::time::ns_at_tsc(after));
  CHECK(lo <= t && t <= hi, "%lld not in [%lld, %lld]", static_cast<long long>(t),
        static_cast<long long>(lo), static_cast<long long>(hi));
  // ...tsc_at() is its inverse...
  std::uint64_t tsc = cairn::time::tsc_at(static_cast<std::uint64_t>(t));
  CHECK(cairn::time::ns_at_tsc(tsc) >= static_cast<std::uint64_t>(t) &&
            cairn::time::ns_at_tsc(tsc - 1) < static_cast<std::uint64_t>(t),
        "tsc_at(%lld) = %llu", static_cast<long long>(t), static_cast<unsigned long long>(tsc));
  // ...and 20 ms of it are 20 ms of TSC ticks at the rate it uses (each end read between
  // two TSC reads, so that the host descheduling QEMU does not blur it).
  std::uint64_t hz = cairn::time::clock_info().tsc_hz;
  TscBracket first = bracket(hz);
  while (now(CLOCK_MONOTONIC) - first.ns < 20'000'000) {
  }
  TscBracket last = bracket(hz);
  double ms = static_cast<double>(last.ns - first.ns) / 1e6;
  double tsc_min_ms =
      static_cast<double>(last.before - first.after) * 1e3 / static_cast<double>(hz);
  double tsc_max_ms =
      static_cast<double>(last.after - first.before) * 1e3 / static_cast<double>(hz);
  CHECK(ms >= tsc_min_ms - 0.001 && ms <= tsc_max_ms + 0.001,
        "%.6f ms of CLOCK_MONOTONIC are %.6f to %.6f ms of TSC", ms, tsc_min_ms, tsc_max_ms);
  printf("monotonic: consistent with the TSC\n");
}

void check_resolution_and_errors() {
  const clockid_t clocks[] = {CLOCK_REALTIME,           CLOCK_MONOTONIC,
                              CLOCK_MONOTONIC_RAW,      CLOCK_BOOTTIME,
                              CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                              CLOCK_REALTIME_COARSE,    CLOCK_MONOTONIC_COARSE};
  for (clockid_t c : clocks) {
    timespec res{-1, -1};
    CHECK(clock_getres(c, &res) == 0 && res.tv_sec == 0 && res.tv_nsec >= 1 && res.tv_nsec < 1000,
          "clock %d: res %lld.%09ld", static_cast<int>(c), static_cast<long long>(res.tv_sec),
          res.tv_nsec);
    timespec t{-1, -1};
    CHECK(clock_gettime(c, &t) == 0 && t.tv_nsec >= 0 && t.tv_nsec < 1'000'000'000, "clock %d",
          static_cast<int>(c));
  }
  timespec res;
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("clock_getres: %ld ns\n", res.tv_nsec);
  CHECK(clock_getres(CLOCK_MONOTONIC, nullptr) == 0, "NULL resolution");

  timespec t;
  errno = 0;
  CHECK(clock_gettime(42, &t) == -1 && errno == EINVAL, "errno %d", errno);
  errno = 0;
  CHECK(clock_getres(42, &t) == -1 && errno == EINVAL, "errno %d", errno);
  errno = 0;
  CHECK(clock_gettime(CLOCK_MONOTONIC, nullptr) == -1 && errno == EFAULT, "errno %d", errno);
  errno = 0;
  CHECK(clock_settime(CLOCK_MONOTONIC, &t) == -1 && errno == EINVAL, "errno %d", errno);
  timespec bad{1, 1'000'000'000};
  errno = 0;
  CHECK(clock_settime(CLOCK_REALTIME, &bad) == -1 && errno == EINVAL, "errno %d", errno);
  errno = 0;
  CHECK(nanosleep(&bad, nullptr) == -1 && errno == EINVAL, "errno %d", errno);
  timespec negative{-1, 0};
  errno = 0;
  CHECK(nanosleep(&negative, nullptr) == -1 && errno == EINVAL, "errno %d", errno);
  timespec negative_ns{0, -1};
  errno = 0;
  CHECK(nanosleep(&negative_ns, nullptr) == -1 && errno == EINVAL, "errno %d", errno);
  errno = 0;
  CHECK(nanosleep(nullptr, nullptr) == -1 && errno == EFAULT, "errno %d", errno);
  timespec zero{0, 0};
  CHECK(clock_nanosleep(42, 0, &zero, nullptr) == EINVAL, "unknown clock");
  CHECK(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &zero, nullptr) == EINVAL, "thread clock");
  CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &bad, nullptr) == EINVAL, "bad time");
  CHECK(nanosleep(&zero, nullptr) == 0, "zero sleep");
  printf("errors: checked\n");
}

// "At about the same time": generous, as the host may deschedule QEMU between two reads.
constexpr std::int64_t kMomentNs = 100'000'000;

void check_realtime() {
  std::int64_t real = now(CLOCK_REALTIME);
  timeval tv;
  CHECK(gettimeofday(&tv, nullptr) == 0, "gettimeofday");
  std::int64_t tv_ns = std::int64_t{tv.tv_sec} * 1'000'000'000 + tv.tv_usec * 1000;
  CHECK(tv_ns - real >= 0 && tv_ns - real < kMomentNs, "gettimeofday %lld vs %lld",
        static_cast<long long>(tv_ns), static_cast<long long>(real));
  time_t seconds = time(nullptr);
  CHECK(seconds - real / 1'000'000'000 >= 0 && seconds - real / 1'000'000'000 <= 1, "time() %lld",
        static_cast<long long>(seconds));
  CHECK(real > 1'600'000'000LL * 1'000'000'000, "realtime %lld is before 2020",
        static_cast<long long>(real));
  struct tm broken;
  gmtime_r(&seconds, &broken);
  printf("realtime: %04d-%02d-%02d %02d:%02d:%02d UTC\n", broken.tm_year + 1900, broken.tm_mon + 1,
         broken.tm_mday, broken.tm_hour, broken.tm_min, broken.tm_sec);

  // Stepping the wall clock moves CLOCK_REALTIME only.
  std::int64_t mono = now(CLOCK_MONOTONIC);
  real = now(CLOCK_REALTIME);
  timespec later{static_cast<time_t>(real / 1'000'000'000 + 1000), 0};
  CHECK(clock_settime(CLOCK_REALTIME, &later) == 0, "clock_settime");
  std::int64_t stepped = now(CLOCK_REALTIME) - ns_of(later);
  CHECK(stepped >= 0 && stepped < kMomentNs, "after clock_settime: %lld ns past",
        static_cast<long long>(stepped));
  CHECK(now(CLOCK_MONOTONIC) - mono < kMomentNs, "CLOCK_MONOTONIC moved");
  CHECK(now(CLOCK_BOOTTIME) - mono < kMomentNs, "CLOCK_BOOTTIME moved");
  timespec back = {static_cast<time_t>(real / 1'000'000'000), real % 1'000'000'000};
  CHECK(clock_settime(CLOCK_REALTIME, &back) == 0, "clock_settime");

  // times() and clock() count milliseconds (CLOCKS_PER_SEC) since boot.
  struct tms buffer;
  clock_t ticks = times(&buffer);
  std::int64_t mono_ms = now(CLOCK_MONOTONIC) / 1'000'000;
  CHECK(static_cast<std::int64_t>(ticks) <= mono_ms &&
            mono_ms - static_cast<std::int64_t>(ticks) < kMomentNs / 1'000'000,
        "times() %lu vs %lld ms", static_cast<unsigned long>(ticks),
        static_cast<long long>(mono_ms));
  clock_t c = clock();
  CHECK(c != static_cast<clock_t>(-1) && c >= ticks && c - ticks < kMomentNs / 1'000'000,
        "clock() %lu", static_cast<unsigned long>(c));
  printf("times: %lu ms since boot, clock() %lu of %d per second\n",
         static_cast<unsigned long>(ticks), static_cast<unsigned long>(c),
         static_cast<int>(CLOCKS_PER_SEC));
}

// One sleep, measured with CLOCK_MONOTONIC: never short, and not grossly long even when
// the host is busy (the 2 ms target is checked on the median of several, below).
std::int64_t check_sleep(const char* what, std::int64_t wanted_us, std::int64_t start_ns) {
  constexpr std::int64_t kGrosslyLateUs = 50'000;
  std::int64_t slept_us = (now(CLOCK_MONOTONIC) - start_ns) / 1000;
  printf("%s: slept %lld us (asked %lld)\n", what, static_cast<long long>(slept_us),
         static_cast<long long>(wanted_us));
  CHECK(slept_us >= wanted_us && slept_us <= wanted_us + kGrosslyLateUs, "%s slept %lld us", what,
        static_cast<long long>(slept_us));
  return slept_us;
}

void check_sleeps() {
  constexpr int kSleeps = 5;
  std::int64_t slept[kSleeps];
  for (int i = 0; i < kSleeps; ++i) {
    timespec t{0, 100'000'000};
    std::int64_t start = now(CLOCK_MONOTONIC);
    CHECK(nanosleep(&t, nullptr) == 0, "nanosleep");
    slept[i] = check_sleep("nanosleep 100 ms", 100'000, start);
  }
  // The target: 100 ms sleeps within 2 ms under TCG.
  for (int i = 1; i < kSleeps; ++i)
    for (int j = i; j > 0 && slept[j - 1] > slept[j]; --j) std::swap(slept[j - 1], slept[j]);
  std::int64_t median = slept[kSleeps / 2];
  printf("nanosleep 100 ms: median %lld us\n", static_cast<long long>(median));
  // The target (2 ms under TCG) is what make bench measures; on a host busy with other
  // tests the vCPU itself may wait to be scheduled, so the test only catches a clock
  // or timer that is systematically off.
  CHECK(median <= 110'000, "median 100 ms sleep %lld us", static_cast<long long>(median));
  std::int64_t start = now(CLOCK_MONOTONIC);
  CHECK(usleep(100'000) == 0, "usleep");
  check_sleep("usleep 100 ms", 100'000, start);

  start = now(CLOCK_MONOTONIC);
  timespec deadline{static_cast<time_t>((start + 50'000'000) / 1'000'000'000),
                    static_cast<long>((start + 50'000'000) % 1'000'000'000)};
  CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == 0, "abs");
  check_sleep("clock_nanosleep absolute monotonic +50 ms", 50'000, start);

  start = now(CLOCK_MONOTONIC);
  std::int64_t real_deadline = now(CLOCK_REALTIME) + 50'000'000;
  timespec real_abs{static_cast<time_t>(real_deadline / 1'000'000'000),
                    static_cast<long>(real_deadline % 1'000'000'000)};
  CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &real_abs, nullptr) == 0, "abs realtime");
  CHECK(now(CLOCK_REALTIME) >= real_deadline, "woke before the realtime deadline");
  check_sleep("clock_nanosleep absolute realtime +50 ms", 50'000, start);

  timespec past{0, 1};  // 1 ns after boot, long gone: returns at once
  start = now(CLOCK_MONOTONIC);
  CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, nullptr) == 0, "past");
  check_sleep("clock_nanosleep absolute in the past", 0, start);

  printf("host-mark sleep(1) begins\n");
  fflush(stdout);
  start = now(CLOCK_MONOTONIC);
  CHECK(sleep(1) == 0, "sleep");
  check_sleep("sleep 1 s", 1'000'000, start);
  printf("host-mark sleep(1) ended\n");
}

// Waits (sleeping) for the RTC's second boundary to set the wall clock.
// Optionally sleeps `then_sleep` seconds more, to see the drift.
void check_wall(unsigned then_sleep) {
  print_info();
  print_realtime("estimate");
  std::int64_t estimate_offset = now(CLOCK_REALTIME) - now(CLOCK_MONOTONIC);
  std::int64_t start = now(CLOCK_MONOTONIC);
  while (!cairn::time::clock_info().wall_synchronised &&
         now(CLOCK_MONOTONIC) - start < 5'000'000'000)
    usleep(10'000);
  std::int64_t waited_ms = (now(CLOCK_MONOTONIC) - start) / 1'000'000;
  bool synchronised = cairn::time::clock_info().wall_synchronised;
  printf("wall clock synchronised=%d after %lld ms\n", synchronised,
         static_cast<long long>(waited_ms));
  CHECK(synchronised, "the wall clock never synchronised");
  // The RTC's mid-second estimate was within half a second of its exact reading.
  std::int64_t correction_ms =
      (now(CLOCK_REALTIME) - now(CLOCK_MONOTONIC) - estimate_offset) / 1'000'000;
  printf("wall clock corrected by %lld ms\n", static_cast<long long>(correction_ms));
  CHECK(correction_ms >= -505 && correction_ms <= 505, "corrected by %lld ms",
        static_cast<long long>(correction_ms));
  print_realtime("synchronised");
  if (then_sleep) {
    sleep(then_sleep);
    printf("after %u s more:\n", then_sleep);
    print_realtime("later");
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "clock";
  if (!strcmp(mode, "clock")) {
    print_info();
    print_realtime("first");
    check_monotonic();
    check_resolution_and_errors();
    check_realtime();
    print_info();
    print_realtime("last");
  } else if (!strcmp(mode, "sleep")) {
    check_sleeps();
  } else if (!strcmp(mode, "wall")) {
    check_wall(argc > 2 ? static_cast<unsigned>(atoi(argv[2])) : 0);
  } else {
    printf("unknown mode %s\n", mode);
    return 2;
  }
  if (!failures) printf("time %s: ok\n", mode);
  return failures ? 1 : 0;
}
