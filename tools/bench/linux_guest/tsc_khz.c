// Prints the host's TSC frequency in kHz, measured against CLOCK_MONOTONIC_RAW over
// 200 ms. Under TCG the guest's RDTSC reads the host's TSC, so this is the value the
// Linux guest is given as tsc_early_khz= (tools/bench/linux_guest.py): without it the
// kernel calibrates against the PIT, which under TCG on a busy host fails now and then
// ("tsc: Unable to calibrate against PIT") and the boot stalls on microvm, which has no
// HPET or ACPI PM timer to fall back on.
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC_RAW, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  double khz[3];
  for (int round = 0; round < 3; ++round) {
    double t0 = now();
    uint64_t c0 = __rdtsc();
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    uint64_t c1 = __rdtsc();
    double t1 = now();
    khz[round] = (double)(c1 - c0) / (t1 - t0) / 1000.0;
  }
  // The median of three.
  double a = khz[0], b = khz[1], c = khz[2];
  double median = a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
  printf("%.0f\n", median);
  return 0;
}
