#include <cairn/arch/cpu.h>
#include <cairn/arch/tsc.h>

namespace cairn::arch {

TscFrequency tsc_frequency_reported() {
  std::uint32_t max_leaf = cpuid(0).eax;
  if (max_leaf >= 0x15) {
    CpuidResult r = cpuid(0x15);
    if (r.eax && r.ebx && r.ecx) return {std::uint64_t{r.ecx} * r.ebx / r.eax, "cpuid 0x15"};
  }
  if (cpuid(1).ecx & (1u << 31)) {  // under a hypervisor: its timing leaf, in kHz
    if (cpuid(0x40000000).eax >= 0x40000010) {
      std::uint32_t khz = cpuid(0x40000010).eax;
      if (khz) return {std::uint64_t{khz} * 1000, "hypervisor"};
    }
  }
  if (max_leaf >= 0x16) {
    std::uint32_t mhz = cpuid(0x16).eax & 0xffff;
    if (mhz) return {std::uint64_t{mhz} * 1'000'000, "cpuid 0x16"};
  }
  return {0, "unknown"};
}

}  // namespace cairn::arch
