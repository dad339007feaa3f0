// Plain data shared by the VFS, filesystems and the POSIX layer: file attributes,
// attribute changes, directory entries. Modes use the POSIX/Linux bit layout (the
// S_IF* type in the top bits, permissions below), which is also 9P2000.L's; errors are
// the errno values of the build's <errno.h> (newlib's in an image: a filesystem that
// receives Linux errno numbers from elsewhere, like 9P's Rlerror, must translate them).
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::vfs {

// File types: the S_IFMT bits of a mode (identical in newlib, glibc and 9P2000.L).
inline constexpr std::uint32_t kTypeMask = 0170000;
inline constexpr std::uint32_t kSocket = 0140000;
inline constexpr std::uint32_t kSymlink = 0120000;
inline constexpr std::uint32_t kRegular = 0100000;
inline constexpr std::uint32_t kBlockDevice = 0060000;
inline constexpr std::uint32_t kDirectory = 0040000;
inline constexpr std::uint32_t kCharDevice = 0020000;
inline constexpr std::uint32_t kFifo = 0010000;
inline constexpr std::uint32_t kPermissionMask = 07777;

// The d_type of a directory entry (DT_REG, DT_DIR, ...) for a mode's type bits.
constexpr std::uint8_t dirent_type(std::uint32_t mode) { return (mode & kTypeMask) >> 12; }

inline constexpr std::size_t kNameMax = 255;   // NAME_MAX: one path component
inline constexpr std::size_t kPathMax = 4096;  // PATH_MAX: a whole path, with its NUL
inline constexpr int kSymlinkMax = 40;         // symlinks followed in one resolution (ELOOP)

struct Timestamp {
  std::int64_t sec = 0;
  std::int64_t nsec = 0;
};

// What stat() reports. A filesystem fills every field it knows; st_dev comes from the
// mount, not from here.
struct Attributes {
  std::uint64_t ino = 0;
  std::uint32_t mode = 0;  // type | permissions
  std::uint32_t nlink = 1;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;
  std::uint64_t blocks = 0;         // 512-byte units actually allocated
  std::uint32_t block_size = 4096;  // preferred I/O size (st_blksize)
  std::uint64_t rdev = 0;           // device number of a device node
  Timestamp atime, mtime, ctime;
};

// A setattr() request: only the fields named in `mask` change (the 9P2000.L Tsetattr
// model). Changing anything also sets ctime to now.
struct AttributeChanges {
  static constexpr unsigned kMode = 1u << 0;  // permission bits (type bits ignored)
  static constexpr unsigned kUid = 1u << 1;
  static constexpr unsigned kGid = 1u << 2;
  static constexpr unsigned kSize = 1u << 3;      // truncate or extend (holes)
  static constexpr unsigned kAtime = 1u << 4;     // to `atime`
  static constexpr unsigned kMtime = 1u << 5;     // to `mtime`
  static constexpr unsigned kAtimeNow = 1u << 6;  // to the current time
  static constexpr unsigned kMtimeNow = 1u << 7;
  unsigned mask = 0;
  std::uint32_t mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;
  Timestamp atime, mtime;
};

struct FilesystemStats {
  std::uint64_t block_size = 4096;
  std::uint64_t blocks = 0;
  std::uint64_t blocks_free = 0;
  std::uint64_t files = 0;
  std::uint64_t files_free = 0;
  std::uint32_t name_max = kNameMax;
};

// One directory entry handed out by Vnode::readdir(). `next_cookie` is what to pass to
// readdir() to continue after this entry (an opaque, stable position: a 9P offset, a
// ramfs sequence number).
struct DirEntry {
  std::string_view name;
  std::uint64_t ino = 0;
  std::uint32_t type = 0;  // kRegular, kDirectory, ... or 0 when unknown
  std::uint64_t next_cookie = 0;
};

// Receives entries; returns false when it has no room (the entry was not taken, and
// readdir() must stop and leave the cookie before it).
class DirSink {
 public:
  virtual bool add(const DirEntry& entry) = 0;

 protected:
  ~DirSink() = default;
};

// poll() events (the Linux values, which <poll.h> and epoll use too).
inline constexpr std::uint32_t kPollIn = 0x001;
inline constexpr std::uint32_t kPollPri = 0x002;
inline constexpr std::uint32_t kPollOut = 0x004;
inline constexpr std::uint32_t kPollErr = 0x008;
inline constexpr std::uint32_t kPollHup = 0x010;
inline constexpr std::uint32_t kPollNval = 0x020;
inline constexpr std::uint32_t kPollRdHup = 0x2000;

// ioctl requests the VFS's own files understand (Linux numbers; <sys/ioctl.h> has them).
inline constexpr unsigned long kIoctlTcgets = 0x5401;
inline constexpr unsigned long kIoctlTiocgwinsz = 0x5413;
inline constexpr unsigned long kIoctlTiocswinsz = 0x5414;
inline constexpr unsigned long kIoctlFionread = 0x541B;
inline constexpr unsigned long kIoctlFionbio = 0x5421;
inline constexpr unsigned long kIoctlFionclex = 0x5450;
inline constexpr unsigned long kIoctlFioclex = 0x5451;

}  // namespace cairn::vfs
