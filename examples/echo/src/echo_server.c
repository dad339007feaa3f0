// poll(), level-triggered by nature: every connection is polled for exactly what it
// waits for (input, or room for its pending echo). The descriptor set is rebuilt on
// every round, which is O(connections) and keeps the code obvious; an echo server
// with more than a few hundred clients would want epoll like httpd.
#define _GNU_SOURCE  // accept4
#include "echo_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp_echo.h"
#include "udp_echo.h"

struct echo_stats {
  unsigned long long accepted, closed, accept_errors, tcp_bytes, udp_datagrams;
};

static int set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static int open_socket(int type, int port) {
  int fd = socket(AF_INET, type, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 ||
      (type == SOCK_STREAM && listen(fd, 128) != 0) || set_nonblocking(fd) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int accept_nonblocking(int listener) {
#ifdef SOCK_NONBLOCK
  return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
  int fd = accept(listener, NULL, NULL);
  if (fd >= 0 && set_nonblocking(fd) != 0) {
    close(fd);
    return -1;
  }
  return fd;
#endif
}

struct echo_server {
  const struct echo_config* config;
  int tcp_fd, udp_fd;
  struct tcp_echo** conns;
  int count;
  struct pollfd* fds;  // [0] listener, [1] UDP, then the connections in order
  struct echo_stats stats;
  int accept_paused;  // out of resources: skip accepting for one round (at most 100 ms)
};

static void accept_connections(struct echo_server* s) {
  while (s->count < s->config->max_connections) {
    int fd = accept_nonblocking(s->tcp_fd);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      ++s->stats.accept_errors;
      if (errno == ECONNABORTED || errno == EINTR || errno == EPROTO) continue;
      s->accept_paused = 1;  // EMFILE, ENOMEM...: let connections end first
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct tcp_echo* c = tcp_echo_new(fd);
    if (c == NULL) {
      close(fd);
      ++s->stats.accept_errors;
      s->accept_paused = 1;
      return;
    }
    s->conns[s->count++] = c;
    ++s->stats.accepted;
  }
}

static void close_conn(struct echo_server* s, int i) {
  s->stats.tcp_bytes += s->conns[i]->echoed;
  tcp_echo_free(s->conns[i]);
  s->conns[i] = s->conns[--s->count];  // order does not matter
  ++s->stats.closed;
}

// One poll round; returns 1 when a quit datagram came (test mode).
static int poll_round(struct echo_server* s) {
  int accepting = s->count < s->config->max_connections && !s->accept_paused;
  s->fds[0] = (struct pollfd){.fd = accepting ? s->tcp_fd : -1, .events = POLLIN};
  s->fds[1] = (struct pollfd){.fd = s->udp_fd, .events = POLLIN};
  for (int i = 0; i < s->count; ++i)
    s->fds[2 + i] = (struct pollfd){.fd = s->conns[i]->fd, .events = tcp_echo_events(s->conns[i])};
  int n = poll(s->fds, (nfds_t)(2 + s->count), s->accept_paused ? 100 : -1);
  if (n < 0) return errno == EINTR ? 0 : -1;
  s->accept_paused = 0;
  int quit = 0;
  // Connections first, backwards: closing one moves the last into its slot.
  for (int i = s->count - 1; i >= 0; --i) {
    short revents = s->fds[2 + i].revents;
    if (revents != 0 && tcp_echo_handle(s->conns[i], revents) != 0) close_conn(s, i);
  }
  if (s->fds[1].revents)
    s->stats.udp_datagrams +=
        (unsigned)udp_echo_batch(s->udp_fd, s->config->test_mode ? "QUIT" : NULL, &quit);
  if (s->fds[0].revents) accept_connections(s);
  return quit;
}

static int count_open_fds(void) {
  int open = 0;
  for (int fd = 0; fd < 1024; ++fd)
    if (fcntl(fd, F_GETFD) >= 0) ++open;
  return open;
}

int echo_server_run(const struct echo_config* config) {
  int fds_before = count_open_fds();
  struct echo_server s = {.config = config};
  s.tcp_fd = open_socket(SOCK_STREAM, config->port);
  s.udp_fd = open_socket(SOCK_DGRAM, config->port);
  s.conns = calloc((size_t)config->max_connections, sizeof *s.conns);
  s.fds = calloc((size_t)config->max_connections + 2, sizeof *s.fds);
  if (s.tcp_fd < 0 || s.udp_fd < 0 || s.conns == NULL || s.fds == NULL) {
    perror("echo: setting up");
    return 1;
  }
  printf("echo: TCP and UDP port %d (poll, up to %d connections)\n", config->port,
         config->max_connections);
  fflush(stdout);

  int r;
  while ((r = poll_round(&s)) == 0) {
  }
  if (r < 0) perror("echo: poll");

  // Clients that vanished must have been noticed by now.
  printf("echo: connections open at the end: %d\n", s.count);
  while (s.count > 0) close_conn(&s, s.count - 1);
  close(s.tcp_fd);
  close(s.udp_fd);
  free(s.conns);
  free(s.fds);
  printf("echo: accepted=%llu closed=%llu accept-errors=%llu tcp-bytes=%llu udp-datagrams=%llu\n",
         s.stats.accepted, s.stats.closed, s.stats.accept_errors, s.stats.tcp_bytes,
         s.stats.udp_datagrams);
  int fds_after = count_open_fds();
  printf("echo: open descriptors before %d, after %d\n", fds_before, fds_after);
  return r < 0 || (config->test_mode && fds_after != fds_before) ? 1 : 0;
}
