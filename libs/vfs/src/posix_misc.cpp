// pathconf() and fpathconf(): the limits of Cairn's filesystems.
#include <errno.h>
#include <limits.h>
#include <unistd.h>

extern "C" {

// Path limits (sysconf() stays with the rest of the system).
long fpathconf(int, int name) {
  switch (name) {
    case _PC_NAME_MAX:
      return 255;
    case _PC_PATH_MAX:
      return 4096;
    case _PC_PIPE_BUF:
      return 4096;
    case _PC_LINK_MAX:
      return 65000;
    default:
      errno = EINVAL;
      return -1;
  }
}

long pathconf(const char*, int name) { return fpathconf(-1, name); }

}  // extern "C"
