// Backtraces follow the frame-pointer chain: every function in the image (newlib
// included) is compiled with -fno-omit-frame-pointer. The walk trusts nothing it reads:
// each frame must be mapped, aligned and above the previous one.
#include <cstdint>

#include <cairn/arch/arch.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/ksyms.h>

#include "trap.h"

namespace cairn::arch {
namespace {

void print_frame(int index, std::uintptr_t address, std::uintptr_t lookup) {
  SymbolInfo s = symbolize(lookup);
  if (s.name)
    kprintf("cairn:   #%-2d 0x%016lx %s+0x%lx\n", index, static_cast<unsigned long>(address),
            s.name, static_cast<unsigned long>(s.offset + (address - lookup)));
  else
    kprintf("cairn:   #%-2d 0x%016lx ?\n", index, static_cast<unsigned long>(address));
}

}  // namespace

void print_backtrace(std::uintptr_t rip, std::uintptr_t rbp, bool rip_is_return_address) {
  constexpr int kMaxFrames = 32;
  kprintf("cairn: backtrace:\n");
  print_frame(0, rip, rip_is_return_address ? rip - 1 : rip);
  for (int i = 1; i < kMaxFrames && rbp; ++i) {
    if (rbp % 8 || !is_mapped(rbp) || !is_mapped(rbp + 15)) break;
    auto* frame = reinterpret_cast<const std::uintptr_t*>(rbp);
    std::uintptr_t next = frame[0], ret = frame[1];
    if (!ret) break;
    // A return address points after the call; look up the call itself, which may be
    // the last instruction of a function that does not return.
    print_frame(i, ret, ret - 1);
    if (next <= rbp) break;
    rbp = next;
  }
}

}  // namespace cairn::arch
