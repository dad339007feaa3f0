// The descriptor table and pipes, with threads.
#include <fcntl.h>

#include <string>
#include <thread>

#include <cairn/vfs/devfs.h>
#include <cairn/vfs/fd_table.h>
#include "dev_basic.h"
#include "pipe.h"
#include "vfs_test_support.h"

namespace cairn::vfs::testing {
namespace {

class Dummy final : public OpenFile {
 public:
  explicit Dummy(int* destroyed) : OpenFile(O_RDWR), destroyed_(destroyed) {}

 protected:
  ~Dummy() override { ++*destroyed_; }

 private:
  int* destroyed_;
};

TEST(VfsFdTable, LowestFreeSharingAndLimits) {
  FdTable table(8);
  int destroyed = 0;
  RefPtr<OpenFile> a = make_ref<Dummy>(&destroyed).value();
  EXPECT_EQ(table.install(a, false).value(), 0);
  EXPECT_EQ(table.install(a, true).value(), 1);
  EXPECT_EQ(table.install(a, false, 5).value(), 5);
  EXPECT_EQ(table.get(1).value(), a);
  EXPECT_TRUE(table.cloexec(1).value());
  EXPECT_FALSE(table.cloexec(0).value());
  ASSERT_TRUE(table.close(0).ok());
  EXPECT_EQ(error_of(table.close(0)), EBADF);
  EXPECT_EQ(table.install(a, false).value(), 0);  // lowest free again
  EXPECT_EQ(error_of(table.get(-1)), EBADF);
  EXPECT_EQ(error_of(table.get(100)), EBADF);
  EXPECT_EQ(error_of(table.install_at(8, a, false)), EBADF);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(table.install(a, false).ok());  // 2,3,4,6
  EXPECT_EQ(table.install(a, false).value(), 7);
  EXPECT_EQ(error_of(table.install(a, false)), EMFILE);
  RefPtr<OpenFile> b = make_ref<Dummy>(&destroyed).value();
  ASSERT_TRUE(table.install_at(7, b, false).ok());  // dup2 over an open one
  b.reset();
  a.reset();
  EXPECT_EQ(destroyed, 0);
  ASSERT_TRUE(table.close(7).ok());
  EXPECT_EQ(destroyed, 1);
  table.close_all();
  EXPECT_EQ(destroyed, 2);
}

std::span<std::byte> out(std::string& s) {
  return {reinterpret_cast<std::byte*>(s.data()), s.size()};
}

TEST(VfsPipe, BlockingTransferBetweenThreads) {
  PipeEnds ends = make_pipe(0, 4096).value();
  constexpr std::size_t kTotal = 1 << 20;
  std::thread writer([&] {
    std::string chunk(1000, '\0');
    for (std::size_t sent = 0; sent < kTotal;) {
      std::size_t n = std::min(chunk.size(), kTotal - sent);
      for (std::size_t i = 0; i < n; ++i) chunk[i] = static_cast<char>((sent + i) % 251);
      auto w = ends.write->write(bytes(std::string_view(chunk).substr(0, n)));
      ASSERT_TRUE(w.ok());
      sent += w.value();
    }
    ends.write.reset();  // EOF for the reader
  });
  std::string buffer(777, '\0');
  std::size_t got = 0;
  bool ok = true;
  for (;;) {
    auto r = ends.read->read(out(buffer));
    ASSERT_TRUE(r.ok());
    if (r.value() == 0) break;
    for (std::size_t i = 0; i < r.value(); ++i)
      ok &= buffer[i] == static_cast<char>((got + i) % 251);
    got += r.value();
  }
  writer.join();
  EXPECT_TRUE(ok);
  EXPECT_EQ(got, kTotal);
}

TEST(VfsPipe, NonblockingEofAndEpipe) {
  PipeEnds ends = make_pipe(O_NONBLOCK, 8192).value();
  std::string buffer(5000, 'x');
  EXPECT_EQ(error_of(ends.read->read(out(buffer))), EAGAIN);
  EXPECT_EQ(ends.read->poll(nullptr), 0u);
  EXPECT_EQ(ends.write->poll(nullptr), kPollOut);
  EXPECT_EQ(ends.write->write(bytes(buffer)).value(), 5000u);
  EXPECT_EQ(ends.read->poll(nullptr), kPollIn);
  // More than PIPE_BUF: as much as fits, then EAGAIN.
  EXPECT_EQ(ends.write->write(bytes(buffer)).value(), 3192u);
  EXPECT_EQ(error_of(ends.write->write(bytes("x"))), EAGAIN);
  int available = 0;
  EXPECT_EQ(ends.read->ioctl(kIoctlFionread, &available).value(), 0);
  EXPECT_EQ(available, 8192);
  EXPECT_EQ(error_of(ends.read->seek(0, SEEK_SET)), ESPIPE);
  EXPECT_EQ(ends.read->stat().value().mode & kTypeMask, kFifo);
  ends.write.reset();
  EXPECT_EQ(ends.read->poll(nullptr), kPollIn | kPollHup);
  EXPECT_EQ(ends.read->read(out(buffer)).value(), 5000u);
  EXPECT_EQ(ends.read->read(out(buffer)).value(), 3192u);
  EXPECT_EQ(ends.read->read(out(buffer)).value(), 0u);  // EOF
  PipeEnds other = make_pipe(0, 8192).value();
  other.read.reset();
  EXPECT_EQ(error_of(other.write->write(bytes("x"))), EPIPE);
  EXPECT_EQ(other.write->poll(nullptr) & kPollErr, kPollErr);
}

// readv on a blocking pipe holding exactly what the first buffer takes returns that
// much: it must not wait for more to fill the second (a whole-vector transfer).
TEST(VfsPipe, VectorsMoveInOneTransfer) {
  PipeEnds ends = make_pipe(0, 64).value();
  ASSERT_EQ(ends.write->write(bytes("0123456789")).value(), 10u);
  char first[10], second[10];
  IoBuffer in[] = {{first, sizeof first}, {nullptr, 0}, {second, sizeof second}};
  EXPECT_EQ(ends.read->read_vector(in).value(), 10u);  // returns: nothing left to wait for
  EXPECT_EQ(std::string(first, 10), "0123456789");
  // Across buffers and around the ring's end (the head is at 10 of 64 now).
  std::string data(60, ' ');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  IoBuffer parts[] = {{data.data(), 7}, {data.data() + 7, 0}, {data.data() + 7, 53}};
  EXPECT_EQ(ends.write->write_vector(parts).value(), 60u);
  std::string got(60, '\0');
  IoBuffer pieces[] = {{got.data(), 1}, {got.data() + 1, 58}, {got.data() + 59, 1}};
  EXPECT_EQ(ends.read->read_vector(pieces).value(), 60u);
  EXPECT_EQ(got, data);
  // A non-blocking writev of up to PIPE_BUF bytes in all goes in whole or not at all.
  PipeEnds small = make_pipe(O_NONBLOCK, 8192).value();
  std::string fill(8192 - 100, 'f');
  ASSERT_EQ(small.write->write(bytes(fill)).value(), fill.size());
  std::string half(60, 'h');
  IoBuffer two[] = {{half.data(), 60}, {half.data(), 60}};
  EXPECT_EQ(error_of(small.write->write_vector(two)), EAGAIN);  // 120 > 100 free
  int available = 0;
  ASSERT_TRUE(small.read->ioctl(kIoctlFionread, &available).ok());
  EXPECT_EQ(available, 8192 - 100);
  // The wrong end.
  EXPECT_EQ(error_of(small.read->write_vector(two)), EBADF);
  EXPECT_EQ(error_of(small.write->read_vector(two)), EBADF);
}

class Recorder final : public PollWaiter {
 public:
  void notify(std::uint32_t events) override { seen |= events; }
  std::uint32_t seen = 0;
};

TEST(VfsPipe, PollWaitersAreNotified) {
  PipeEnds ends = make_pipe(0, 8192).value();
  Recorder waiter;
  EXPECT_EQ(ends.read->poll(&waiter), 0u);
  ASSERT_TRUE(ends.write->write(bytes("hi")).ok());
  EXPECT_EQ(waiter.seen & kPollIn, kPollIn);
  ends.read->cancel_poll(waiter);
  waiter.seen = 0;
  ASSERT_TRUE(ends.write->write(bytes("hi")).ok());
  EXPECT_EQ(waiter.seen, 0u);
}

class VfsDevfs : public VfsTest {};

TEST_F(VfsDevfs, NullZeroFull) {
  (void)devfs::add_basic_devices();  // once per process: EEXIST afterwards
  ASSERT_TRUE(vfs.mkdir(nullptr, "/dev", 0755).ok());
  ASSERT_TRUE(vfs.mount("devfs", "", "/dev", "").ok());
  std::string buffer(10, 'x');
  RefPtr<OpenFile> null = open("/dev/null", O_RDWR);
  EXPECT_EQ(null->read(out(buffer)).value(), 0u);
  EXPECT_EQ(null->write(bytes("abc")).value(), 3u);
  RefPtr<OpenFile> zero = open("/dev/zero", O_RDONLY);
  EXPECT_EQ(zero->read(out(buffer)).value(), 10u);
  EXPECT_EQ(buffer, std::string(10, '\0'));
  RefPtr<OpenFile> full = open("/dev/full", O_WRONLY);
  EXPECT_EQ(error_of(full->write(bytes("x"))), ENOSPC);
  EXPECT_EQ(full->stat().value().mode & kTypeMask, kCharDevice);
  EXPECT_EQ(error_of(vfs.open(nullptr, "/dev/new", O_CREAT | O_WRONLY, 0644)), EROFS);
  EXPECT_EQ(error_of(vfs.open(nullptr, "/dev/missing", O_RDONLY, 0)), ENOENT);
  EXPECT_EQ(vfs.resolve(nullptr, "/dev/zero", true).value()->getattr().value().rdev,
            devfs::make_dev(1, 5));
  EXPECT_EQ(error_of(devfs::add_device("null", kCharDevice, 0, nullptr, nullptr)), EINVAL);
  EXPECT_EQ(error_of(vfs.mount("nosuchfs", "", "/dev", "")), ENODEV);
  EXPECT_TRUE(find_mount_option("ro,msize=8192,trans=virtio", "msize"));
  std::string_view value;
  EXPECT_TRUE(find_mount_option("ro,msize=8192", "msize", &value));
  EXPECT_EQ(value, "8192");
  EXPECT_FALSE(find_mount_option("rox", "ro"));
}

}  // namespace
}  // namespace cairn::vfs::testing

namespace cairn::vfs::testing {
namespace {

// A directory with at most one subdirectory, enough to mount things on.
class FakeDir final : public Vnode {
 public:
  FakeDir(Filesystem& fs, std::uint64_t ino) : Vnode(fs, ino, kDirectory) {}
  Result<RefPtr<Vnode>> lookup(std::string_view name) override {
    if (child_ && name == child_name_) return RefPtr<Vnode>(child_);
    return Error(ENOENT, "none");
  }
  Result<RefPtr<Vnode>> mkdir(std::string_view name, std::uint32_t) override {
    child_ = make_ref<FakeDir>(filesystem(), ino() + 1).value();
    child_name_ = name;
    return RefPtr<Vnode>(child_);
  }
  Result<Attributes> getattr() override {
    Attributes a;
    a.ino = ino();
    a.mode = kDirectory | 0755;
    return a;
  }
  void clear() { child_.reset(); }

 private:
  RefPtr<FakeDir> child_;
  std::string child_name_;
};

// A filesystem that records sync and unmount calls.
class RecordingFs final : public Filesystem {
 public:
  RecordingFs(std::string* log, char name) : log_(log), name_(name) {}
  RefPtr<Vnode> root() override {
    if (!root_ && !unmounted_) root_ = make_ref<FakeDir>(*this, 1).value();
    return root_;
  }
  Result<void> sync() override {
    *log_ += std::string("sync ") + name_ + ";";
    return {};
  }
  Result<void> unmount() override {
    *log_ += std::string("unmount ") + name_ + ";";
    unmounted_ = true;
    if (root_) root_->clear();
    root_.reset();
    return {};
  }

 private:
  std::string* log_;
  char name_;
  bool unmounted_ = false;
  RefPtr<FakeDir> root_;
};

TEST(VfsExit, UnmountAllSyncsInnermostFirst) {
  std::string log;
  Vfs vfs;
  ASSERT_TRUE(vfs.mount(make_ref<RecordingFs>(&log, 'r').value(), "/", "ramfs").ok());
  ASSERT_TRUE(vfs.mkdir(nullptr, "/a", 0755).ok());
  ASSERT_TRUE(vfs.mount(make_ref<RecordingFs>(&log, 'a').value(), "/a", "9p").ok());
  ASSERT_TRUE(vfs.mkdir(nullptr, "/a/b", 0755).ok());
  ASSERT_TRUE(vfs.mount(make_ref<RecordingFs>(&log, 'b').value(), "/a/b", "9p").ok());
  EXPECT_EQ(error_of(vfs.unmount("/a")), EBUSY);
  ASSERT_TRUE(vfs.sync_all().ok());
  EXPECT_EQ(log, "sync r;sync a;sync b;");
  log.clear();
  vfs.unmount_all();
  EXPECT_EQ(log, "sync b;unmount b;sync a;unmount a;sync r;unmount r;");
  EXPECT_EQ(error_of(vfs.resolve(nullptr, "/a", true)), ENOENT);
}

}  // namespace
}  // namespace cairn::vfs::testing
