// Shared by the built-in device files: a base that answers fstat() with the node's
// type and device number, and the registration of null, zero and full.
#pragma once

#include <cstdint>

#include <cairn/kernel/result.h>
#include <cairn/vfs/open_file.h>

namespace cairn::vfs::devfs {

class DeviceFile : public OpenFile {
 public:
  DeviceFile(int flags, std::uint32_t mode, std::uint64_t rdev);
  Result<Attributes> stat() override;

 protected:
  ~DeviceFile() override = default;

 private:
  std::uint32_t mode_;
  std::uint64_t rdev_;
};

// /dev/null, /dev/zero, /dev/full (EEXIST when already added).
Result<void> add_basic_devices();

}  // namespace cairn::vfs::devfs
