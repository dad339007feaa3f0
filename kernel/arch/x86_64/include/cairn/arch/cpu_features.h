// What this CPU can do, read once with CPUID at boot. Nothing is assumed beyond the
// x86_64 baseline (SSE2): QEMU's default CPU model lacks much of what `-cpu max` or a
// real host offers, and the image must boot on all of them.
#pragma once

#include <cstdint>

namespace cairn::arch {

struct CpuFeatures {
  char vendor[13];
  bool nx;       // no-execute pages
  bool page_1g;  // 1 GiB pages
  bool xsave;
  bool avx;
  bool avx512;
  bool x2apic;
  bool fsgsbase;  // RDFSBASE/WRFSBASE (enabled in CR4 when present)
  bool rdrand;
  bool rdseed;
  bool invariant_tsc;
  bool hypervisor;
  std::uint64_t xcr0;         // the extended state enabled (0 without XSAVE)
  std::uint32_t xsave_bytes;  // size of the XSAVE area for xcr0 (512 with FXSAVE)
  std::uint8_t physical_address_bits;
};

const CpuFeatures& cpu_features();

// Detects features and enables the extended state (XSAVE, AVX, AVX-512) the CPU has.
void init_cpu_features();

}  // namespace cairn::arch
