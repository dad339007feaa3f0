/* Cairn: stand-in for glibc's <features.h> when compiling against newlib.
 *
 * The host's libstdc++ headers (/usr/include/c++/12) were configured for
 * glibc: bits/os_defines.h, the first thing every libstdc++ header pulls in,
 * includes <features.h> and tests glibc's version with __GLIBC_PREREQ.
 * newlib has no <features.h> (its feature macros live in <sys/features.h>),
 * so this directory goes on the include path after libstdc++'s directories
 * and before GCC's and newlib's (see ../README.md). It is for the header-only
 * use of libstdc++ until libs/cxx builds a libstdc++ configured for newlib;
 * then it should go.
 */
#ifndef _CAIRN_NEWLIB_SHIM_FEATURES_H
#define _CAIRN_NEWLIB_SHIM_FEATURES_H

#include <sys/features.h>

/* "Not glibc": every __GLIBC_PREREQ test takes its conservative branch.
   __GLIBC__ stays undefined on purpose. */
#ifndef __GLIBC_PREREQ
#define __GLIBC_PREREQ(maj, min) 0
#endif

#ifdef __cplusplus
/* The glibc build of libstdc++ 12 implements std::atomic<T>::wait/notify
   (C++20) in bits/atomic_wait.h with Linux futexes through syscall(2) and
   with pthread mutexes and condition variables; <atomic> includes it, so
   <atomic> would not compile against newlib. Marking that header as already
   included leaves __cpp_lib_atomic_wait undefined, and <atomic> then omits
   wait/notify (a use is a compile error, never a silent failure). Caveat:
   <version> still defines __cpp_lib_atomic_wait, so a file that includes
   <version> before <atomic> does not compile. */
#define _GLIBCXX_ATOMIC_WAIT_H 1
#endif

#ifdef __cplusplus
/* The glibc build of <ctime> (included by <chrono>, <mutex>, ...) names C11's
   timespec_get in a using-declaration; newlib 3.3 lacks it. libs/posix/src/time.cpp
   implements it (TIME_UTC only). */
extern "C" {
struct timespec;
int timespec_get(struct timespec* ts, int base);
}
#ifndef TIME_UTC
#define TIME_UTC 1
#endif
#endif

#endif /* _CAIRN_NEWLIB_SHIM_FEATURES_H */
