// A reader for cpio "newc" archives (the initramfs format: `cpio -H newc`), pure logic
// over a byte buffer, so the same code runs in the kernel, in host tests and under a
// fuzzer. The archive is untrusted: every field is checked against the buffer before
// it is used, and a malformed archive ends the walk with EINVAL, never a read outside
// the buffer.
//
//   CpioReader reader(archive);
//   while (auto entry = TRY(reader.next())) { ... entry->name, entry->data ... }
//
// Entries come in archive order. After "TRAILER!!!" zero padding is skipped and a
// following archive is read too (concatenated archives, as the Linux initramfs allows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <cairn/kernel/result.h>

namespace cairn::initrd {

enum class CpioType { kRegular, kDirectory, kSymlink, kOther };

struct CpioEntry {
  std::string_view name;  // as stored, without the terminating NUL; never empty
  std::uint32_t ino, mode, uid, gid, nlink, mtime;
  std::uint32_t devmajor, devminor, rdevmajor, rdevminor;
  std::span<const std::byte> data;  // the file contents, or a symlink's target

  CpioType type() const;
  std::uint32_t permissions() const { return mode & 07777; }  // including setuid/sticky
};

class CpioReader {
 public:
  static constexpr std::size_t kHeaderSize = 110;
  // Longest name accepted, NUL included (Linux PATH_MAX).
  static constexpr std::uint32_t kMaxNameSize = 4096;

  explicit CpioReader(std::span<const std::byte> archive) : archive_(archive) {}

  // The next entry, or nothing at the end of the archive. EINVAL for a malformed archive
  // (bad magic, a field that is not hex, a name or data that does not fit the buffer, a
  // name without its NUL, data missing its trailer); once an error was returned, every
  // later call returns it again. message() says what was wrong; offset() where.
  Result<std::optional<CpioEntry>> next();

  // Where the reader stands (the start of the entry that failed, after an error).
  std::size_t offset() const { return offset_; }
  // Archives read to their trailer so far (concatenated archives count one each).
  std::size_t archives() const { return archives_; }

 private:
  Error fail(const char* why);
  Result<void> read_entry(CpioEntry& entry, bool& trailer);

  std::span<const std::byte> archive_;
  std::size_t offset_ = 0;
  std::size_t archives_ = 0;
  bool in_archive_ = false;  // an entry of the current archive was read, no trailer yet
  Error error_{0, ""};
};

// Turns an archive name into a path relative to the unpacking root: leading "/" and
// "./" are dropped, "." and empty components vanish, and a ".." component anywhere
// rejects the name (EINVAL), so no entry can land outside the root. Writes the result
// into `out` (NUL-terminated) and returns it; an empty result names the root itself.
// ENAMETOOLONG when it does not fit `out` or a component is longer than 255 bytes;
// EINVAL for a NUL inside the name.
Result<std::string_view> sanitize_path(std::string_view name, std::span<char> out);

}  // namespace cairn::initrd
