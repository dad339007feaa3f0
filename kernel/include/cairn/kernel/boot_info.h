// What the platform's boot protocol tells the kernel: memory, command line, modules.
// The platform fills it (platform/kvm from the PVH start info) and hands it to
// kernel_boot(); nothing in it points into memory the kernel may reuse before it has
// copied what it needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace cairn {

enum class MemoryKind : std::uint32_t { kRam, kReserved, kAcpiReclaimable, kAcpiNvs, kUnusable };

struct MemoryRegion {
  std::uint64_t base;
  std::uint64_t size;
  MemoryKind kind;
  std::uint64_t end() const { return base + size; }
};

struct BootModule {
  std::uint64_t base;
  std::uint64_t size;
  const char* cmdline;  // never null
};

struct BootInfo {
  static constexpr std::size_t kMaxRegions = 64;
  static constexpr std::size_t kMaxModules = 8;

  const char* protocol = "";    // "pvh"
  const char* error = nullptr;  // set when the boot data is unusable; the kernel panics
  const char* cmdline = "";
  MemoryRegion regions[kMaxRegions] = {};
  std::size_t region_count = 0;
  BootModule modules[kMaxModules] = {};
  std::size_t module_count = 0;
  std::uint64_t rsdp = 0;           // physical address of the ACPI RSDP, 0 if not given
  std::uint64_t reserved_base = 0;  // boot structures (start info, tables) to keep
  std::uint64_t reserved_end = 0;

  std::span<const MemoryRegion> memory() const { return {regions, region_count}; }
  std::span<const BootModule> boot_modules() const { return {modules, module_count}; }
};

// Entered by the platform once the CPU is in 64-bit mode on the boot stack.
[[noreturn]] void kernel_boot(BootInfo& info);

// The modules the image was booted with (the initrd: QEMU -initrd), for the components
// that read them during boot. Their memory is never handed to the page allocator.
std::span<const BootModule> boot_modules();

}  // namespace cairn
