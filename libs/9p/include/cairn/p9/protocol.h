// 9P2000.L on the wire: message types, the fixed-size records, and the Linux constants
// the protocol carries (open flags, errno values, mode bits). Integers are little-endian;
// a string is len[2] then its bytes, without a NUL; a qid is type[1] version[4] path[8].
// Every message starts with size[4] type[1] tag[2], `size` counting the whole message.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::p9 {

enum class Type : std::uint8_t {
  kRlerror = 7,
  kTstatfs = 8,
  kRstatfs = 9,
  kTlopen = 12,
  kRlopen = 13,
  kTlcreate = 14,
  kRlcreate = 15,
  kTsymlink = 16,
  kRsymlink = 17,
  kTreadlink = 22,
  kRreadlink = 23,
  kTgetattr = 24,
  kRgetattr = 25,
  kTsetattr = 26,
  kRsetattr = 27,
  kTreaddir = 40,
  kRreaddir = 41,
  kTfsync = 50,
  kRfsync = 51,
  kTlink = 70,
  kRlink = 71,
  kTmkdir = 72,
  kRmkdir = 73,
  kTrenameat = 74,
  kRrenameat = 75,
  kTunlinkat = 76,
  kRunlinkat = 77,
  kTversion = 100,
  kRversion = 101,
  kTattach = 104,
  kRattach = 105,
  kTwalk = 110,
  kRwalk = 111,
  kTread = 116,
  kRread = 117,
  kTwrite = 118,
  kRwrite = 119,
  kTclunk = 120,
  kRclunk = 121,
  kTremove = 122,
  kRremove = 123,
};

inline constexpr std::string_view kVersion = "9P2000.L";
inline constexpr std::uint16_t kNoTag = 0xffff;  // Tversion's tag
inline constexpr std::uint32_t kNoFid = 0xffffffff;
inline constexpr std::uint32_t kNoUid = 0xffffffff;  // Tattach n_uname: "use uname"
inline constexpr std::size_t kHeaderSize = 7;        // size[4] type[1] tag[2]
inline constexpr std::uint16_t kMaxWalkNames = 16;   // per Twalk, and qids per Rwalk
// Rread/Rwrite/Twrite overhead before the data: header + fid/offset/count at most.
inline constexpr std::size_t kReadHeaderSize = kHeaderSize + 4;           // Rread
inline constexpr std::size_t kWriteHeaderSize = kHeaderSize + 4 + 8 + 4;  // Twrite
// Bytes of a message that are not I/O payload (Linux's P9_IOHDRSZ).
inline constexpr std::size_t kIoOverhead = 24;

struct Qid {
  std::uint8_t type;  // kQidDir, kQidSymlink, ... (the high bits of the mode)
  std::uint32_t version;
  std::uint64_t path;  // unique per file on the server: the inode number
};
inline constexpr std::size_t kQidSize = 13;
inline constexpr std::uint8_t kQidDir = 0x80;
inline constexpr std::uint8_t kQidSymlink = 0x02;

// Tgetattr request mask / Rgetattr valid bits.
inline constexpr std::uint64_t kGetattrBasic = 0x7ff;  // mode..blocks and the three times
inline constexpr std::uint64_t kGetattrAll = 0x3fff;

struct Attr {  // Rgetattr
  std::uint64_t valid;
  Qid qid;
  std::uint32_t mode, uid, gid;
  std::uint64_t nlink, rdev, size, blksize, blocks;
  std::uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
  std::uint64_t btime_sec, btime_nsec, gen, data_version;
};

// Tsetattr `valid` bits.
inline constexpr std::uint32_t kSetattrMode = 0x1;
inline constexpr std::uint32_t kSetattrUid = 0x2;
inline constexpr std::uint32_t kSetattrGid = 0x4;
inline constexpr std::uint32_t kSetattrSize = 0x8;
inline constexpr std::uint32_t kSetattrAtime = 0x10;  // to the server's "now" ...
inline constexpr std::uint32_t kSetattrMtime = 0x20;  // ... unless *_SET is given too
inline constexpr std::uint32_t kSetattrCtime = 0x40;
inline constexpr std::uint32_t kSetattrAtimeSet = 0x80;  // to atime_sec/atime_nsec
inline constexpr std::uint32_t kSetattrMtimeSet = 0x100;

struct SetAttr {  // Tsetattr
  std::uint32_t valid;
  std::uint32_t mode, uid, gid;
  std::uint64_t size;
  std::uint64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

struct StatFs {  // Rstatfs
  std::uint32_t type, bsize;
  std::uint64_t blocks, bfree, bavail, files, ffree, fsid;
  std::uint32_t namelen;
};

struct Dirent {  // one entry of Rreaddir's data
  Qid qid;
  std::uint64_t offset;  // where the next Treaddir continues after this entry
  std::uint8_t type;     // DT_* (Linux values: kDtDir, kDtReg, kDtLnk, ...)
  std::string_view name;
};
inline constexpr std::uint8_t kDtDir = 4, kDtReg = 8, kDtLnk = 10;

// Linux open flags (Tlopen, Tlcreate): the wire carries Linux's values whatever the
// client's C library uses.
namespace linux_flags {
inline constexpr std::uint32_t kRdonly = 0, kWronly = 1, kRdwr = 2;
inline constexpr std::uint32_t kCreat = 0100, kExcl = 0200, kTrunc = 01000, kAppend = 02000;
inline constexpr std::uint32_t kNonblock = 04000, kDirectory = 0200000, kNofollow = 0400000;
inline constexpr std::uint32_t kSync = 04010000, kCloexec = 02000000;
}  // namespace linux_flags
inline constexpr std::uint32_t kAtRemovedir = 0x200;  // Tunlinkat flags (Linux AT_REMOVEDIR)

// File type bits of a mode (Linux's, which are also newlib's).
inline constexpr std::uint32_t kModeTypeMask = 0170000;
inline constexpr std::uint32_t kModeDir = 0040000, kModeReg = 0100000, kModeLink = 0120000;

// A Linux errno value (Rlerror) as this system's errno; EIO for unknown ones.
int errno_from_linux(std::uint32_t linux_errno);

}  // namespace cairn::p9
