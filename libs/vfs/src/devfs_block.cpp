// /dev/vda, /dev/vdb, ...: every disk in cairn/block's registry becomes a devfs node at
// the `fs` initcall level (drivers have added their disks at the `driver` level). The
// open file reads and writes at any byte offset and length, straight to the device:
// cairn/block/io.h reads, patches and writes back the sectors a range covers only in
// part. There is no page cache, so every read and write reaches the disk (like
// O_DIRECT without its alignment rules) and fsync() only has the device's own write
// cache to flush. Linked only when CONFIG_BLOCK is set.
#include <fcntl.h>
#include <linux/fs.h>
#include <unistd.h>
#include <cerrno>

#include <cairn/block/io.h>
#include <cairn/block/registry.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/vfs/devfs.h>
#include <cairn/vfs/lock.h>
#include <cairn/vfs/open_file.h>

namespace cairn::vfs {
namespace {

// Linux gives virtio-blk a dynamic major (254 on most systems) and 16 minors per disk
// (the whole disk and its partitions); /dev/vdb is then 254:16.
constexpr std::uint32_t kMajor = 254;
constexpr std::uint32_t kMinorsPerDisk = 16;

class BlockFile final : public OpenFile {
 public:
  BlockFile(block::BlockDevice& disk, int flags, std::uint64_t rdev)
      : OpenFile(flags), disk_(disk), rdev_(rdev) {}

  Result<std::size_t> read(std::span<std::byte> buffer) override {
    if (!readable()) return Error(EBADF, "file not open for reading");
    MutexLocker lock(position_lock_);
    std::size_t n = TRY(read_at(offset_, buffer));
    offset_ += n;
    return n;
  }

  Result<std::size_t> write(std::span<const std::byte> data) override {
    if (!writable()) return Error(EBADF, "file not open for writing");
    MutexLocker lock(position_lock_);
    // O_APPEND on a disk means writing at its end, which is full (as on Linux).
    if (status_flags() & O_APPEND) offset_ = size();
    std::size_t n = TRY(write_at(offset_, data));
    offset_ += n;
    return n;
  }

  Result<std::size_t> pread(std::span<std::byte> buffer, std::uint64_t offset) override {
    if (!readable()) return Error(EBADF, "file not open for reading");
    return read_at(offset, buffer);
  }

  Result<std::size_t> pwrite(std::span<const std::byte> data, std::uint64_t offset) override {
    if (!writable()) return Error(EBADF, "file not open for writing");
    return write_at(offset, data);
  }

  // Linux's fixed_size_llseek(): the result must lie within [0, size].
  Result<std::int64_t> seek(std::int64_t offset, int whence) override {
    MutexLocker lock(position_lock_);
    std::int64_t base = 0;
    switch (whence) {
      case SEEK_SET:
        break;
      case SEEK_CUR:
        base = static_cast<std::int64_t>(offset_);
        break;
      case SEEK_END:
        base = static_cast<std::int64_t>(size());
        break;
      default:
        return Error(EINVAL, "bad whence");
    }
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0 ||
        static_cast<std::uint64_t>(base + offset) > size())
      return Error(EINVAL, "offset outside the disk");
    offset_ = static_cast<std::uint64_t>(base + offset);
    return static_cast<std::int64_t>(offset_);
  }

  Result<int> ioctl(unsigned long request, void* argument) override {
    const block::Geometry& g = disk_.geometry();
    if (request == BLKFLSBUF) {
      TRY(block::flush(disk_));
      return 0;
    }
    if (!argument) return Error(EFAULT, "null ioctl argument");
    switch (request) {
      case BLKGETSIZE64:
        *static_cast<std::uint64_t*>(argument) = size();
        return 0;
      case BLKGETSIZE:
        *static_cast<unsigned long*>(argument) = size() / 512;
        return 0;
      case BLKSSZGET:
        *static_cast<int*>(argument) = static_cast<int>(g.sector_size);
        return 0;
      case BLKPBSZGET:
        *static_cast<unsigned*>(argument) = g.sector_size;
        return 0;
      case BLKROGET:
        *static_cast<int*>(argument) = g.read_only ? 1 : 0;
        return 0;
      default:
        return Error(ENOTTY, "inappropriate ioctl for a block device");
    }
  }

  // st_size is the capacity (Linux reports 0 here; BLKGETSIZE64 is the portable way),
  // st_blksize the sector size.
  Result<Attributes> stat() override {
    Attributes a;
    a.mode = kBlockDevice | 0660;
    a.rdev = rdev_;
    a.size = size();
    a.block_size = disk_.geometry().sector_size;
    return a;
  }

  // fsync and fdatasync alike: every write has reached the device already, so only
  // its write cache is left to flush (a no-op for a write-through disk).
  Result<void> sync(bool) override { return block::flush(disk_); }

 private:
  std::uint64_t size() const { return disk_.geometry().bytes(); }

  // Short at the end of the disk, 0 beyond it (end of file).
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> buffer) {
    if (offset >= size() || buffer.empty()) return std::size_t{0};
    std::size_t n = buffer.size();
    if (n > size() - offset) n = size() - offset;
    TRY(block::read_at(disk_, offset, buffer.first(n)));
    return n;
  }

  // Short at the end of the disk, ENOSPC beyond it (Linux's blkdev_write_iter).
  Result<std::size_t> write_at(std::uint64_t offset, std::span<const std::byte> data) {
    if (data.empty()) return std::size_t{0};
    if (offset >= size()) return Error(ENOSPC, "no space left on device");
    std::size_t n = data.size();
    if (n > size() - offset) n = size() - offset;
    TRY(block::write_at(disk_, offset, data.first(n)));
    return n;
  }

  block::BlockDevice& disk_;
  std::uint64_t rdev_;
  // Held across a read or write through the file offset (as VnodeFile does), so that
  // threads sharing the descriptor see whole operations.
  Mutex position_lock_;
  std::uint64_t offset_ = 0;
};

std::uint64_t device_number(const block::BlockDevice& disk) {
  std::span<block::BlockDevice* const> disks = block::devices();
  std::uint32_t index = 0;
  while (index < disks.size() && disks[index] != &disk) ++index;
  return devfs::make_dev(kMajor, index * kMinorsPerDisk);
}

// A read-only disk opens for reading only: asking for write access is EROFS at open()
// (as for a file on a read-only filesystem), so writes through a read-only descriptor
// are EBADF.
Result<RefPtr<OpenFile>> open_disk(void* context, int flags) {
  auto& disk = *static_cast<block::BlockDevice*>(context);
  if ((flags & O_ACCMODE) != O_RDONLY && disk.geometry().read_only)
    return Error(EROFS, "read-only disk");
  RefPtr<BlockFile> file = TRY(make_ref<BlockFile>(disk, flags, device_number(disk)));
  return RefPtr<OpenFile>(file);
}

void add_disk_nodes() {
  for (block::BlockDevice* disk : block::devices()) {
    auto added =
        devfs::add_device(disk->name(), kBlockDevice | 0660, device_number(*disk), open_disk, disk);
    if (!added) kwarn("vfs: /dev/%s: %s", disk->name(), added.error().message());
  }
}
CAIRN_INITCALL(fs, add_disk_nodes);

}  // namespace
}  // namespace cairn::vfs
