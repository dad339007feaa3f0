// ramfs: data, sparse and big files, truncation, link counts, rename rules, readdir
// positions while entries change, timestamps, and the page tree itself.
#include <fcntl.h>

#include <set>
#include <string>
#include <vector>

#include "ramfs/page_tree.h"
#include "vfs_test_support.h"

namespace cairn::vfs::testing {
namespace {

using RamfsTest = VfsTest;

Attributes attributes(Vfs& vfs, std::string_view path) {
  auto v = vfs.resolve(nullptr, path, false);
  EXPECT_TRUE(v.ok()) << path;
  return v.ok() ? v.value()->getattr().value() : Attributes{};
}

TEST_F(RamfsTest, SparseFileReadsZerosAndCostsOnlyWrittenPages) {
  RefPtr<OpenFile> f = open("/sparse", O_RDWR | O_CREAT);
  const std::uint64_t far = std::uint64_t{1} << 40;
  ASSERT_EQ(f->pwrite(bytes("tail"), far).value(), 4u);
  Attributes a = attributes(vfs, "/sparse");
  EXPECT_EQ(a.size, far + 4);
  EXPECT_EQ(a.blocks, 8u);  // one 4 KiB page
  std::byte buffer[100];
  std::memset(buffer, 0xff, sizeof buffer);
  ASSERT_EQ(f->pread(buffer, far - 50).value(), 54u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(buffer[i], std::byte{0});
  EXPECT_EQ(std::memcmp(buffer + 50, "tail", 4), 0);
  EXPECT_EQ(error_of(f->pwrite(bytes("x"), std::uint64_t{1} << 50)), EFBIG);
}

TEST_F(RamfsTest, BigFileAcrossPageBoundaries) {
  RefPtr<OpenFile> f = open("/big", O_RDWR | O_CREAT);
  std::vector<unsigned char> data(5 * 1024 * 1024 + 123);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i * 31 + 7);
  std::span<const std::byte> all(reinterpret_cast<const std::byte*>(data.data()), data.size());
  // Odd-sized writes so that they straddle pages.
  for (std::size_t at = 0; at < data.size(); at += 4099)
    ASSERT_TRUE(f->write(all.subspan(at, std::min<std::size_t>(4099, data.size() - at))).ok());
  std::vector<unsigned char> back(data.size());
  ASSERT_EQ(f->pread({reinterpret_cast<std::byte*>(back.data()), back.size()}, 0).value(),
            data.size());
  EXPECT_EQ(back, data);
  EXPECT_EQ(attributes(vfs, "/big").blocks, (data.size() + 4095) / 4096 * 8);
}

TEST_F(RamfsTest, TruncateZeroesTheTail) {
  RefPtr<OpenFile> f = open("/t", O_RDWR | O_CREAT);
  std::string page(8192, 'x');
  ASSERT_TRUE(f->write(bytes(page)).ok());
  ASSERT_TRUE(f->truncate(100).ok());
  EXPECT_EQ(attributes(vfs, "/t").blocks, 8u);
  ASSERT_TRUE(f->truncate(8192).ok());
  std::byte buffer[8192];
  ASSERT_EQ(f->pread(buffer, 0).value(), 8192u);
  EXPECT_EQ(buffer[99], std::byte{'x'});
  EXPECT_EQ(buffer[100], std::byte{0});
  EXPECT_EQ(buffer[5000], std::byte{0});
  ASSERT_TRUE(f->truncate(0).ok());
  EXPECT_EQ(attributes(vfs, "/t").blocks, 0u);
}

TEST_F(RamfsTest, AppendAndOffsets) {
  write_file("/a", "123");
  RefPtr<OpenFile> f = open("/a", O_WRONLY | O_APPEND);
  ASSERT_TRUE(f->seek(0, SEEK_SET).ok());
  ASSERT_TRUE(f->write(bytes("45")).ok());
  EXPECT_EQ(f->seek(0, SEEK_CUR).value(), 5);
  EXPECT_EQ(read_file("/a"), "12345");
  EXPECT_EQ(error_of(f->read({})), EBADF);
  EXPECT_EQ(error_of(f->seek(-6, SEEK_END)), EINVAL);
  EXPECT_EQ(f->seek(10, SEEK_END).value(), 15);
}

TEST_F(RamfsTest, HardLinksAndLinkCounts) {
  write_file("/f", "data");
  ASSERT_TRUE(vfs.link(nullptr, "/f", nullptr, "/g", false).ok());
  EXPECT_EQ(attributes(vfs, "/f").nlink, 2u);
  EXPECT_EQ(attributes(vfs, "/f").ino, attributes(vfs, "/g").ino);
  ASSERT_TRUE(vfs.mkdir(nullptr, "/d", 0755).ok());
  EXPECT_EQ(attributes(vfs, "/d").nlink, 2u);
  ASSERT_TRUE(vfs.mkdir(nullptr, "/d/e", 0755).ok());
  EXPECT_EQ(attributes(vfs, "/d").nlink, 3u);
  EXPECT_EQ(error_of(vfs.link(nullptr, "/d", nullptr, "/d2", false)), EPERM);
  RefPtr<OpenFile> open_file = open("/f", O_RDONLY);
  ASSERT_TRUE(vfs.unlink(nullptr, "/f").ok());
  ASSERT_TRUE(vfs.unlink(nullptr, "/g").ok());
  EXPECT_EQ(open_file->stat().value().nlink, 0u);
  std::byte buffer[4];
  EXPECT_EQ(open_file->read(buffer).value(), 4u);  // still readable while open
  ASSERT_TRUE(vfs.rmdir(nullptr, "/d/e").ok());
  EXPECT_EQ(attributes(vfs, "/d").nlink, 2u);
}

TEST_F(RamfsTest, RenameRules) {
  ASSERT_TRUE(vfs.mkdir(nullptr, "/a", 0755).ok());
  ASSERT_TRUE(vfs.mkdir(nullptr, "/a/b", 0755).ok());
  ASSERT_TRUE(vfs.mkdir(nullptr, "/empty", 0755).ok());
  write_file("/f", "1");
  write_file("/g", "2");
  EXPECT_TRUE(vfs.rename(nullptr, "/f", nullptr, "/g").ok());  // replaces
  EXPECT_EQ(read_file("/g"), "1");
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/f", true)), ENOENT);
  EXPECT_EQ(error_of(vfs.rename(nullptr, "/g", nullptr, "/a")), EISDIR);
  EXPECT_EQ(error_of(vfs.rename(nullptr, "/a", nullptr, "/g")), ENOTDIR);
  EXPECT_EQ(error_of(vfs.rename(nullptr, "/a", nullptr, "/a/b/c")), EINVAL);
  EXPECT_EQ(error_of(vfs.rename(nullptr, "/empty", nullptr, "/a")), ENOTEMPTY);
  EXPECT_EQ(error_of(vfs.rename(nullptr, "/a/.", nullptr, "/x")), EBUSY);
  EXPECT_TRUE(vfs.rename(nullptr, "/a", nullptr, "/empty").ok());  // replaces an empty dir
  EXPECT_TRUE(vfs.resolve(nullptr, "/empty/b", true).ok());
  EXPECT_TRUE(vfs.rename(nullptr, "/empty/b", nullptr, "/b").ok());
  EXPECT_EQ(attributes(vfs, "/empty").nlink, 2u);
  EXPECT_EQ(attributes(vfs, "/").nlink, 4u);  // ., .., empty/.. and b/..
  // ".." of a moved directory follows it.
  ASSERT_TRUE(vfs.chdir(vfs.resolve(nullptr, "/b", true).value()).ok());
  write_file("/marker", "m");
  EXPECT_EQ(read_file("../marker"), "m");
  // Renaming a file onto another name of itself does nothing.
  ASSERT_TRUE(vfs.link(nullptr, "/g", nullptr, "/g2", false).ok());
  EXPECT_TRUE(vfs.rename(nullptr, "/g", nullptr, "/g2").ok());
  EXPECT_EQ(read_file("/g"), "1");
}

// Collects names from readdir into a set.
class Names final : public DirSink {
 public:
  explicit Names(std::size_t room) : room_(room) {}
  bool add(const DirEntry& e) override {
    if (taken == room_) return false;
    names.insert(std::string(e.name));
    ++taken;
    return true;
  }
  std::set<std::string> names;
  std::size_t taken = 0;

 private:
  std::size_t room_;
};

TEST_F(RamfsTest, ReaddirPositionsSurviveChanges) {
  ASSERT_TRUE(vfs.mkdir(nullptr, "/d", 0755).ok());
  for (int i = 0; i < 50; ++i) write_file("/d/f" + std::to_string(i), "");
  RefPtr<OpenFile> dir = open("/d", O_RDONLY);
  std::set<std::string> seen;
  Names first(10);
  ASSERT_TRUE(dir->readdir(first).ok());
  seen.insert(first.names.begin(), first.names.end());
  // Entries removed and added between batches: every untouched entry shows up once.
  ASSERT_TRUE(vfs.unlink(nullptr, "/d/f40").ok());
  write_file("/d/new", "");
  for (;;) {
    Names batch(7);
    ASSERT_TRUE(dir->readdir(batch).ok());
    if (batch.taken == 0) break;
    for (auto& n : batch.names) EXPECT_TRUE(seen.insert(n).second) << n;
  }
  EXPECT_TRUE(seen.count("."));
  EXPECT_TRUE(seen.count(".."));
  EXPECT_TRUE(seen.count("new"));
  EXPECT_FALSE(seen.count("f40"));
  for (int i = 0; i < 50; ++i)
    if (i != 40) {
      EXPECT_TRUE(seen.count("f" + std::to_string(i))) << i;
    }
  // Rewind.
  ASSERT_TRUE(dir->seek(0, SEEK_SET).ok());
  Names again(1000);
  ASSERT_TRUE(dir->readdir(again).ok());
  EXPECT_EQ(again.taken, 52u);
}

TEST_F(RamfsTest, AttributesAndTimes) {
  write_file("/f", "x");
  Attributes before = attributes(vfs, "/f");
  EXPECT_EQ(before.mode, kRegular | 0644);
  AttributeChanges c;
  c.mask = AttributeChanges::kMode | AttributeChanges::kMtime | AttributeChanges::kAtime;
  c.mode = 0600 | kDirectory;  // type bits are ignored
  c.mtime = {1234, 5};
  c.atime = {99, 0};
  ASSERT_TRUE(vfs.setattr(nullptr, "/f", c, true).ok());
  Attributes after = attributes(vfs, "/f");
  EXPECT_EQ(after.mode, kRegular | 0600);
  EXPECT_EQ(after.mtime.sec, 1234);
  EXPECT_EQ(after.mtime.nsec, 5);
  EXPECT_EQ(after.atime.sec, 99);
  EXPECT_GE(after.ctime.sec, before.ctime.sec);
  // Writing moves mtime to now.
  RefPtr<OpenFile> f = open("/f", O_WRONLY);
  ASSERT_TRUE(f->write(bytes("y")).ok());
  EXPECT_GT(attributes(vfs, "/f").mtime.sec, 1000000000);
  c.mask = AttributeChanges::kSize;
  c.size = 10;
  EXPECT_EQ(error_of(vfs.setattr(nullptr, "/", c, true)), EISDIR);
}

TEST_F(RamfsTest, ManyFilesInOneDirectory) {
  ASSERT_TRUE(vfs.mkdir(nullptr, "/many", 0755).ok());
  for (int i = 0; i < 5000; ++i)
    ASSERT_TRUE(vfs.open(nullptr, "/many/" + std::to_string(i), O_CREAT | O_WRONLY, 0644).ok());
  for (int i = 0; i < 5000; i += 7)
    EXPECT_TRUE(vfs.resolve(nullptr, "/many/" + std::to_string(i), true).ok());
  for (int i = 0; i < 5000; ++i)
    ASSERT_TRUE(vfs.unlink(nullptr, "/many/" + std::to_string(i)).ok());
  EXPECT_TRUE(vfs.rmdir(nullptr, "/many").ok());
}

TEST(RamfsPageTree, GrowsShrinksAndFrees) {
  ramfs::PageTree tree;
  EXPECT_EQ(tree.find(0), nullptr);
  ASSERT_TRUE(tree.get_or_allocate(3).ok());
  ASSERT_TRUE(tree.get_or_allocate(600).ok());         // second level
  ASSERT_TRUE(tree.get_or_allocate(300000).ok());      // third level
  ASSERT_TRUE(tree.get_or_allocate(1ull << 30).ok());  // fourth level
  EXPECT_EQ(tree.page_count(), 4u);
  EXPECT_NE(tree.find(600), nullptr);
  EXPECT_EQ(tree.find(601), nullptr);
  tree.free_from(601);
  EXPECT_EQ(tree.page_count(), 2u);
  EXPECT_NE(tree.find(600), nullptr);
  EXPECT_EQ(tree.find(300000), nullptr);
  tree.free_from(0);
  EXPECT_EQ(tree.page_count(), 0u);
  ASSERT_TRUE(tree.get_or_allocate(5).ok());
  EXPECT_EQ(error_of(tree.get_or_allocate(ramfs::PageTree::kMaxPages)), EFBIG);
}

}  // namespace
}  // namespace cairn::vfs::testing
