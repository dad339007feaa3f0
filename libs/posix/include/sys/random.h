/* getrandom() and getentropy(), as on Linux (glibc's <sys/random.h>; newlib has no such
   header). Cairn fills them from a virtio-rng device when there is one, else from the
   CPU's RDSEED/RDRAND. */
#ifndef _SYS_RANDOM_H
#define _SYS_RANDOM_H

#include <sys/types.h>

/* Accepted for compatibility: Cairn's sources never block for lack of entropy, and
   there is only one pool. */
#define GRND_NONBLOCK 0x01
#define GRND_RANDOM 0x02
#define GRND_INSECURE 0x04

#ifdef __cplusplus
extern "C" {
#endif

/* Fills up to `length` bytes (all of them, up to 33554431 as on Linux) and returns the
   count; -1 with EINVAL for unknown flags, EFAULT for a NULL buffer, EIO when the
   image has no entropy source. */
ssize_t getrandom(void* buffer, size_t length, unsigned int flags);

/* Fills all `length` bytes (at most 256, else EIO, as glibc); 0, or -1 with errno. */
int getentropy(void* buffer, size_t length);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_RANDOM_H */
