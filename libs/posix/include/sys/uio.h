/* Scatter-gather I/O (newlib has no <sys/uio.h>): readv, writev, preadv, pwritev. */
#ifndef _CAIRN_SYS_UIO_H
#define _CAIRN_SYS_UIO_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct iovec {
  void* iov_base;
  size_t iov_len;
};

#ifndef UIO_MAXIOV
#define UIO_MAXIOV 1024
#endif

ssize_t readv(int fd, const struct iovec* iov, int count);
ssize_t writev(int fd, const struct iovec* iov, int count);
ssize_t preadv(int fd, const struct iovec* iov, int count, off_t offset);
ssize_t pwritev(int fd, const struct iovec* iov, int count, off_t offset);

#ifdef __cplusplus
}
#endif

#endif
