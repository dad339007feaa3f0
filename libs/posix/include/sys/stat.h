/* newlib's <sys/stat.h> plus what it declares only for Cygwin and RTEMS: lstat(),
 * mknod() and the UTIME_NOW/UTIME_OMIT values of utimensat() and futimens() (Linux's). */
#ifndef _CAIRN_SYS_STAT_H
#define _CAIRN_SYS_STAT_H

#include_next <sys/stat.h>

#ifndef UTIME_NOW
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
#endif

#ifdef __cplusplus
extern "C" {
#endif

int lstat(const char* __restrict path, struct stat* __restrict buffer);
int mknod(const char* path, mode_t mode, dev_t device);

#ifdef __cplusplus
}
#endif

#endif
