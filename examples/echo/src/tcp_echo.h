// One TCP echo connection: what arrives is sent back, in order. While the peer does not
// read its echo, nothing more is read from it (the buffer bounds each connection).
#ifndef ECHO_TCP_ECHO_H
#define ECHO_TCP_ECHO_H

#include <stddef.h>

#define TCP_ECHO_BUFFER 16384

struct tcp_echo {
  int fd;
  size_t len, sent;  // buffered bytes, and how many of them went back already
  unsigned long long echoed;
  char buf[TCP_ECHO_BUFFER];
};

struct tcp_echo* tcp_echo_new(int fd);
void tcp_echo_free(struct tcp_echo* c);  // closes the socket

// Runs the connection on poll's revents. Returns 0 to keep it, -1 when it is over
// (the peer closed or reset).
int tcp_echo_handle(struct tcp_echo* c, short revents);

// What to poll the connection for next: POLLIN, or POLLOUT while an echo is pending.
short tcp_echo_events(const struct tcp_echo* c);

#endif
