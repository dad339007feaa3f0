// The cpio newc reader and path sanitising: well-formed archives (files, directories,
// symlinks, hard-link fields, concatenated archives), and hostile ones: every field
// that could point outside the buffer, missing NULs and trailers, and names that try
// to leave the unpacking root.
#include <errno.h>

#include <cstdio>
#include <string>
#include <vector>

#include <cairn/initrd/cpio.h>
#include <gtest/gtest.h>

namespace cairn::initrd {
namespace {

struct Fields {
  std::uint32_t ino = 1, mode = 0100644, uid = 0, gid = 0, nlink = 1, mtime = 0;
  std::uint32_t devmajor = 0, devminor = 0;
  std::int64_t filesize = -1;  // -1: the data's size
  std::int64_t namesize = -1;  // -1: the name's size with its NUL
};

// Appends one newc entry, padded as cpio pads it.
void add(std::string& archive, const std::string& name, const std::string& data, Fields f = {},
         const char* magic = "070701") {
  char header[111];
  const auto filesize = f.filesize < 0 ? data.size() : std::size_t(f.filesize);
  const auto namesize = f.namesize < 0 ? name.size() + 1 : std::size_t(f.namesize);
  std::snprintf(header, sizeof header, "%s%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
                magic, f.ino, f.mode, f.uid, f.gid, f.nlink, f.mtime, filesize, f.devmajor,
                f.devminor, 0u, 0u, namesize, 0u);
  archive.append(header, 110);
  archive.append(name);
  archive.push_back('\0');
  while (archive.size() % 4) archive.push_back('\0');
  archive.append(data);
  while (archive.size() % 4) archive.push_back('\0');
}

void trailer(std::string& archive) { add(archive, "TRAILER!!!", "", Fields{.mode = 0}); }

std::span<const std::byte> bytes(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::string text(std::span<const std::byte> data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

// Every entry until the end or an error; `error` gets the errno (0 at a clean end).
std::vector<CpioEntry> read_all(const std::string& archive, int* error = nullptr) {
  CpioReader reader(bytes(archive));
  std::vector<CpioEntry> entries;
  for (;;) {
    auto next = reader.next();
    if (!next.ok()) {
      if (error) *error = next.error().code();
      return entries;
    }
    if (!next.value()) break;
    entries.push_back(*next.value());
  }
  if (error) *error = 0;
  return entries;
}

TEST(CpioTest, ReadsFilesDirectoriesAndSymlinks) {
  std::string a;
  add(a, ".", "", {.ino = 1, .mode = 040755});
  add(a, "etc", "", {.ino = 2, .mode = 040700, .mtime = 1234});
  add(a, "etc/motd", "hello\n", {.ino = 3, .mode = 0100640, .uid = 7, .gid = 8});
  add(a, "lib", "etc", {.ino = 4, .mode = 0120777});
  add(a, "dev/null", "", {.ino = 5, .mode = 020666});
  trailer(a);
  int error = -1;
  auto entries = read_all(a, &error);
  EXPECT_EQ(error, 0);
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0].name, ".");
  EXPECT_EQ(entries[0].type(), CpioType::kDirectory);
  EXPECT_EQ(entries[1].permissions(), 0700u);
  EXPECT_EQ(entries[1].mtime, 1234u);
  EXPECT_EQ(entries[2].name, "etc/motd");
  EXPECT_EQ(entries[2].type(), CpioType::kRegular);
  EXPECT_EQ(text(entries[2].data), "hello\n");
  EXPECT_EQ(entries[2].uid, 7u);
  EXPECT_EQ(entries[2].gid, 8u);
  EXPECT_EQ(entries[3].type(), CpioType::kSymlink);
  EXPECT_EQ(text(entries[3].data), "etc");
  EXPECT_EQ(entries[4].type(), CpioType::kOther);
}

TEST(CpioTest, KeepsSetuidAndStickyBits) {
  std::string a;
  add(a, "tmp", "", {.mode = 041777});
  add(a, "su", "x", {.mode = 0104755});
  trailer(a);
  auto entries = read_all(a);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].permissions(), 01777u);
  EXPECT_EQ(entries[1].permissions(), 04755u);
}

TEST(CpioTest, HardLinkFieldsArePassedOn) {
  std::string a;
  add(a, "a", "", {.ino = 9, .nlink = 2, .devmajor = 3, .devminor = 4});
  add(a, "b", "data", {.ino = 9, .nlink = 2, .devmajor = 3, .devminor = 4});
  trailer(a);
  auto entries = read_all(a);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].ino, 9u);
  EXPECT_EQ(entries[1].nlink, 2u);
  EXPECT_EQ(entries[1].devmajor, 3u);
  EXPECT_EQ(entries[1].devminor, 4u);
  EXPECT_TRUE(entries[0].data.empty());
}

TEST(CpioTest, EmptyBufferIsAnEmptyArchive) {
  int error = -1;
  EXPECT_TRUE(read_all("", &error).empty());
  EXPECT_EQ(error, 0);
}

TEST(CpioTest, AcceptsTheCrcMagicAndUpperAndLowerCaseHex) {
  std::string a;
  add(a, "f", "x", {}, "070702");
  trailer(a);
  a[6 + 8] = 'a';  // ino field: "0000000a" style digits in lower case
  int error = -1;
  EXPECT_EQ(read_all(a, &error).size(), 1u);
  EXPECT_EQ(error, 0);
}

TEST(CpioTest, ZeroPaddingAfterTheTrailerAndConcatenatedArchives) {
  std::string a;
  add(a, "first", "1");
  trailer(a);
  a.append(512, '\0');
  add(a, "second", "22");
  trailer(a);
  a.append(3, '\0');
  CpioReader reader(bytes(a));
  int error = -1;
  auto entries = read_all(a, &error);
  EXPECT_EQ(error, 0);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].name, "second");
  EXPECT_EQ(text(entries[1].data), "22");
}

TEST(CpioTest, ArchivesCountTheirTrailers) {
  std::string a;
  trailer(a);
  trailer(a);
  CpioReader reader(bytes(a));
  auto next = reader.next();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next.value());
  EXPECT_EQ(reader.archives(), 2u);
}

TEST(CpioTest, ManyTrailersInARowDoNotGrowTheStack) {
  std::string a;
  for (int i = 0; i < 100000; ++i) trailer(a);
  int error = -1;
  EXPECT_TRUE(read_all(a, &error).empty());
  EXPECT_EQ(error, 0);
}

// --- Hostile archives ------------------------------------------------------------------

int error_of(const std::string& archive) {
  int error = 0;
  read_all(archive, &error);
  return error;
}

TEST(CpioMalformedTest, MissingTrailer) {
  std::string a;
  add(a, "f", "x");
  EXPECT_EQ(error_of(a), EINVAL);
}

TEST(CpioMalformedTest, TruncatedHeader) {
  std::string a;
  add(a, "f", "x");
  trailer(a);
  EXPECT_EQ(error_of(a.substr(0, 50)), EINVAL);
  EXPECT_EQ(error_of(a.substr(0, 109)), EINVAL);
}

TEST(CpioMalformedTest, BadMagic) {
  std::string a;
  add(a, "f", "x", {}, "070707");  // the old binary-compatible ASCII format
  trailer(a);
  EXPECT_EQ(error_of(a), EINVAL);
}

TEST(CpioMalformedTest, GzipIsRecognisedAndRefused) {
  std::string a = "\x1f\x8b\x08";
  a.append(200, 'x');
  CpioReader reader(bytes(a));
  auto next = reader.next();
  ASSERT_FALSE(next.ok());
  EXPECT_NE(std::string(next.error().message()).find("gzip"), std::string::npos);
}

TEST(CpioMalformedTest, NonHexField) {
  std::string a;
  add(a, "f", "x");
  trailer(a);
  a[6 + 8 * 6 + 3] = 'g';  // filesize
  EXPECT_EQ(error_of(a), EINVAL);
  a[6 + 8 * 6 + 3] = ' ';
  EXPECT_EQ(error_of(a), EINVAL);
}

TEST(CpioMalformedTest, NameSizeZeroOrOne) {
  for (std::int64_t namesize : {0, 1}) {
    std::string a;
    add(a, "", "", {.namesize = namesize});
    trailer(a);
    EXPECT_EQ(error_of(a), EINVAL) << namesize;
  }
}

TEST(CpioMalformedTest, NameRunsPastTheEnd) {
  std::string a;
  add(a, "f", "", {.namesize = 0x7fffffff});
  EXPECT_EQ(error_of(a), EINVAL);
  std::string b;
  add(b, "f", "", {.namesize = 0xffffffff});
  EXPECT_EQ(error_of(b), EINVAL);
}

TEST(CpioMalformedTest, NameWithoutItsNul) {
  std::string a;
  add(a, "abc", "", {.namesize = 3});  // "ab" + 'c' where the NUL should be
  trailer(a);
  EXPECT_EQ(error_of(a), EINVAL);
}

TEST(CpioMalformedTest, NameWithANulInside) {
  std::string a;
  add(a, std::string("a\0b", 3), "");
  trailer(a);
  EXPECT_EQ(error_of(a), EINVAL);
}

TEST(CpioMalformedTest, DataRunsPastTheEnd) {
  for (std::int64_t filesize :
       {std::int64_t{100}, std::int64_t{0x7fffffff}, std::int64_t{0xffffffff}}) {
    std::string a;
    add(a, "f", "x", {.filesize = filesize});
    EXPECT_EQ(error_of(a), EINVAL) << filesize;
  }
}

TEST(CpioMalformedTest, NextArchiveOffTheFourByteGrid) {
  std::string a;
  trailer(a);
  a.append(2, '\0');
  add(a, "f", "x");  // starts 2 bytes after a 4-byte boundary
  EXPECT_EQ(error_of(a), EINVAL);
}

TEST(CpioMalformedTest, ErrorsAreSticky) {
  std::string a;
  add(a, "ok", "x");
  a.append(
      "garbage that is not a header at all, but long enough to be read as one....."
      "..................................................");
  CpioReader reader(bytes(a));
  ASSERT_TRUE(reader.next().ok());
  const std::size_t where = reader.offset();
  EXPECT_FALSE(reader.next().ok());
  EXPECT_FALSE(reader.next().ok());
  EXPECT_EQ(reader.offset(), where);
}

// --- Names -----------------------------------------------------------------------------

std::string clean(std::string_view name, int* error = nullptr) {
  char out[64];
  auto result = sanitize_path(name, out);
  if (error) *error = result.ok() ? 0 : result.error().code();
  return result.ok() ? std::string(result.value()) : "<error>";
}

TEST(CpioPathTest, RelativeNamesStayAsTheyAre) {
  EXPECT_EQ(clean("etc/motd"), "etc/motd");
  EXPECT_EQ(clean("a"), "a");
  EXPECT_EQ(clean("..."), "...");
  EXPECT_EQ(clean("..a/b.."), "..a/b..");
}

TEST(CpioPathTest, LeadingSlashesDotsAndEmptyComponentsVanish) {
  EXPECT_EQ(clean("./etc/motd"), "etc/motd");
  EXPECT_EQ(clean("/etc/passwd"), "etc/passwd");
  EXPECT_EQ(clean("//a//b/./c/"), "a/b/c");
  EXPECT_EQ(clean("."), "");
  EXPECT_EQ(clean("/"), "");
  EXPECT_EQ(clean("./"), "");
}

TEST(CpioPathTest, DotDotIsRefusedAnywhere) {
  for (const char* name : {"..", "../etc", "a/../../etc", "a/..", "/../x", "./.."}) {
    int error = 0;
    EXPECT_EQ(clean(name, &error), "<error>") << name;
    EXPECT_EQ(error, EINVAL) << name;
  }
}

TEST(CpioPathTest, LongComponentsAndPathsAreRefused) {
  int error = 0;
  char out[4096];
  const std::string long_component(256, 'x');
  auto r = sanitize_path(long_component, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ENAMETOOLONG);
  EXPECT_TRUE(sanitize_path(std::string(255, 'x'), out).ok());
  EXPECT_EQ(clean(std::string(63, 'y'), &error), std::string(63, 'y'));  // 63 + NUL fits 64
  EXPECT_EQ(clean(std::string(64, 'y'), &error), "<error>");
  EXPECT_EQ(error, ENAMETOOLONG);
  EXPECT_EQ(clean("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", &error),
            "<error>");
}

TEST(CpioPathTest, NulInsideIsRefused) {
  int error = 0;
  EXPECT_EQ(clean(std::string_view("a\0b", 3), &error), "<error>");
  EXPECT_EQ(error, EINVAL);
}

}  // namespace
}  // namespace cairn::initrd
