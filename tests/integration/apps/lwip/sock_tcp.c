// TCP through plain POSIX sockets over 127.0.0.1: an echo server thread and a client
// doing 1000 round trips of 1-8000 bytes with send/recv, writev/readv and
// sendmsg/recvmsg, every byte checked; then 100 connections open at once, served by
// one thread with epoll (accept4 SOCK_NONBLOCK, level-triggered, connections closed
// without EPOLL_CTL_DEL).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sock_test.h"

enum { kEchoPort = 7801, kManyPort = 7802, kRoundTrips = 1000, kMaxMessage = 8000 };
enum { kConnections = 100, kMessages = 10 };

static int listen_on(int port, int backlog) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr*)&address, sizeof address) != 0 || listen(fd, backlog) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, (struct sockaddr*)&address, sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static uint8_t pattern(int i, size_t k) { return (uint8_t)(k * 7 + (size_t)i * 13 + 1); }

static void* echo_server(void* arg) {
  int listener = *(int*)arg;
  int fd = accept(listener, NULL, NULL);
  STHREAD_CHECK(fd >= 0);
  // Without it, each echo split over two writes waits for lwIP's delayed ACK
  // (250 ms): Nagle holds the tail back until the head is acknowledged.
  int on = 1;
  STHREAD_CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0);
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) {
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(fd, buffer + done, (size_t)(n - done));
      STHREAD_CHECK(w > 0);
      if (w <= 0) break;
      done += w;
    }
  }
  STHREAD_CHECK(n == 0);
  close(fd);
  return NULL;
}

// Sends message i three ways in turn and reads the echo back three ways.
static int round_trip(int fd, int i, size_t* bytes) {
  static uint8_t out[kMaxMessage], in[kMaxMessage];
  size_t length = 1 + (size_t)(i * 97) % kMaxMessage;
  for (size_t k = 0; k < length; ++k) out[k] = pattern(i, k);
  size_t half = length / 2;
  if (i % 3 == 0) {
    SCHECK(send(fd, out, length, MSG_NOSIGNAL) == (ssize_t)length);
  } else if (i % 3 == 1) {
    struct iovec v[2] = {{out, half}, {out + half, length - half}};
    SCHECK(writev(fd, v, 2) == (ssize_t)length);
  } else {
    struct iovec v[2] = {{out, half}, {out + half, length - half}};
    struct msghdr m = {.msg_iov = v, .msg_iovlen = 2};
    SCHECK(sendmsg(fd, &m, 0) == (ssize_t)length);
  }
  memset(in, 0, length);
  for (size_t got = 0; got < length;) {
    ssize_t n;
    if (i % 3 == 0) {
      n = recv(fd, in + got, length - got, 0);
    } else if (i % 3 == 1) {
      size_t left = length - got, first = left / 2;
      struct iovec v[2] = {{in + got, first}, {in + got + first, left - first}};
      n = readv(fd, v, 2);
    } else {
      struct iovec v[1] = {{in + got, length - got}};
      struct msghdr m = {.msg_iov = v, .msg_iovlen = 1};
      n = recvmsg(fd, &m, 0);
    }
    SCHECK(n > 0);
    got += (size_t)n;
  }
  SCHECK(memcmp(in, out, length) == 0);
  *bytes += length;
  return 0;
}

int test_sock_tcp_echo(void) {
  int listener = listen_on(kEchoPort, 4);
  SCHECK(listener >= 0);
  pthread_t server;
  SCHECK(pthread_create(&server, NULL, echo_server, &listener) == 0);
  int fd = connect_to(kEchoPort);
  SCHECK(fd >= 0);
  int on = 1;
  SCHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0);
  size_t bytes = 0;
  for (int i = 0; i < kRoundTrips; ++i)
    if (round_trip(fd, i, &bytes) != 0) return 1;
  SCHECK(close(fd) == 0);
  pthread_join(server, NULL);
  SCHECK(close(listener) == 0);
  printf("sock-tcp-echo: %d round trips, %zu bytes echoed intact\n", kRoundTrips, bytes);
  return 0;
}

// One thread, one epoll instance, every connection: accept until EAGAIN, echo what
// arrives, close on end of file (without EPOLL_CTL_DEL: the registration goes with
// the last descriptor, as on Linux).
static void* epoll_server(void* arg) {
  int listener = *(int*)arg;
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  STHREAD_CHECK(epfd >= 0);
  struct epoll_event event = {.events = EPOLLIN, .data.fd = listener};
  STHREAD_CHECK(epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &event) == 0);
  int accepted = 0, closed = 0, most_at_once = 0, open_now = 0;
  while (closed < kConnections) {
    struct epoll_event events[64];
    int n = epoll_wait(epfd, events, 64, 10000);
    STHREAD_CHECK(n > 0);
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listener) {
        int c;
        while ((c = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = c};
          STHREAD_CHECK(epoll_ctl(epfd, EPOLL_CTL_ADD, c, &e) == 0);
          ++accepted;
          if (++open_now > most_at_once) most_at_once = open_now;
        }
        STHREAD_CHECK(errno == EAGAIN);
        continue;
      }
      char buffer[2048];
      ssize_t got = recv(fd, buffer, sizeof buffer, 0);
      if (got > 0) {
        STHREAD_CHECK(send(fd, buffer, (size_t)got, 0) == got);
      } else if (got == 0) {
        close(fd);
        ++closed;
        --open_now;
      } else {
        STHREAD_CHECK(errno == EAGAIN);
      }
    }
  }
  STHREAD_CHECK(accepted == kConnections);
  STHREAD_CHECK(most_at_once == kConnections);
  close(epfd);
  return NULL;
}

int test_sock_epoll_many(void) {
  int listener = listen_on(kManyPort, 128);
  SCHECK(listener >= 0);
  SCHECK(fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK) == 0);
  pthread_t server;
  SCHECK(pthread_create(&server, NULL, epoll_server, &listener) == 0);
  static int fds[kConnections];
  for (int c = 0; c < kConnections; ++c) {
    fds[c] = connect_to(kManyPort);
    SCHECK(fds[c] >= 0);
  }
  for (int m = 0; m < kMessages; ++m) {
    for (int c = 0; c < kConnections; ++c) {
      char message[64];
      int length = snprintf(message, sizeof message, "message %d on connection %d", m, c);
      SCHECK(send(fds[c], message, (size_t)length, 0) == length);
    }
    for (int c = 0; c < kConnections; ++c) {
      char expected[64], echo[64];
      int length = snprintf(expected, sizeof expected, "message %d on connection %d", m, c);
      for (int got = 0; got < length;) {
        ssize_t n = recv(fds[c], echo + got, (size_t)(length - got), 0);
        SCHECK(n > 0);
        got += (int)n;
      }
      SCHECK(memcmp(echo, expected, (size_t)length) == 0);
    }
  }
  for (int c = 0; c < kConnections; ++c) SCHECK(close(fds[c]) == 0);
  pthread_join(server, NULL);
  SCHECK(close(listener) == 0);
  printf("sock-epoll-many: %d connections x %d messages echoed by one epoll thread\n", kConnections,
         kMessages);
  return 0;
}
