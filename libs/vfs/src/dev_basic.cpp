// /dev/null, /dev/zero, /dev/full: the devices that need nothing from the machine.
#include "dev_basic.h"

#include <cerrno>
#include <cstring>

#include <cairn/vfs/devfs.h>

namespace cairn::vfs::devfs {

DeviceFile::DeviceFile(int flags, std::uint32_t mode, std::uint64_t rdev)
    : OpenFile(flags), mode_(mode), rdev_(rdev) {}

Result<Attributes> DeviceFile::stat() {
  Attributes a;
  a.mode = mode_;
  a.rdev = rdev_;
  a.block_size = 4096;
  return a;
}

namespace {

enum class Kind { kNull, kZero, kFull };

class SimpleDevice final : public DeviceFile {
 public:
  SimpleDevice(int flags, Kind kind, std::uint64_t rdev)
      : DeviceFile(flags, kCharDevice | 0666, rdev), kind_(kind) {}
  Result<std::size_t> read(std::span<std::byte> buffer) override {
    if (kind_ == Kind::kNull) return std::size_t{0};
    std::memset(buffer.data(), 0, buffer.size());
    return buffer.size();
  }
  Result<std::size_t> write(std::span<const std::byte> data) override {
    if (kind_ == Kind::kFull) return Error(ENOSPC, "no space left on device");
    return data.size();
  }
  Result<std::size_t> pread(std::span<std::byte> buffer, std::uint64_t) override {
    return read(buffer);
  }
  Result<std::size_t> pwrite(std::span<const std::byte> data, std::uint64_t) override {
    return write(data);
  }
  // Seeking a character device like these succeeds and means nothing (Linux: 0).
  Result<std::int64_t> seek(std::int64_t, int) override { return std::int64_t{0}; }

 private:
  Kind kind_;
};

template <Kind kind, std::uint32_t minor>
Result<RefPtr<OpenFile>> open_simple(void*, int flags) {
  RefPtr<SimpleDevice> file = TRY(make_ref<SimpleDevice>(flags, kind, make_dev(1, minor)));
  return RefPtr<OpenFile>(file);
}

}  // namespace

Result<void> add_basic_devices() {
  TRY(add_device("null", kCharDevice | 0666, make_dev(1, 3), open_simple<Kind::kNull, 3>, nullptr));
  TRY(add_device("zero", kCharDevice | 0666, make_dev(1, 5), open_simple<Kind::kZero, 5>, nullptr));
  TRY(add_device("full", kCharDevice | 0666, make_dev(1, 7), open_simple<Kind::kFull, 7>, nullptr));
  return {};
}

}  // namespace cairn::vfs::devfs
