/* Calls that Cairn does not implement yet fail with ENOSYS instead of failing to link
 * or crashing. Every stub is weak: the component that implements a call for real
 * (the VFS, the scheduler, the time library...) defines it strongly and wins.
 * In debug builds (CONFIG_DEBUG) each stub warns once, naming the call. */
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

/* Called by newlib's own wrappers (system()...). The file calls are the VFS's
 * (CONFIG_VFS), or enosys_files.c's stubs without it. */
ENOSYS_STUB(int, _fork, (void))
ENOSYS_STUB(int, _execve, (const char* path, char* const argv[], char* const envp[]))
ENOSYS_STUB(int, _wait, (int* status))

/* POSIX calls newlib declares but leaves to the system. */
ENOSYS_STUB(long, sysconf, (int name))

/* The application runs as root in its own machine. */
__attribute__((weak)) uid_t getuid(void) { return 0; }
__attribute__((weak)) uid_t geteuid(void) { return 0; }
__attribute__((weak)) gid_t getgid(void) { return 0; }
__attribute__((weak)) gid_t getegid(void) { return 0; }
__attribute__((weak)) pid_t getppid(void) { return 0; }
