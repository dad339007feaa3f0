// The program's file-descriptor table (one process per image). Descriptors are small
// ints, lowest free first; each refers to an OpenFile, shared by dup(); the
// close-on-exec flag belongs to the descriptor. Sockets and other file kinds that live
// outside the VFS install their OpenFile here:
//
//   RefPtr<OpenFile> socket = TRY(make_ref<TcpSocket>(...));
//   int fd = TRY(vfs::install_fd(socket, flags & O_CLOEXEC));
//   ...
//   RefPtr<OpenFile> file = TRY(vfs::get_fd(fd));   // EBADF
//
// All functions are thread-safe. A call that is using a file holds its own reference,
// so close() by another thread never pulls the file from under it.
#pragma once

#include <cstddef>

#include <cairn/kernel/result.h>
#include <cairn/vfs/lock.h>
#include <cairn/vfs/open_file.h>
#include <cairn/vfs/ref_ptr.h>

namespace cairn::vfs {

class FdTable {
 public:
  explicit FdTable(int max_fds);
  ~FdTable();
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  // The lowest free descriptor >= `minimum` now refers to `file`. EMFILE when none.
  Result<int> install(RefPtr<OpenFile> file, bool cloexec, int minimum = 0);
  // Makes `fd` refer to `file`, closing what it referred to (dup2). EBADF out of range.
  Result<void> install_at(int fd, RefPtr<OpenFile> file, bool cloexec);
  Result<RefPtr<OpenFile>> get(int fd);
  Result<void> close(int fd);
  Result<bool> cloexec(int fd);
  Result<void> set_cloexec(int fd, bool cloexec);
  int max_fds() const { return max_fds_; }
  // Closes every descriptor (tests, the clean exit).
  void close_all();

 private:
  struct Entry {
    OpenFile* file;  // owning (a leaked RefPtr), null when free
    bool cloexec;
  };
  Result<void> grow(int needed);

  Mutex lock_;
  Entry* entries_ = nullptr;
  int capacity_ = 0;
  int max_fds_;
};

// The program's table (CONFIG_VFS_MAX_FDS descriptors; 0-2 are the console).
FdTable& fd_table();
inline Result<int> install_fd(RefPtr<OpenFile> file, bool cloexec) {
  return fd_table().install(static_cast<RefPtr<OpenFile>&&>(file), cloexec);
}
inline Result<RefPtr<OpenFile>> get_fd(int fd) { return fd_table().get(fd); }

}  // namespace cairn::vfs
