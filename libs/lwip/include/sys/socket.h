/* BSD sockets (newlib has no <sys/socket.h>): Linux's constants and struct layouts, so
 * a Linux socket program compiles unchanged. Implemented by Cairn's socket layer over
 * lwIP's netconn API (libs/lwip/src/socket_*.cpp, docs/networking.md "Sockets"). */
#ifndef _CAIRN_SYS_SOCKET_H
#define _CAIRN_SYS_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _CAIRN_SOCKLEN_T
#define _CAIRN_SOCKLEN_T
typedef uint32_t socklen_t;
typedef unsigned short sa_family_t;
#endif

struct sockaddr {
  sa_family_t sa_family;
  char sa_data[14];
};

/* Large and aligned enough for every address family (128 bytes, as on Linux). */
struct sockaddr_storage {
  sa_family_t ss_family;
  char __ss_padding[128 - sizeof(sa_family_t) - sizeof(unsigned long)];
  unsigned long __ss_align;
};

struct msghdr {
  void* msg_name;
  socklen_t msg_namelen;
  struct iovec* msg_iov;
  size_t msg_iovlen;
  void* msg_control;
  size_t msg_controllen;
  int msg_flags;
};

struct cmsghdr {
  size_t cmsg_len;
  int cmsg_level;
  int cmsg_type;
};

struct linger {
  int l_onoff;
  int l_linger;
};

#define CMSG_ALIGN(len) (((len) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define CMSG_SPACE(len) (CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_DATA(cmsg) ((unsigned char*)((struct cmsghdr*)(cmsg) + 1))
#define CMSG_FIRSTHDR(mhdr)                                                                        \
  ((size_t)(mhdr)->msg_controllen >= sizeof(struct cmsghdr) ? (struct cmsghdr*)(mhdr)->msg_control \
                                                            : (struct cmsghdr*)0)
#define CMSG_NXTHDR(mhdr, cmsg)                                                      \
  (((unsigned char*)(cmsg) + CMSG_ALIGN((cmsg)->cmsg_len) + sizeof(struct cmsghdr) > \
    (unsigned char*)(mhdr)->msg_control + (mhdr)->msg_controllen)                    \
       ? (struct cmsghdr*)0                                                          \
       : (struct cmsghdr*)((unsigned char*)(cmsg) + CMSG_ALIGN((cmsg)->cmsg_len)))

/* Address and protocol families. */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_LOCAL AF_UNIX
#define AF_INET 2
#define AF_INET6 10
#define AF_PACKET 17
#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_LOCAL
#define PF_INET AF_INET
#define PF_INET6 AF_INET6
#define PF_PACKET AF_PACKET

/* Socket types, and the flags socket() and accept4() take in the same word. */
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000

#define SOL_SOCKET 1
#define SOMAXCONN 4096

/* SOL_SOCKET options. */
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_NO_CHECK 11
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_BINDTODEVICE 25
#define SO_TIMESTAMP 29
#define SO_ACCEPTCONN 30
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

/* send/recv flags. */
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

int socket(int domain, int type, int protocol);
int socketpair(int domain, int type, int protocol, int fds[2]);
int bind(int fd, const struct sockaddr* address, socklen_t length);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length);
int accept4(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length, int flags);
int connect(int fd, const struct sockaddr* address, socklen_t length);
ssize_t send(int fd, const void* buffer, size_t length, int flags);
ssize_t recv(int fd, void* buffer, size_t length, int flags);
ssize_t sendto(int fd, const void* buffer, size_t length, int flags, const struct sockaddr* address,
               socklen_t address_length);
ssize_t recvfrom(int fd, void* __restrict buffer, size_t length, int flags,
                 struct sockaddr* __restrict address, socklen_t* __restrict address_length);
ssize_t sendmsg(int fd, const struct msghdr* message, int flags);
ssize_t recvmsg(int fd, struct msghdr* message, int flags);
int shutdown(int fd, int how);
int setsockopt(int fd, int level, int name, const void* value, socklen_t length);
int getsockopt(int fd, int level, int name, void* __restrict value, socklen_t* __restrict length);
int getsockname(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length);
int getpeername(int fd, struct sockaddr* __restrict address, socklen_t* __restrict length);

#ifdef __cplusplus
}
#endif

#endif
