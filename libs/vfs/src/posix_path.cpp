// POSIX calls on paths: open, stat, mkdir, unlink, rename, links, the current
// directory, modes and times. The *at() forms take a directory descriptor or AT_FDCWD.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>
#include <cstdarg>
#include <cstdlib>
#include <cstring>

#include "posix.h"

using namespace cairn;
using namespace cairn::vfs;
using namespace cairn::vfs::posix;

namespace cairn::vfs::posix {

Result<Vnode*> at_base(int dirfd, std::string_view path, RefPtr<Vnode>& holder) {
  if (dirfd == AT_FDCWD || (!path.empty() && path[0] == '/')) return static_cast<Vnode*>(nullptr);
  RefPtr<OpenFile> file = TRY(get_fd(dirfd));
  Vnode* vnode = file->vnode();
  if (!vnode || !vnode->is_directory()) return Error(ENOTDIR, "not a directory");
  holder = RefPtr<Vnode>(vnode);
  return vnode;
}

void to_stat(const Attributes& a, std::uint64_t device, struct stat* st) {
  std::memset(st, 0, sizeof *st);
  st->st_dev = device;
  st->st_ino = a.ino;
  st->st_mode = a.mode;
  st->st_nlink = a.nlink;
  st->st_uid = a.uid;
  st->st_gid = a.gid;
  st->st_rdev = a.rdev;
  st->st_size = a.size;
  st->st_blksize = a.block_size;
  st->st_blocks = a.blocks;
  st->st_atim = {a.atime.sec, a.atime.nsec};
  st->st_mtim = {a.mtime.sec, a.mtime.nsec};
  st->st_ctim = {a.ctime.sec, a.ctime.nsec};
}

}  // namespace cairn::vfs::posix

namespace {

Result<int> open_at(int dirfd, const char* path, int flags, mode_t mode) {
  if (!path) return Error(EFAULT, "null path");
  RefPtr<Vnode> holder;
  Vnode* base = TRY(at_base(dirfd, path, holder));
  std::uint32_t permissions = (mode & kPermissionMask) & ~the_vfs().umask();
  RefPtr<OpenFile> file = TRY(the_vfs().open(base, path, flags, permissions));
  return fd_table().install(file, flags & O_CLOEXEC);
}

Result<void> stat_at(int dirfd, const char* path, struct stat* st, int flags) {
  if (!path) return Error(EFAULT, "null path");
  if ((flags & AT_EMPTY_PATH) && path[0] == '\0') {
    if (fstat(dirfd, st) != 0) return Error(errno, "fstat failed");
    return {};
  }
  RefPtr<Vnode> holder;
  Vnode* base = TRY(at_base(dirfd, path, holder));
  RefPtr<Vnode> vnode = TRY(the_vfs().resolve(base, path, !(flags & AT_SYMLINK_NOFOLLOW)));
  Attributes attributes = TRY(vnode->getattr());
  to_stat(attributes, vnode->filesystem().device_id(), st);
  return {};
}

// The application is root: existence is all access() checks, plus an execute bit for
// X_OK (root may execute a file only if someone may), and EROFS for W_OK.
Result<void> access_at(int dirfd, const char* path, int mode, int flags) {
  if (mode & ~(R_OK | W_OK | X_OK)) return Error(EINVAL, "bad access mode");
  RefPtr<Vnode> holder;
  Vnode* base = TRY(at_base(dirfd, path, holder));
  RefPtr<Vnode> vnode = TRY(the_vfs().resolve(base, path, !(flags & AT_SYMLINK_NOFOLLOW)));
  if ((mode & W_OK) && vnode->filesystem().read_only() && !(vnode->type() & kCharDevice))
    return Error(EROFS, "read-only filesystem");
  if (mode & X_OK) {
    Attributes a = TRY(vnode->getattr());
    if (!vnode->is_directory() && !(a.mode & 0111)) return Error(EACCES, "not executable");
  }
  return {};
}

Timestamp from_timespec(const timespec& t) { return {t.tv_sec, t.tv_nsec}; }

// utimensat's times: null = both now; UTIME_NOW / UTIME_OMIT per entry.
Result<AttributeChanges> time_changes(const struct timespec* times) {
  AttributeChanges c;
  if (!times) {
    c.mask = AttributeChanges::kAtimeNow | AttributeChanges::kMtimeNow;
    return c;
  }
  for (int i = 0; i < 2; ++i) {
    long nsec = times[i].tv_nsec;
    if (nsec == UTIME_OMIT) continue;
    if (nsec != UTIME_NOW && (nsec < 0 || nsec >= 1000000000)) return Error(EINVAL, "bad time");
    if (i == 0) {
      c.mask |= nsec == UTIME_NOW ? AttributeChanges::kAtimeNow : AttributeChanges::kAtime;
      c.atime = from_timespec(times[0]);
    } else {
      c.mask |= nsec == UTIME_NOW ? AttributeChanges::kMtimeNow : AttributeChanges::kMtime;
      c.mtime = from_timespec(times[1]);
    }
  }
  return c;
}

Result<void> setattr_at(int dirfd, const char* path, const AttributeChanges& changes, bool follow) {
  if (!path) return Error(EFAULT, "null path");
  RefPtr<Vnode> holder;
  Vnode* base = TRY(at_base(dirfd, path, holder));
  return the_vfs().setattr(base, path, changes, follow);
}

Result<void> timeval_changes(const struct timeval* times, AttributeChanges& c) {
  if (!times) {
    c.mask = AttributeChanges::kAtimeNow | AttributeChanges::kMtimeNow;
    return {};
  }
  for (int i = 0; i < 2; ++i)
    if (times[i].tv_usec < 0 || times[i].tv_usec >= 1000000) return Error(EINVAL, "bad time");
  c.mask = AttributeChanges::kAtime | AttributeChanges::kMtime;
  c.atime = {times[0].tv_sec, times[0].tv_usec * 1000};
  c.mtime = {times[1].tv_sec, times[1].tv_usec * 1000};
  return {};
}

#define PATH_OR_EFAULT(p) \
  if (!(p)) return fail(Error(EFAULT, "null path"))

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list args;
    va_start(args, flags);
    mode = va_arg(args, int);
    va_end(args);
  }
  return value_or_fail(open_at(AT_FDCWD, path, flags, mode));
}

int openat(int dirfd, const char* path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list args;
    va_start(args, flags);
    mode = va_arg(args, int);
    va_end(args);
  }
  return value_or_fail(open_at(dirfd, path, flags, mode));
}

int creat(const char* path, mode_t mode) {
  return value_or_fail(open_at(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, mode));
}

int stat(const char* path, struct stat* st) { return done_or_fail(stat_at(AT_FDCWD, path, st, 0)); }
int lstat(const char* path, struct stat* st) {
  return done_or_fail(stat_at(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW));
}
int fstatat(int dirfd, const char* path, struct stat* st, int flags) {
  return done_or_fail(stat_at(dirfd, path, st, flags));
}

int access(const char* path, int mode) {
  PATH_OR_EFAULT(path);
  return done_or_fail(access_at(AT_FDCWD, path, mode, 0));
}
int faccessat(int dirfd, const char* path, int mode, int flags) {
  PATH_OR_EFAULT(path);
  return done_or_fail(access_at(dirfd, path, mode, flags));
}

int mkdirat(int dirfd, const char* path, mode_t mode) {
  PATH_OR_EFAULT(path);
  RefPtr<Vnode> holder;
  auto base = at_base(dirfd, path, holder);
  if (!base) return fail(base.error());
  return done_or_fail(
      the_vfs().mkdir(base.value(), path, (mode & kPermissionMask) & ~the_vfs().umask()));
}
int mkdir(const char* path, mode_t mode) { return mkdirat(AT_FDCWD, path, mode); }

int mknodat(int dirfd, const char* path, mode_t mode, dev_t device) {
  PATH_OR_EFAULT(path);
  RefPtr<Vnode> holder;
  auto base = at_base(dirfd, path, holder);
  if (!base) return fail(base.error());
  std::uint32_t m = (mode & kTypeMask) | ((mode & kPermissionMask) & ~the_vfs().umask());
  return done_or_fail(the_vfs().mknod(base.value(), path, m, device));
}
int mknod(const char* path, mode_t mode, dev_t device) {
  return mknodat(AT_FDCWD, path, mode, device);
}
int mkfifo(const char* path, mode_t mode) {
  return mknodat(AT_FDCWD, path, S_IFIFO | (mode & kPermissionMask), 0);
}

int unlinkat(int dirfd, const char* path, int flags) {
  PATH_OR_EFAULT(path);
  if (flags & ~AT_REMOVEDIR) return fail(Error(EINVAL, "bad unlinkat flags"));
  RefPtr<Vnode> holder;
  auto base = at_base(dirfd, path, holder);
  if (!base) return fail(base.error());
  if (flags & AT_REMOVEDIR) return done_or_fail(the_vfs().rmdir(base.value(), path));
  return done_or_fail(the_vfs().unlink(base.value(), path));
}
int unlink(const char* path) { return unlinkat(AT_FDCWD, path, 0); }
int rmdir(const char* path) { return unlinkat(AT_FDCWD, path, AT_REMOVEDIR); }

int renameat(int old_dirfd, const char* old_path, int new_dirfd, const char* new_path) {
  PATH_OR_EFAULT(old_path);
  PATH_OR_EFAULT(new_path);
  RefPtr<Vnode> old_holder, new_holder;
  auto old_base = at_base(old_dirfd, old_path, old_holder);
  if (!old_base) return fail(old_base.error());
  auto new_base = at_base(new_dirfd, new_path, new_holder);
  if (!new_base) return fail(new_base.error());
  return done_or_fail(the_vfs().rename(old_base.value(), old_path, new_base.value(), new_path));
}
int rename(const char* old_path, const char* new_path) {
  return renameat(AT_FDCWD, old_path, AT_FDCWD, new_path);
}

int linkat(int old_dirfd, const char* old_path, int new_dirfd, const char* new_path, int flags) {
  PATH_OR_EFAULT(old_path);
  PATH_OR_EFAULT(new_path);
  if (flags & ~AT_SYMLINK_FOLLOW) return fail(Error(EINVAL, "bad linkat flags"));
  RefPtr<Vnode> old_holder, new_holder;
  auto old_base = at_base(old_dirfd, old_path, old_holder);
  if (!old_base) return fail(old_base.error());
  auto new_base = at_base(new_dirfd, new_path, new_holder);
  if (!new_base) return fail(new_base.error());
  return done_or_fail(the_vfs().link(old_base.value(), old_path, new_base.value(), new_path,
                                     flags & AT_SYMLINK_FOLLOW));
}
int link(const char* old_path, const char* new_path) {
  return linkat(AT_FDCWD, old_path, AT_FDCWD, new_path, 0);
}

int symlinkat(const char* target, int dirfd, const char* path) {
  PATH_OR_EFAULT(target);
  PATH_OR_EFAULT(path);
  RefPtr<Vnode> holder;
  auto base = at_base(dirfd, path, holder);
  if (!base) return fail(base.error());
  return done_or_fail(the_vfs().symlink(target, base.value(), path));
}
int symlink(const char* target, const char* path) { return symlinkat(target, AT_FDCWD, path); }

ssize_t readlinkat(int dirfd, const char* path, char* buffer, size_t size) {
  PATH_OR_EFAULT(path);
  if (size == 0) return fail(Error(EINVAL, "empty buffer"));
  RefPtr<Vnode> holder;
  auto base = at_base(dirfd, path, holder);
  if (!base) return fail(base.error());
  return value_or_fail(the_vfs().readlink(base.value(), path, {buffer, size}));
}
ssize_t readlink(const char* path, char* buffer, size_t size) {
  return readlinkat(AT_FDCWD, path, buffer, size);
}

int truncate(const char* path, off_t length) {
  PATH_OR_EFAULT(path);
  if (length < 0) return fail(Error(EINVAL, "negative length"));
  AttributeChanges c;
  c.mask = AttributeChanges::kSize;
  c.size = length;
  return done_or_fail(the_vfs().setattr(nullptr, path, c, true));
}

int chdir(const char* path) {
  PATH_OR_EFAULT(path);
  auto dir = the_vfs().resolve(nullptr, path, true);
  if (!dir) return fail(dir.error());
  return done_or_fail(the_vfs().chdir(dir.value()));
}

char* getcwd(char* buffer, size_t size) {
  bool allocated = false;
  if (!buffer) {  // glibc's extension: allocate (size 0: as large as needed)
    if (size == 0) size = kPathMax;
    buffer = static_cast<char*>(malloc(size));
    if (!buffer) {
      errno = ENOMEM;
      return nullptr;
    }
    allocated = true;
  } else if (size == 0) {
    errno = EINVAL;
    return nullptr;
  }
  auto r = the_vfs().getcwd({buffer, size});
  if (!r) {
    if (allocated) free(buffer);
    errno = r.error().code();
    return nullptr;
  }
  return buffer;
}

mode_t umask(mode_t mask) { return the_vfs().set_umask(mask); }

int fchmodat(int dirfd, const char* path, mode_t mode, int flags) {
  AttributeChanges c;
  c.mask = AttributeChanges::kMode;
  c.mode = mode;
  return done_or_fail(setattr_at(dirfd, path, c, !(flags & AT_SYMLINK_NOFOLLOW)));
}
int chmod(const char* path, mode_t mode) { return fchmodat(AT_FDCWD, path, mode, 0); }

int fchownat(int dirfd, const char* path, uid_t owner, gid_t group, int flags) {
  AttributeChanges c;
  if (owner != static_cast<uid_t>(-1)) c.mask |= AttributeChanges::kUid;
  if (group != static_cast<gid_t>(-1)) c.mask |= AttributeChanges::kGid;
  c.uid = owner;
  c.gid = group;
  return done_or_fail(setattr_at(dirfd, path, c, !(flags & AT_SYMLINK_NOFOLLOW)));
}
int chown(const char* path, uid_t owner, gid_t group) {
  return fchownat(AT_FDCWD, path, owner, group, 0);
}
int lchown(const char* path, uid_t owner, gid_t group) {
  return fchownat(AT_FDCWD, path, owner, group, AT_SYMLINK_NOFOLLOW);
}

int utimensat(int dirfd, const char* path, const struct timespec times[2], int flags) {
  auto c = time_changes(times);
  if (!c) return fail(c.error());
  if (!path) return futimens(dirfd, times);  // Linux's utimensat(fd, NULL, ...)
  return done_or_fail(setattr_at(dirfd, path, c.value(), !(flags & AT_SYMLINK_NOFOLLOW)));
}

int futimens(int fd, const struct timespec times[2]) {
  auto c = time_changes(times);
  if (!c) return fail(c.error());
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return done_or_fail(file.value()->setattr(c.value()));
}

int utimes(const char* path, const struct timeval times[2]) {
  AttributeChanges c;
  if (auto r = timeval_changes(times, c); !r) return fail(r.error());
  return done_or_fail(setattr_at(AT_FDCWD, path, c, true));
}
int lutimes(const char* path, const struct timeval times[2]) {
  AttributeChanges c;
  if (auto r = timeval_changes(times, c); !r) return fail(r.error());
  return done_or_fail(setattr_at(AT_FDCWD, path, c, false));
}
int futimes(int fd, const struct timeval times[2]) {
  AttributeChanges c;
  if (auto r = timeval_changes(times, c); !r) return fail(r.error());
  auto file = get_fd(fd);
  if (!file) return fail(file.error());
  return done_or_fail(file.value()->setattr(c));
}

int utime(const char* path, const struct utimbuf* times) {
  if (!times) return utimes(path, nullptr);
  struct timeval tv[2] = {{times->actime, 0}, {times->modtime, 0}};
  return utimes(path, tv);
}

}  // extern "C"
