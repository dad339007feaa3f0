#include "rtc.h"

#include <cerrno>

#include <cairn/arch/cpu.h>
#include <cairn/irq/irq.h>
#include <cairn/time/clock.h>

#include "rtc_date.h"

namespace cairn::time {
namespace {

constexpr std::uint8_t kSeconds = 0x00, kMinutes = 0x02, kHours = 0x04, kDay = 0x07, kMonth = 0x08,
                       kYear = 0x09, kStatusA = 0x0a, kStatusB = 0x0b, kStatusC = 0x0c,
                       kCentury = 0x32;
constexpr std::uint8_t kUpdateInProgress = 0x80;  // register A
constexpr std::uint8_t kUpdateEndedIrq = 0x10;    // register B: UIE; register C: UF
constexpr std::uint8_t kRtcIsaIrq = 8;
// The update itself takes up to ~2 ms on real hardware (244 us before it, in QEMU).
constexpr std::uint64_t kUpdateTimeoutNs = 3'000'000;

// Bit 7 of the index port would mask NMIs; it stays clear.
std::uint8_t cmos_read(std::uint8_t index) {
  arch::outb(0x70, index);
  return arch::inb(0x71);
}
void cmos_write(std::uint8_t index, std::uint8_t value) {
  arch::outb(0x70, index);
  arch::outb(0x71, value);
}

RtcRegisters read_registers() {
  return {cmos_read(kSeconds), cmos_read(kMinutes), cmos_read(kHours),   cmos_read(kDay),
          cmos_read(kMonth),   cmos_read(kYear),    cmos_read(kCentury), cmos_read(kStatusB)};
}

bool same(const RtcRegisters& a, const RtcRegisters& b) {
  return a.seconds == b.seconds && a.minutes == b.minutes && a.hours == b.hours && a.day == b.day &&
         a.month == b.month && a.year == b.year && a.century == b.century &&
         a.status_b == b.status_b;
}

// State of the boundary search, touched by its interrupt handler (interrupts off).
struct BoundarySearch {
  RtcSecondHandler on_second = nullptr;
  std::uint8_t vector = 0;
  int interrupts = 0;
  std::int64_t previous_seconds = 0;
  std::uint64_t previous_ns = 0;
};
BoundarySearch search;

constexpr int kMaxInterrupts = 10;
constexpr std::uint64_t kSecondToleranceNs = 2'000'000;

void stop_search() {
  cmos_write(kStatusB, cmos_read(kStatusB) & ~kUpdateEndedIrq);
  cmos_read(kStatusC);
  irq::release_vector(search.vector);  // allowed from its own handler
}

void on_rtc_interrupt(void*) {
  std::uint64_t now = monotonic_ns();
  if (!(cmos_read(kStatusC) & kUpdateEndedIrq)) return;  // reading C also re-arms it
  // The registers hold the second that has just begun, and stay put for ~1 s.
  Result<std::int64_t> seconds = rtc_to_unix_seconds(read_registers());
  if (!seconds) return stop_search();
  std::uint64_t since_previous = now - search.previous_ns;
  bool confirmed = search.interrupts++ > 0 && seconds.value() == search.previous_seconds + 1 &&
                   since_previous + kSecondToleranceNs >= kNsPerSecond &&
                   since_previous <= kNsPerSecond + kSecondToleranceNs;
  search.on_second(seconds.value(), now, confirmed);
  if (confirmed || search.interrupts >= kMaxInterrupts) return stop_search();
  search.previous_seconds = seconds.value();
  search.previous_ns = now;
}

}  // namespace

Result<RtcReading> read_rtc() {
  if (cmos_read(kStatusA) == 0xff && cmos_read(kStatusB) == 0xff)
    return Error(ENODEV, "no CMOS RTC");
  bool waited = false;
  std::uint64_t start = monotonic_ns();
  while (monotonic_ns() - start <= kUpdateTimeoutNs) {
    if (cmos_read(kStatusA) & kUpdateInProgress) {
      waited = true;
      arch::pause();
      continue;
    }
    std::uint64_t read_ns = monotonic_ns();
    RtcRegisters registers = read_registers();
    // An update that began meanwhile may have torn the values: read again until equal.
    if (!same(registers, read_registers())) continue;
    return RtcReading{TRY(rtc_to_unix_seconds(registers)), read_ns, waited};
  }
  return Error(ENODEV, "the CMOS RTC stays in its update");
}

Result<void> find_rtc_second_boundary(RtcSecondHandler on_second) {
  search = {};
  search.on_second = on_second;
  search.vector = TRY(irq::route_isa_irq(kRtcIsaIrq, on_rtc_interrupt, nullptr, "rtc"));
  std::uint64_t flags = arch::save_and_disable_interrupts();
  cmos_read(kStatusC);  // a stale update-ended flag would interrupt at once
  cmos_write(kStatusB, cmos_read(kStatusB) | kUpdateEndedIrq);
  arch::restore_interrupts(flags);
  return {};
}

}  // namespace cairn::time
