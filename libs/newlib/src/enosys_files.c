/* The file calls without the VFS (CONFIG_VFS off): they fail with ENOSYS, as every
 * call Cairn does not implement (see enosys.c). Built only when libs/vfs is not. */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <cairn/config.h>

/* Stubs ignore their arguments by design. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

void cairn_enosys_warn(const char* name);

#ifdef CONFIG_DEBUG
#define WARN_ONCE(name)        \
  do {                         \
    static int warned;         \
    if (!warned) {             \
      warned = 1;              \
      cairn_enosys_warn(name); \
    }                          \
  } while (0)
#else
#define WARN_ONCE(name) ((void)0)
#endif

#define ENOSYS_STUB(ret, name, params)    \
  __attribute__((weak)) ret name params { \
    WARN_ONCE(#name);                     \
    errno = ENOSYS;                       \
    return (ret)-1;                       \
  }

ENOSYS_STUB(int, _open, (const char* path, int flags, ...))
ENOSYS_STUB(int, _link, (const char* old, const char* new_path))
ENOSYS_STUB(int, _unlink, (const char* path))
ENOSYS_STUB(int, _stat, (const char* path, struct stat* st))
ENOSYS_STUB(int, access, (const char* path, int mode))
ENOSYS_STUB(int, chdir, (const char* path))
ENOSYS_STUB(int, fchdir, (int fd))
ENOSYS_STUB(int, chmod, (const char* path, mode_t mode))
ENOSYS_STUB(int, fchmod, (int fd, mode_t mode))
ENOSYS_STUB(int, chown, (const char* path, uid_t owner, gid_t group))
ENOSYS_STUB(int, fchown, (int fd, uid_t owner, gid_t group))
ENOSYS_STUB(int, lchown, (const char* path, uid_t owner, gid_t group))
ENOSYS_STUB(int, dup, (int fd))
ENOSYS_STUB(int, dup2, (int fd, int fd2))
ENOSYS_STUB(int, fsync, (int fd))
ENOSYS_STUB(int, fdatasync, (int fd))
ENOSYS_STUB(int, ftruncate, (int fd, off_t length))
ENOSYS_STUB(int, truncate, (const char* path, off_t length))
ENOSYS_STUB(int, lstat, (const char* path, struct stat* st))
ENOSYS_STUB(int, mkdir, (const char* path, mode_t mode))
ENOSYS_STUB(int, rmdir, (const char* path))
ENOSYS_STUB(int, pipe, (int fds[2]))
ENOSYS_STUB(ssize_t, readlink, (const char* path, char* buffer, size_t size))
ENOSYS_STUB(int, symlink, (const char* target, const char* path))

/* getcwd reports failure with NULL. */
__attribute__((weak)) char* getcwd(char* buffer, size_t size) {
  (void)buffer;
  (void)size;
  WARN_ONCE("getcwd");
  errno = ENOSYS;
  return NULL;
}
