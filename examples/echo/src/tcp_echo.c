#include "tcp_echo.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0  // no signals to suppress
#endif

struct tcp_echo* tcp_echo_new(int fd) {
  struct tcp_echo* c = malloc(sizeof *c);
  if (c == NULL) return NULL;
  c->fd = fd;
  c->len = c->sent = 0;
  c->echoed = 0;
  return c;
}

void tcp_echo_free(struct tcp_echo* c) {
  close(c->fd);
  free(c);
}

static int would_block(void) { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

// Sends what is buffered. 0: all sent or the socket is full; -1: broken.
static int send_pending(struct tcp_echo* c) {
  while (c->sent < c->len) {
    ssize_t n = send(c->fd, c->buf + c->sent, c->len - c->sent, MSG_NOSIGNAL);
    if (n < 0) return would_block() ? 0 : -1;
    c->sent += (size_t)n;
    c->echoed += (unsigned long long)n;
  }
  c->len = c->sent = 0;
  return 0;
}

int tcp_echo_handle(struct tcp_echo* c, short revents) {
  if (revents & (POLLERR | POLLNVAL)) return -1;
  if (c->len > 0) return send_pending(c);
  if (!(revents & (POLLIN | POLLHUP))) return 0;
  ssize_t n = recv(c->fd, c->buf, sizeof c->buf, 0);
  if (n == 0) return -1;  // the peer is done and everything was echoed
  if (n < 0) return would_block() ? 0 : -1;
  c->len = (size_t)n;
  return send_pending(c);  // at once: usually the socket takes it all
}

short tcp_echo_events(const struct tcp_echo* c) { return c->len > 0 ? POLLOUT : POLLIN; }
