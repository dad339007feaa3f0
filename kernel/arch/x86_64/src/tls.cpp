// Thread-local storage for the boot thread, from the image's PT_TLS template (x86_64
// TLS variant II: the block sits just below the thread pointer, and the thread pointer
// points at a control block whose first word points to itself). Threads get their own
// copies when the scheduler arrives ([M4]).
#include <cstdint>
#include <cstring>

#include <cairn/arch/arch.h>
#include <cairn/arch/cpu.h>
#include <cairn/kernel/memory.h>
#include <cairn/kernel/panic.h>

extern "C" char __tdata_start[], __tdata_end[], __tbss_size[], __tls_align[];

namespace cairn::arch {

void init_boot_tls() {
  std::size_t data = __tdata_end - __tdata_start;
  std::size_t size = data + reinterpret_cast<std::uintptr_t>(__tbss_size);
  std::size_t align = reinterpret_cast<std::uintptr_t>(__tls_align);
  if (align == 0) align = 1;
  // The linker placed each variable at tp - offset + its offset in the segment, with
  // offset rounded to the segment's own alignment: use exactly that.
  std::size_t offset = (size + align - 1) & ~(align - 1);
  std::size_t tp_align = align < 16 ? 16 : align;
  constexpr std::size_t kControlBlock = 64;  // self pointer and room for ABI slots
  std::size_t bytes = offset + tp_align + kControlBlock;
  Result<void*> block = memory::allocate_pages((bytes + memory::kPageSize - 1) / memory::kPageSize,
                                               memory::Owner::kTls);
  if (!block) panic("out of memory for the boot thread's TLS");
  auto base = reinterpret_cast<std::uintptr_t>(block.value());
  auto* tp = reinterpret_cast<char*>((base + offset + tp_align - 1) & ~(tp_align - 1));
  std::memcpy(tp - offset, __tdata_start, data);  // the rest is zero (tbss)
  *reinterpret_cast<char**>(tp) = tp;
  wrmsr(kMsrFsBase, reinterpret_cast<std::uint64_t>(tp));
}

}  // namespace cairn::arch
