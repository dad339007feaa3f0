// Thread-local storage from the image's PT_TLS template (x86_64 TLS variant II: the
// block sits just below the thread pointer, and the thread pointer points at a control
// block whose first word points to itself).
#include <cstdint>
#include <cstring>

#include <cairn/arch/arch.h>
#include <cairn/arch/context.h>
#include <cairn/kernel/memory.h>
#include <cairn/kernel/panic.h>

extern "C" char __tdata_start[], __tdata_end[], __tbss_size[], __tls_align[];

namespace cairn::arch {
namespace {

constexpr std::size_t kControlBlock = 64;  // self pointer and room for ABI slots

struct TlsLayout {
  std::size_t data;      // bytes of .tdata (copied)
  std::size_t size;      // .tdata + .tbss
  std::size_t offset;    // thread pointer - start of the block
  std::size_t tp_align;  // alignment of the thread pointer
};

TlsLayout layout() {
  std::size_t data = __tdata_end - __tdata_start;
  std::size_t size = data + reinterpret_cast<std::uintptr_t>(__tbss_size);
  std::size_t align = reinterpret_cast<std::uintptr_t>(__tls_align);
  if (align == 0) align = 1;
  // The linker placed each variable at tp - offset + its offset in the segment, with
  // offset rounded to the segment's own alignment: use exactly that.
  std::size_t offset = (size + align - 1) & ~(align - 1);
  return {data, size, offset, align < 16 ? 16 : align};
}

}  // namespace

std::size_t tls_block_bytes() {
  TlsLayout l = layout();
  return l.offset + l.tp_align + kControlBlock;
}

std::uintptr_t init_tls_block(void* block) {
  TlsLayout l = layout();
  auto base = reinterpret_cast<std::uintptr_t>(block);
  std::uintptr_t tp = (base + l.offset + l.tp_align - 1) & ~(l.tp_align - 1);
  auto* start = reinterpret_cast<char*>(tp - l.offset);
  std::memcpy(start, __tdata_start, l.data);
  std::memset(start + l.data, 0, l.offset - l.data);  // .tbss and alignment padding
  std::memset(reinterpret_cast<void*>(tp), 0, kControlBlock);
  *reinterpret_cast<std::uintptr_t*>(tp) = tp;
  return tp;
}

std::uintptr_t init_boot_tls() {
  std::size_t bytes = tls_block_bytes();
  Result<void*> block = memory::allocate_pages((bytes + memory::kPageSize - 1) / memory::kPageSize,
                                               memory::Owner::kTls, false);
  if (!block) panic("out of memory for the boot thread's TLS");
  std::uintptr_t tp = init_tls_block(block.value());
  set_thread_pointer(tp);
  return tp;
}

}  // namespace cairn::arch
