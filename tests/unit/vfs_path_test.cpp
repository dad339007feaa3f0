// Path resolution: absolute and relative paths, ".", "..", symlinks and their limits,
// trailing slashes, name and path lengths, mount points.
#include <fcntl.h>

#include <string>

#include "vfs_test_support.h"

namespace cairn::vfs::testing {
namespace {

using VfsPath = VfsTest;

TEST_F(VfsPath, AbsoluteAndRelative) {
  ASSERT_TRUE(vfs.mkdir(nullptr, "/a", 0755).ok());
  ASSERT_TRUE(vfs.mkdir(nullptr, "/a/b", 0755).ok());
  write_file("/a/b/f", "hello");
  EXPECT_EQ(read_file("a/b/f"), "hello");
  EXPECT_EQ(read_file("/a/./b/../b//f"), "hello");
  EXPECT_EQ(read_file("///a///b///f"), "hello");
  ASSERT_TRUE(vfs.chdir(vfs.resolve(nullptr, "/a/b", true).value()).ok());
  EXPECT_EQ(read_file("f"), "hello");
  EXPECT_EQ(read_file("../b/f"), "hello");
  EXPECT_EQ(read_file("../../../../a/b/f"), "hello");  // ".." at the root stays there
}

TEST_F(VfsPath, Errors) {
  write_file("/file", "x");
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "", true)), ENOENT);
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/missing", true)), ENOENT);
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/missing/x", true)), ENOENT);
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/file/x", true)), ENOTDIR);
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/file/", true)), ENOTDIR);
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/file/.", true)), ENOTDIR);
  std::string long_name(256, 'n');
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/" + long_name, true)), ENAMETOOLONG);
  std::string ok_name(255, 'n');
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/" + ok_name, true)), ENOENT);
  std::string long_path;
  while (long_path.size() < 4096) long_path += "/a";
  EXPECT_EQ(error_of(vfs.resolve(nullptr, long_path, true)), ENAMETOOLONG);
}

TEST_F(VfsPath, Symlinks) {
  ASSERT_TRUE(vfs.mkdir(nullptr, "/d", 0755).ok());
  write_file("/d/target", "data");
  ASSERT_TRUE(vfs.symlink("target", nullptr, "/d/rel").ok());
  ASSERT_TRUE(vfs.symlink("/d", nullptr, "/abs").ok());
  ASSERT_TRUE(vfs.symlink("../d/target", nullptr, "/d/up").ok());
  EXPECT_EQ(read_file("/d/rel"), "data");
  EXPECT_EQ(read_file("/abs/target"), "data");
  EXPECT_EQ(read_file("/abs/up"), "data");
  EXPECT_TRUE(vfs.resolve(nullptr, "/d/rel", false).value()->is_symlink());
  EXPECT_TRUE(vfs.resolve(nullptr, "/abs/", false).value()->is_directory());
  char buffer[16];
  EXPECT_EQ(vfs.readlink(nullptr, "/d/up", {buffer, sizeof buffer}).value(), 11u);
  EXPECT_EQ(std::string(buffer, 11), "../d/target");
  EXPECT_EQ(error_of(vfs.readlink(nullptr, "/d/target", {buffer, sizeof buffer})), EINVAL);
  // Dangling: open without O_CREAT fails, with O_CREAT creates the target.
  ASSERT_TRUE(vfs.symlink("newfile", nullptr, "/d/dangling").ok());
  EXPECT_EQ(error_of(vfs.open(nullptr, "/d/dangling", O_RDONLY, 0)), ENOENT);
  EXPECT_TRUE(vfs.open(nullptr, "/d/dangling", O_WRONLY | O_CREAT, 0644).ok());
  EXPECT_TRUE(vfs.resolve(nullptr, "/d/newfile", true).ok());
  // O_NOFOLLOW on a symlink, O_CREAT|O_EXCL on a symlink.
  EXPECT_EQ(error_of(vfs.open(nullptr, "/d/rel", O_RDONLY | O_NOFOLLOW, 0)), ELOOP);
  EXPECT_EQ(error_of(vfs.open(nullptr, "/d/rel", O_WRONLY | O_CREAT | O_EXCL, 0644)), EEXIST);
}

TEST_F(VfsPath, SymlinkLoopLimit) {
  ASSERT_TRUE(vfs.symlink("loop", nullptr, "/loop").ok());
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/loop", true)), ELOOP);
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/loop/x", true)), ELOOP);
  // A chain of 40 links resolves; 41 is too many.
  write_file("/end", "e");
  ASSERT_TRUE(vfs.symlink("/end", nullptr, "/l0").ok());
  for (int i = 1; i <= 40; ++i)
    ASSERT_TRUE(vfs.symlink("/l" + std::to_string(i - 1), nullptr, "/l" + std::to_string(i)).ok());
  EXPECT_TRUE(vfs.resolve(nullptr, "/l39", true).ok());
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/l40", true)), ELOOP);
}

TEST_F(VfsPath, TrailingSlashes) {
  EXPECT_TRUE(vfs.mkdir(nullptr, "/dir/", 0755).ok());
  EXPECT_TRUE(vfs.resolve(nullptr, "/dir//", true).ok());
  EXPECT_EQ(error_of(vfs.open(nullptr, "/new/", O_WRONLY | O_CREAT, 0644)), EISDIR);
  write_file("/f", "x");
  EXPECT_EQ(error_of(vfs.unlink(nullptr, "/f/")), ENOTDIR);
  EXPECT_EQ(error_of(vfs.rmdir(nullptr, "/dir/.")), EINVAL);
  EXPECT_EQ(error_of(vfs.rmdir(nullptr, "/")), EBUSY);
  EXPECT_TRUE(vfs.rmdir(nullptr, "/dir/").ok());
}

class NamedRamfs : public VfsTest {};

TEST_F(NamedRamfs, MountPointsAndDotDot) {
  ASSERT_TRUE(vfs.mkdir(nullptr, "/mnt", 0755).ok());
  ASSERT_TRUE(vfs.mkdir(nullptr, "/mnt/sub", 0755).ok());
  write_file("/mnt/hidden", "under");
  auto second = ramfs::mount("", "");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(vfs.mount(second.value(), "/mnt", "ramfs").ok());
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/mnt/hidden", true)), ENOENT);
  ASSERT_TRUE(vfs.mkdir(nullptr, "/mnt/inner", 0755).ok());
  write_file("/top", "top");
  EXPECT_EQ(read_file("/mnt/inner/../../top"), "top");
  EXPECT_EQ(read_file("/mnt/../top"), "top");
  // Links and renames across the mount are EXDEV.
  EXPECT_EQ(error_of(vfs.link(nullptr, "/top", nullptr, "/mnt/top", false)), EXDEV);
  EXPECT_EQ(error_of(vfs.rename(nullptr, "/top", nullptr, "/mnt/top")), EXDEV);
  EXPECT_EQ(error_of(vfs.rmdir(nullptr, "/mnt")), EBUSY);
  RefPtr<Filesystem> third = ramfs::mount("", "").value();
  EXPECT_EQ(error_of(vfs.mount(third, "/mnt", "ramfs")), EBUSY);
  (void)third->unmount();  // breaks the filesystem <-> root cycle of an unmounted fs
  // getcwd across the mount point.
  ASSERT_TRUE(vfs.chdir(vfs.resolve(nullptr, "/mnt/inner", true).value()).ok());
  char cwd[64];
  ASSERT_TRUE(vfs.getcwd({cwd, sizeof cwd}).ok());
  EXPECT_STREQ(cwd, "/mnt/inner");
  EXPECT_EQ(error_of(vfs.getcwd({cwd, 5})), ERANGE);
  ASSERT_TRUE(vfs.chdir(vfs.resolve(nullptr, "/", true).value()).ok());
  ASSERT_TRUE(vfs.unmount("/mnt").ok());
  EXPECT_EQ(read_file("/mnt/hidden"), "under");
  EXPECT_EQ(error_of(vfs.unmount("/mnt")), EINVAL);
}

TEST_F(VfsPath, GetcwdFollowsRenames) {
  ASSERT_TRUE(vfs.mkdir(nullptr, "/x", 0755).ok());
  ASSERT_TRUE(vfs.mkdir(nullptr, "/x/y", 0755).ok());
  ASSERT_TRUE(vfs.chdir(vfs.resolve(nullptr, "/x/y", true).value()).ok());
  ASSERT_TRUE(vfs.rename(nullptr, "/x", nullptr, "/z").ok());
  char cwd[64];
  ASSERT_TRUE(vfs.getcwd({cwd, sizeof cwd}).ok());
  EXPECT_STREQ(cwd, "/z/y");
  ASSERT_TRUE(vfs.rmdir(nullptr, "/z/y").ok());
  EXPECT_EQ(error_of(vfs.getcwd({cwd, sizeof cwd})), ENOENT);
  EXPECT_EQ(error_of(vfs.open(nullptr, "newfile", O_WRONLY | O_CREAT, 0644)), ENOENT);
}

}  // namespace
}  // namespace cairn::vfs::testing
