#include <cairn/arch/cpu.h>
#include <cairn/arch/cpu_features.h>

#include <cstring>

namespace cairn::arch {
namespace {

CpuFeatures features;

constexpr std::uint64_t kXcr0X87 = 1 << 0, kXcr0Sse = 1 << 1, kXcr0Avx = 1 << 2;
constexpr std::uint64_t kXcr0Avx512 =
    (1 << 5) | (1 << 6) | (1 << 7);  // opmask, ZMM_Hi256, Hi16_ZMM

}  // namespace

const CpuFeatures& cpu_features() { return features; }

void init_cpu_features() {
  CpuidResult leaf0 = cpuid(0);
  std::memcpy(features.vendor + 0, &leaf0.ebx, 4);
  std::memcpy(features.vendor + 4, &leaf0.edx, 4);
  std::memcpy(features.vendor + 8, &leaf0.ecx, 4);
  features.vendor[12] = '\0';
  std::uint32_t max_leaf = leaf0.eax;

  CpuidResult leaf1 = cpuid(1);
  features.xsave = leaf1.ecx & (1u << 26);
  features.avx = leaf1.ecx & (1u << 28);
  features.x2apic = leaf1.ecx & (1u << 21);
  features.rdrand = leaf1.ecx & (1u << 30);
  features.hypervisor = leaf1.ecx & (1u << 31);
  if (max_leaf >= 7) {
    CpuidResult leaf7 = cpuid(7, 0);
    features.rdseed = leaf7.ebx & (1u << 18);
    features.avx512 = leaf7.ebx & (1u << 16);  // AVX512F
    features.fsgsbase = leaf7.ebx & (1u << 0);
  }
  // WRFSBASE switches a thread's TLS pointer without a (slow, serialising) WRMSR.
  if (features.fsgsbase) write_cr4(read_cr4() | kCr4Fsgsbase);

  std::uint32_t max_ext = cpuid(0x80000000).eax;
  if (max_ext >= 0x80000001) {
    CpuidResult ext1 = cpuid(0x80000001);
    features.nx = ext1.edx & (1u << 20);
    features.page_1g = ext1.edx & (1u << 26);
  }
  if (max_ext >= 0x80000007) features.invariant_tsc = cpuid(0x80000007).edx & (1u << 8);
  features.physical_address_bits = max_ext >= 0x80000008 ? cpuid(0x80000008).eax & 0xff : 36;

  // Enable every kind of extended state the CPU and this kernel know, so applications
  // built with -mavx or -mavx512f just work. The thread switch code saves whatever
  // xcr0 says, sized by CPUID leaf 0xD.
  features.xsave_bytes = 512;  // FXSAVE area
  if (features.xsave) {
    write_cr4(read_cr4() | kCr4Osxsave);
    std::uint64_t supported = cpuid(0xD, 0).eax | (std::uint64_t{cpuid(0xD, 0).edx} << 32);
    std::uint64_t xcr0 = kXcr0X87 | kXcr0Sse;
    if (features.avx && (supported & kXcr0Avx)) xcr0 |= kXcr0Avx;
    if (features.avx512 && (supported & kXcr0Avx512) == kXcr0Avx512 && (xcr0 & kXcr0Avx))
      xcr0 |= kXcr0Avx512;
    xsetbv(0, xcr0);
    features.xcr0 = xcr0;
    features.xsave_bytes = cpuid(0xD, 0).ebx;  // size for the features now enabled
  }
  if (!(features.xcr0 & kXcr0Avx)) features.avx = features.avx512 = false;
  if (!(features.xcr0 & kXcr0Avx512)) features.avx512 = false;
}

}  // namespace cairn::arch
