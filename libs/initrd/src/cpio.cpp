// cpio newc: a 110-byte ASCII header ("070701" or "070702", then thirteen 8-digit hex
// fields), the name with its NUL, padding to a multiple of 4, the data, padding to a
// multiple of 4. Offsets are counted from the start of the archive, which is where
// the Linux kernel and GNU cpio count them from too.
#include <cairn/initrd/cpio.h>

#include <errno.h>

namespace cairn::initrd {
namespace {

constexpr std::string_view kTrailer = "TRAILER!!!";
constexpr std::uint32_t kTypeMask = 0170000;

std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

bool parse_hex8(const std::byte* text, std::uint32_t& value) {
  value = 0;
  for (int i = 0; i < 8; ++i) {
    const char c = static_cast<char>(text[i]);
    std::uint32_t digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    else
      return false;
    value = value << 4 | digit;
  }
  return true;
}

}  // namespace

CpioType CpioEntry::type() const {
  switch (mode & kTypeMask) {
    case 0100000:
      return CpioType::kRegular;
    case 0040000:
      return CpioType::kDirectory;
    case 0120000:
      return CpioType::kSymlink;
    default:
      return CpioType::kOther;
  }
}

Error CpioReader::fail(const char* why) {
  error_ = Error(EINVAL, why);
  return error_;
}

Result<std::optional<CpioEntry>> CpioReader::next() {
  // A loop, not recursion, over trailers: a hostile archive of nothing but trailers must
  // not grow the stack.
  for (;;) {
    if (error_.code() != 0) return error_;
    if (!in_archive_) {
      // Between archives: zero padding may follow a trailer, and the end of the buffer
      // ends the walk (an empty buffer is an empty archive).
      while (offset_ < archive_.size() && archive_[offset_] == std::byte{0}) ++offset_;
      if (offset_ >= archive_.size()) return std::optional<CpioEntry>{};
      if (offset_ & 3) return fail("cpio archive does not start on a 4-byte boundary");
    }
    CpioEntry entry{};
    bool trailer = false;
    TRY(read_entry(entry, trailer));
    if (!trailer) return std::optional<CpioEntry>{entry};
  }
}

Result<void> CpioReader::read_entry(CpioEntry& entry, bool& trailer) {
  const std::size_t size = archive_.size();
  if (size - offset_ < kHeaderSize) {
    if (in_archive_) return fail("cpio archive ends without its TRAILER!!! entry");
    return fail("cpio archive ends inside a header");
  }
  const std::byte* header = archive_.data() + offset_;
  if (header[0] == std::byte{0x1f} && header[1] == std::byte{0x8b})
    return fail("compressed (gzip) cpio archives are not supported");
  const std::string_view magic(reinterpret_cast<const char*>(header), 6);
  if (magic != "070701" && magic != "070702")
    return fail("not a cpio newc header (magic is not 070701 or 070702)");

  std::uint32_t field[13];
  for (int i = 0; i < 13; ++i)
    if (!parse_hex8(header + 6 + 8 * i, field[i]))
      return fail("cpio header field is not 8 hex digits");
  entry.ino = field[0];
  entry.mode = field[1];
  entry.uid = field[2];
  entry.gid = field[3];
  entry.nlink = field[4];
  entry.mtime = field[5];
  const std::uint32_t filesize = field[6];
  entry.devmajor = field[7];
  entry.devminor = field[8];
  entry.rdevmajor = field[9];
  entry.rdevminor = field[10];
  const std::uint32_t namesize = field[11];

  // Every length is checked against what is left of the buffer, by subtraction, so no
  // sum can wrap around.
  const std::size_t name_offset = offset_ + kHeaderSize;
  if (namesize < 2) return fail("cpio entry has an empty name");
  if (namesize > kMaxNameSize) return fail("cpio entry name is longer than 4096 bytes");
  if (namesize > size - name_offset) return fail("cpio entry name runs past the archive end");
  const char* name = reinterpret_cast<const char*>(archive_.data() + name_offset);
  if (name[namesize - 1] != '\0') return fail("cpio entry name is not NUL-terminated");
  entry.name = std::string_view(name, namesize - 1);
  if (entry.name.find('\0') != std::string_view::npos)
    return fail("cpio entry name has a NUL inside");

  const std::size_t data_offset = align4(name_offset + namesize);
  if (data_offset > size || filesize > size - data_offset)
    return fail("cpio entry data runs past the archive end");
  entry.data = archive_.subspan(data_offset, filesize);

  const std::size_t end = data_offset + filesize;
  // The last entry's padding may be missing when the buffer ends unaligned.
  offset_ = align4(end) <= size ? align4(end) : size;
  trailer = entry.name == kTrailer;
  in_archive_ = !trailer;
  if (trailer) ++archives_;
  return {};
}

}  // namespace cairn::initrd
