// udp-server: answers every datagram, on two ports.
//   PORT_A (recvfrom/sendto): the datagram's bytes in reverse order.
//   PORT_B (recvmsg/sendmsg, scattered over three buffers each way): an 8-byte header
//          (the length and the FNV-1a hash of the data, both 32-bit big-endian), then
//          the data itself.
// A datagram "QUIT" on PORT_A ends the server, which prints what it answered.
//
//   udp-server [PORT_A [PORT_B]]      (default 7100 and 7101)
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_DATAGRAM 65536

static unsigned char data[MAX_DATAGRAM], reply[MAX_DATAGRAM];

struct counts {
  unsigned long datagrams, bytes, errors;
};

static int bind_udp(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("socket");
    return -1;
  }
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) < 0) {
    fprintf(stderr, "udp-server: port %d: %s\n", port, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

// Port A. Returns 1 for QUIT.
static int answer_reversed(int fd, struct counts* counts) {
  struct sockaddr_in peer;
  socklen_t peer_size = sizeof peer;
  ssize_t got = recvfrom(fd, data, sizeof data, 0, (struct sockaddr*)&peer, &peer_size);
  if (got < 0) {
    printf("udp-server: recvfrom: %s\n", strerror(errno));
    counts->errors++;
    return 0;
  }
  if (got == 4 && memcmp(data, "QUIT", 4) == 0) return 1;
  for (ssize_t i = 0; i < got; ++i) reply[i] = data[got - 1 - i];
  ssize_t sent = sendto(fd, reply, (size_t)got, 0, (struct sockaddr*)&peer, peer_size);
  if (sent != got) {
    printf("udp-server: sendto %zd bytes: %s\n", got, sent < 0 ? strerror(errno) : "short");
    counts->errors++;
    return 0;
  }
  counts->datagrams++;
  counts->bytes += (unsigned long)got;
  return 0;
}

static uint32_t fnv1a(const unsigned char* p, size_t n) {
  uint32_t h = 2166136261u;
  while (n-- > 0) h = (h ^ *p++) * 16777619u;
  return h;
}

static void put32(unsigned char* p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

// Port B: scattered in, gathered out.
static void answer_with_header(int fd, struct counts* counts) {
  struct sockaddr_in peer;
  struct iovec in[3] = {{data, 7}, {data + 7, 1000}, {data + 1007, sizeof data - 1007}};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_name = &peer;
  msg.msg_namelen = sizeof peer;
  msg.msg_iov = in;
  msg.msg_iovlen = 3;
  ssize_t got = recvmsg(fd, &msg, 0);
  if (got < 0 || (msg.msg_flags & MSG_TRUNC) || msg.msg_namelen != sizeof peer ||
      peer.sin_family != AF_INET) {
    printf("udp-server: recvmsg: %zd bytes, flags %#x, name %u bytes: %s\n", got, msg.msg_flags,
           (unsigned)msg.msg_namelen, got < 0 ? strerror(errno) : "unexpected");
    counts->errors++;
    return;
  }
  unsigned char header[8];
  put32(header, (uint32_t)got);
  put32(header + 4, fnv1a(data, (size_t)got));
  size_t half = (size_t)got / 2;
  struct iovec out[3] = {{header, sizeof header}, {data, half}, {data + half, (size_t)got - half}};
  struct msghdr answer;
  memset(&answer, 0, sizeof answer);
  answer.msg_name = &peer;
  answer.msg_namelen = sizeof peer;
  answer.msg_iov = out;
  answer.msg_iovlen = 3;
  ssize_t sent = sendmsg(fd, &answer, 0);
  if (sent != got + (ssize_t)sizeof header) {
    printf("udp-server: sendmsg %zd bytes: %s\n", got + 8, sent < 0 ? strerror(errno) : "short");
    counts->errors++;
    return;
  }
  counts->datagrams++;
  counts->bytes += (unsigned long)got;
}

static int port_argument(const char* text) {
  char* end;
  long port = strtol(text, &end, 10);
  return *end == '\0' && port > 0 && port < 65536 ? (int)port : -1;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int port_a = argc > 1 ? port_argument(argv[1]) : 7100;
  int port_b = argc > 2 ? port_argument(argv[2]) : 7101;
  if (port_a < 0 || port_b < 0 || argc > 3) {
    fprintf(stderr, "usage: udp-server [PORT_A [PORT_B]]\n");
    return 2;
  }
  struct pollfd fds[2] = {{.fd = bind_udp(port_a), .events = POLLIN},
                          {.fd = bind_udp(port_b), .events = POLLIN}};
  if (fds[0].fd < 0 || fds[1].fd < 0) return 1;
  printf("udp-server: ready on ports %d (reversed) and %d (with header)\n", port_a, port_b);

  struct counts a = {0, 0, 0}, b = {0, 0, 0};
  for (int quit = 0; !quit;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      perror("poll");
      return 1;
    }
    if (fds[0].revents & POLLIN) quit = answer_reversed(fds[0].fd, &a);
    if (fds[1].revents & POLLIN) answer_with_header(fds[1].fd, &b);
  }
  close(fds[0].fd);
  close(fds[1].fd);
  printf(
      "udp-server: port %d: %lu datagrams, %lu bytes; port %d: %lu datagrams, %lu bytes; "
      "%lu errors\n",
      port_a, a.datagrams, a.bytes, port_b, b.datagrams, b.bytes, a.errors + b.errors);
  return a.errors + b.errors == 0 ? 0 : 1;
}
