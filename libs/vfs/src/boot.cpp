// Bringing the VFS up in an image, and taking it down at exit.
//
// - The first user (the `fs` initcall below at the latest; the initrd may come first)
//   builds the VFS: ramfs on "/", /dev with devfs, /tmp, the console on fds 0-2.
// - At the `late` level, the mounts of CONFIG_VFS_MOUNTS and of every
//   vfs.mount=SOURCE:PATH:TYPE[:OPTIONS] option are made (mount points are created).
// - At exit, _exit() calls cairn_vfs_exit(): every descriptor is closed and every
//   filesystem synced and unmounted, innermost first, before the VM powers off.
#include <fcntl.h>
#include <cerrno>
#include <new>

#include <cairn/config.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/kernel/panic.h>
#include <cairn/kernel/param.h>
#include <cairn/vfs/fd_table.h>
#include <cairn/vfs/vfs.h>

#include "dev_basic.h"
#include "image.h"
#include "ramfs/ramfs.h"
#include "string_view_util.h"

namespace cairn::vfs {
namespace {

void build(Vfs& vfs) {
  auto root = ramfs::mount("", "");
  if (!root || !vfs.mount(root.value(), "/", "ramfs"))
    panic("vfs: cannot mount the root ramfs (out of memory)");
  if (auto r = devfs::add_basic_devices(); !r) kwarn("vfs: /dev: %s", r.error().message());
  if (auto r = add_machine_devices(); !r) kwarn("vfs: /dev: %s", r.error().message());
  if (auto r = vfs.mkdir(nullptr, "/dev", 0755); !r) kwarn("vfs: /dev: %s", r.error().message());
  if (auto r = vfs.mount("devfs", "", "/dev", ""); !r)
    kwarn("vfs: mounting devfs on /dev: %s", r.error().message());
  if (auto r = vfs.mkdir(nullptr, "/tmp", 01777); !r) kwarn("vfs: /tmp: %s", r.error().message());
  // stdin, stdout and stderr: one open console file, as a shell would leave them.
  auto console = open_console(O_RDWR);
  if (!console) panic("vfs: cannot open the console");
  for (int fd = 0; fd <= 2; ++fd) (void)fd_table().install_at(fd, console.value(), false);
}

}  // namespace

Vfs& vfs_instance() {
  alignas(Vfs) static unsigned char storage[sizeof(Vfs)];
  // A function-local static: threads arriving while it is built wait for it.
  static Vfs* instance = [] {
    Vfs* v = new (storage) Vfs();
    build(*v);
    return v;
  }();
  return *instance;
}

FdTable& fd_table() {
  alignas(FdTable) static unsigned char storage[sizeof(FdTable)];
  static FdTable* table = new (storage) FdTable(CONFIG_VFS_MAX_FDS);
  return *table;
}

namespace {

void start_vfs() { (void)vfs_instance(); }
CAIRN_INITCALL(fs, start_vfs);

// vfs.mount= options, kept as views into the kernel's command line (which lives on).
constexpr std::size_t kMaxMountOptions = 16;
std::string_view mount_options[kMaxMountOptions];
std::size_t mount_option_count = 0;

Result<void> add_mount_option(std::string_view value) {
  if (mount_option_count == kMaxMountOptions) return Error(ENOSPC, "too many vfs.mount options");
  mount_options[mount_option_count++] = value;
  return {};
}
CAIRN_PARAM(vfs_mount, "vfs.mount", add_mount_option,
            "mount a filesystem: SOURCE:PATH:TYPE[:OPTIONS] (repeatable)");

// SOURCE:PATH:TYPE[:OPTIONS]
void mount_one(std::string_view spec) {
  std::string_view parts[4];
  std::size_t n = 0;
  while (n < 3) {
    std::size_t colon = spec.find(':');
    if (colon == std::string_view::npos) break;
    parts[n++] = prefix(spec, colon);
    spec = suffix(spec, colon + 1);
  }
  parts[n++] = spec;
  if (n < 3 || parts[1].empty() || parts[2].empty()) {
    kwarn("vfs: bad mount '%.*s' (want SOURCE:PATH:TYPE[:OPTIONS])", static_cast<int>(spec.size()),
          spec.data());
    return;
  }
  Vfs& vfs = vfs_instance();
  if (auto r = vfs_make_directories(vfs, parts[1], 0755); !r) {
    kwarn("vfs: mount point %.*s: %s", static_cast<int>(parts[1].size()), parts[1].data(),
          r.error().message());
    return;
  }
  if (auto r = vfs.mount(parts[2], parts[0], parts[1], parts[3]); !r)
    kwarn("vfs: mounting %.*s (%.*s) on %.*s: %s", static_cast<int>(parts[0].size()),
          parts[0].data(), static_cast<int>(parts[2].size()), parts[2].data(),
          static_cast<int>(parts[1].size()), parts[1].data(), r.error().message());
}

void mount_configured() {
  std::string_view configured = CONFIG_VFS_MOUNTS;
  while (!configured.empty()) {
    std::size_t space = configured.find(' ');
    std::string_view one = prefix(configured, space);
    if (!one.empty()) mount_one(one);
    if (space == std::string_view::npos) break;
    configured = suffix(configured, space + 1);
  }
  for (std::size_t i = 0; i < mount_option_count; ++i) mount_one(mount_options[i]);
}
CAIRN_INITCALL(late, mount_configured);

void report_failure(const char* step, const Filesystem& fs, const Error& error) {
  kwarn("vfs: %s of %s failed at exit: %s", step, fs.type_name(), error.message());
}

}  // namespace

void shutdown() {
  static bool done = false;
  if (__atomic_exchange_n(&done, true, __ATOMIC_ACQ_REL)) return;
  fd_table().close_all();
  vfs_instance().unmount_all(report_failure);
}

}  // namespace cairn::vfs

// Called by _exit() (libs/newlib/src/syscalls.cpp) before the VM powers off.
extern "C" void cairn_vfs_exit() { cairn::vfs::shutdown(); }
