// The table of filesystem types (filled by CAIRN_FILESYSTEM) and mount options.
#include <cairn/vfs/filesystem.h>

#include "string_view_util.h"

// Weak: an image without any filesystem type has no such section.
extern "C" [[gnu::weak]] const cairn::vfs::FilesystemType __start_cairn_filesystems[];
extern "C" [[gnu::weak]] const cairn::vfs::FilesystemType __stop_cairn_filesystems[];

namespace cairn::vfs {

const FilesystemType* find_filesystem_type(std::string_view name) {
  for (const FilesystemType* t = __start_cairn_filesystems; t != __stop_cairn_filesystems; ++t)
    if (name == t->name) return t;
  return nullptr;
}

bool find_mount_option(std::string_view options, std::string_view option, std::string_view* value) {
  while (!options.empty()) {
    std::size_t comma = options.find(',');
    std::string_view item = prefix(options, comma);
    options = suffix(options, comma == std::string_view::npos ? comma : comma + 1);
    std::size_t equals = item.find('=');
    if (prefix(item, equals) != option) continue;
    if (value) *value = suffix(item, equals == std::string_view::npos ? equals : equals + 1);
    return true;
  }
  return false;
}

}  // namespace cairn::vfs
