// The initrd: the first PVH module (QEMU -initrd), a cpio newc archive, unpacked into
// the root filesystem at the `fs` initcall level, before the command-line mounts (made
// at `late`). Regular files, directories and symlinks keep their permissions, owners
// and modification times; hard links stay links. Anything else is skipped with a
// warning. A malformed archive stops the unpacking where it went wrong; what came
// before stays.
#include <errno.h>
#include <fcntl.h>

#include <cstring>
#include <new>

#include <cairn/config.h>
#include <cairn/initrd/cpio.h>
#include <cairn/kernel/boot_info.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/vfs/vfs.h>

#include "hard_links.h"

namespace cairn::initrd {
namespace {

struct Summary {
  std::size_t files = 0, directories = 0, symlinks = 0, links = 0, skipped = 0;
  std::uint64_t bytes = 0;
};

// Entries land at "/" + the sanitised name; room for the slash and the NUL.
char path_buffer[vfs::kPathMax + 1];
char target_buffer[vfs::kPathMax + 1];

void warn_entry(std::string_view name, const char* what, const Error& error) {
  kwarn("initrd: %.*s: %s: %s", int(name.size()), name.data(), what, error.message());
}

// True when a directory on the way to `path` is a symlink: an archive must not write
// through a link it (or anyone) planted, so entries stay inside the tree they name.
bool parent_is_symlink(std::string_view path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    auto attributes = vfs::stat(path.substr(0, slash), /*follow_symlinks=*/false);
    if (attributes.ok() && (attributes.value().mode & vfs::kTypeMask) == vfs::kSymlink) return true;
  }
  return false;
}

Result<void> set_metadata(std::string_view path, const CpioEntry& entry, bool follow) {
  vfs::AttributeChanges changes;
  changes.mask = vfs::AttributeChanges::kUid | vfs::AttributeChanges::kGid |
                 vfs::AttributeChanges::kMtime | vfs::AttributeChanges::kAtime;
  if (entry.type() != CpioType::kSymlink) changes.mask |= vfs::AttributeChanges::kMode;
  changes.mode = entry.permissions();
  changes.uid = entry.uid;
  changes.gid = entry.gid;
  changes.mtime = changes.atime = {entry.mtime, 0};
  return vfs::setattr(path, changes, follow);
}

Result<void> unpack_file(std::string_view path, const CpioEntry& entry) {
  auto file = TRY(vfs::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, entry.permissions()));
  TRY(vfs::write_all(*file, entry.data));
  return set_metadata(path, entry, false);
}

Result<void> unpack_directory(std::string_view path, const CpioEntry& entry) {
  auto made = vfs::mkdir(path, entry.permissions());
  if (!made.ok() && made.error().code() != EEXIST) return made.error();
  // An existing directory (the root, or one made for an earlier entry) takes the mode.
  // Its time is set now and may move when entries are added below it.
  return set_metadata(path, entry, false);
}

Result<void> unpack_symlink(std::string_view path, const CpioEntry& entry) {
  if (entry.data.empty() || entry.data.size() > vfs::kPathMax - 1)
    return Error(EINVAL, "symlink target empty or too long");
  std::memcpy(target_buffer, entry.data.data(), entry.data.size());
  target_buffer[entry.data.size()] = '\0';
  const std::string_view target(target_buffer, entry.data.size());
  if (target.find('\0') != std::string_view::npos) return Error(EINVAL, "NUL in symlink target");
  auto made = vfs::symlink(target, path);
  if (!made.ok() && made.error().code() == EEXIST) {
    // A later archive replaces what an earlier one put there, as on Linux.
    TRY(vfs::unlink(path));
    made = vfs::symlink(target, path);
  }
  if (!made.ok()) return made.error();
  return set_metadata(path, entry, false);
}

// The entry at `path`, created after its missing parent directories.
Result<void> unpack_entry(std::string_view path, const CpioEntry& entry, HardLinks& links,
                          Summary& summary) {
  const std::size_t slash = path.rfind('/');
  if (slash > 0) TRY(vfs::make_directories(path.substr(0, slash)));
  switch (entry.type()) {
    case CpioType::kDirectory:
      TRY(unpack_directory(path, entry));
      ++summary.directories;
      return {};
    case CpioType::kSymlink:
      TRY(unpack_symlink(path, entry));
      ++summary.symlinks;
      return {};
    case CpioType::kRegular:
      if (entry.nlink > 1) {
        // GNU cpio stores a hard-linked file's data with its last name only: the
        // first name becomes the file, the others links to it, whichever has data.
        if (const char* first = links.find(entry)) {
          if (!entry.data.empty()) TRY(unpack_file(first, entry));
          TRY(vfs::link(first, path));
          ++summary.links;
          summary.bytes += entry.data.size();
          return {};
        }
        TRY(unpack_file(path, entry));
        links.remember(entry, path);
      } else {
        TRY(unpack_file(path, entry));
      }
      ++summary.files;
      summary.bytes += entry.data.size();
      return {};
    case CpioType::kOther:
      break;
  }
  return Error(ENOTSUP, "not a regular file, directory or symlink (skipped)");
}

void unpack(std::span<const std::byte> archive, Summary& summary) {
  CpioReader reader(archive);
  HardLinks links;
  for (;;) {
    auto next = reader.next();
    if (!next.ok()) {
      kwarn("initrd: malformed archive at byte %zu: %s (unpacking stopped)", reader.offset(),
            next.error().message());
      return;
    }
    if (!next.value()) return;
    const CpioEntry& entry = *next.value();
    path_buffer[0] = '/';
    auto relative = sanitize_path(entry.name, {path_buffer + 1, sizeof path_buffer - 1});
    if (!relative.ok()) {
      warn_entry(entry.name, "bad name", relative.error());
      ++summary.skipped;
      continue;
    }
    if (relative.value().empty() && entry.type() != CpioType::kDirectory) {
      warn_entry(entry.name, "skipped", Error(EINVAL, "names the root"));
      ++summary.skipped;
      continue;
    }
    const std::string_view path(path_buffer, relative.value().size() + 1);
    if (parent_is_symlink(path)) {
      warn_entry(entry.name, "skipped", Error(ELOOP, "a directory on its path is a symlink"));
      ++summary.skipped;
      continue;
    }
    auto unpacked = unpack_entry(path, entry, links, summary);
    if (!unpacked.ok()) {
      warn_entry(entry.name, "not unpacked", unpacked.error());
      ++summary.skipped;
    }
  }
}

void unpack_initrd() {
  const auto modules = boot_modules();
  if (modules.empty()) return;
  const BootModule& module = modules[0];
  if (modules.size() > 1)
    kwarn("initrd: %zu boot modules; only the first is unpacked", modules.size());
  const std::span<const std::byte> archive(reinterpret_cast<const std::byte*>(module.base),
                                           module.size);
  Summary summary;
  unpack(archive, summary);
#ifdef CONFIG_BOOT_LOG
  kprintf(
      "cairn: initrd: %zu files (%llu bytes), %zu directories, %zu symlinks, %zu hard "
      "links, %zu skipped\n",
      summary.files, static_cast<unsigned long long>(summary.bytes), summary.directories,
      summary.symlinks, summary.links, summary.skipped);
#endif
}
CAIRN_INITCALL(fs, unpack_initrd);

}  // namespace
}  // namespace cairn::initrd
