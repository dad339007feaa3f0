// The PVH start info (Xen's struct hvm_start_info, which QEMU and Firecracker also
// produce) turned into the kernel's BootInfo. Everything the kernel keeps is copied
// here, so the loader's structures may be overwritten later.
#include <cstdint>
#include <cstring>

#include <cairn/kernel/boot_info.h>

namespace cairn::platform {

extern std::uint64_t boot_rsdp;  // power.cpp reads the ACPI tables from here

namespace {

constexpr std::uint32_t kStartInfoMagic = 0x336ec578;

struct StartInfo {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint32_t flags;
  std::uint32_t nr_modules;
  std::uint64_t modlist_paddr;
  std::uint64_t cmdline_paddr;
  std::uint64_t rsdp_paddr;
  // version >= 1
  std::uint64_t memmap_paddr;
  std::uint32_t memmap_entries;
  std::uint32_t reserved;
};

struct ModlistEntry {
  std::uint64_t paddr;
  std::uint64_t size;
  std::uint64_t cmdline_paddr;
  std::uint64_t reserved;
};

struct MemmapEntry {
  std::uint64_t addr;
  std::uint64_t size;
  std::uint32_t type;
  std::uint32_t reserved;
};

constexpr std::size_t kCmdlineMax = 4096;
char cmdline[kCmdlineMax];
char module_cmdlines[BootInfo::kMaxModules][256];
BootInfo boot_info;

void copy_string(char* out, std::size_t capacity, std::uint64_t paddr) {
  out[0] = '\0';
  if (!paddr) return;
  auto* in = reinterpret_cast<const char*>(paddr);
  std::size_t n = 0;
  while (n + 1 < capacity && in[n]) ++n;
  std::memcpy(out, in, n);
  out[n] = '\0';
}

MemoryKind kind_of(std::uint32_t e820_type) {
  switch (e820_type) {
    case 1:
      return MemoryKind::kRam;
    case 3:
      return MemoryKind::kAcpiReclaimable;
    case 4:
      return MemoryKind::kAcpiNvs;
    case 5:
      return MemoryKind::kUnusable;
    default:
      return MemoryKind::kReserved;
  }
}

void reserve(BootInfo& info, std::uint64_t base, std::uint64_t size) {
  if (!size) return;
  if (!info.reserved_end) info.reserved_base = base;
  if (base < info.reserved_base) info.reserved_base = base;
  if (base + size > info.reserved_end) info.reserved_end = base + size;
}

void parse(const StartInfo& si, BootInfo& info) {
  info.protocol = "pvh";
  if (si.magic != kStartInfoMagic) {
    info.error = "PVH start info has a bad magic number (not started by a PVH loader?)";
    return;
  }
  if (si.version < 1 || !si.memmap_paddr || !si.memmap_entries) {
    info.error = "PVH start info has no memory map (version 0 is not supported)";
    return;
  }
  copy_string(cmdline, sizeof cmdline, si.cmdline_paddr);
  info.cmdline = cmdline;
  info.rsdp = boot_rsdp = si.rsdp_paddr;

  auto* map = reinterpret_cast<const MemmapEntry*>(si.memmap_paddr);
  for (std::uint32_t i = 0; i < si.memmap_entries && info.region_count < BootInfo::kMaxRegions; ++i)
    info.regions[info.region_count++] = {map[i].addr, map[i].size, kind_of(map[i].type)};

  auto* mods = reinterpret_cast<const ModlistEntry*>(si.modlist_paddr);
  for (std::uint32_t i = 0; si.modlist_paddr && i < si.nr_modules && i < BootInfo::kMaxModules;
       ++i) {
    copy_string(module_cmdlines[i], sizeof module_cmdlines[i], mods[i].cmdline_paddr);
    info.modules[info.module_count++] = {mods[i].paddr, mods[i].size, module_cmdlines[i]};
  }
  // The start info and module list stay reserved: drivers read modules later.
  reserve(info, reinterpret_cast<std::uint64_t>(&si), sizeof si);
  reserve(info, si.modlist_paddr, si.nr_modules * sizeof(ModlistEntry));
}

}  // namespace
}  // namespace cairn::platform

extern "C" [[noreturn]] void cairn_pvh_start(std::uint32_t start_info_paddr) {
  using namespace cairn::platform;
  parse(*reinterpret_cast<const StartInfo*>(std::uintptr_t{start_info_paddr}), boot_info);
  cairn::kernel_boot(boot_info);
}
