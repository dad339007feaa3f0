// UDP through POSIX sockets over 127.0.0.1 and ::1: an echo thread answering
// recvfrom with sendto, clients checking payloads and source addresses; MSG_PEEK,
// MSG_TRUNC, a connected socket with send/recv, FIONREAD.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock_test.h"

enum { kPort = 7811, kDatagrams = 100, kMax = 8000 };

struct echo_args {
  int fd;
  int count;
};

static void* udp_echo(void* arg) {
  struct echo_args* a = arg;
  static char buffer[65536];
  for (int i = 0; i < a->count; ++i) {
    struct sockaddr_storage from;
    socklen_t length = sizeof from;
    ssize_t n = recvfrom(a->fd, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &length);
    STHREAD_CHECK(n >= 0);
    STHREAD_CHECK(sendto(a->fd, buffer, (size_t)n, 0, (struct sockaddr*)&from, length) == n);
  }
  return NULL;
}

static int run_family(int family, size_t* bytes) {
  int server = socket(family, SOCK_DGRAM, 0), client = socket(family, SOCK_DGRAM, 0);
  SCHECK(server >= 0 && client >= 0);
  struct sockaddr_storage address = {0};
  socklen_t length;
  if (family == AF_INET) {
    struct sockaddr_in* in = (struct sockaddr_in*)&address;
    in->sin_family = AF_INET;
    in->sin_port = htons(kPort);
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof *in;
  } else {
    struct sockaddr_in6* in6 = (struct sockaddr_in6*)&address;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(kPort);
    in6->sin6_addr = in6addr_loopback;
    length = sizeof *in6;
  }
  SCHECK(bind(server, (struct sockaddr*)&address, length) == 0);
  struct echo_args args = {server, kDatagrams};
  pthread_t thread;
  SCHECK(pthread_create(&thread, NULL, udp_echo, &args) == 0);
  static uint8_t out[kMax], in[kMax];
  for (int i = 0; i < kDatagrams; ++i) {
    size_t n = 1 + (size_t)(i * 331) % kMax;
    for (size_t k = 0; k < n; ++k) out[k] = (uint8_t)(k + (size_t)i);
    SCHECK(sendto(client, out, n, 0, (struct sockaddr*)&address, length) == (ssize_t)n);
    struct sockaddr_storage from;
    socklen_t from_length = sizeof from;
    SCHECK(recvfrom(client, in, sizeof in, 0, (struct sockaddr*)&from, &from_length) == (ssize_t)n);
    SCHECK(memcmp(in, out, n) == 0);
    SCHECK(from_length == length && from.ss_family == family);
    SCHECK(memcmp(&from, &address, length) == 0);  // the server's address and port
    *bytes += n;
  }
  pthread_join(thread, NULL);

  // A connected client: send/recv; MSG_PEEK leaves the datagram; a short buffer
  // truncates it (MSG_TRUNC says so, and returns the real length when asked).
  SCHECK(connect(client, (struct sockaddr*)&address, length) == 0);
  args.count = 1;
  SCHECK(pthread_create(&thread, NULL, udp_echo, &args) == 0);
  SCHECK(send(client, "0123456789", 10, 0) == 10);
  pthread_join(thread, NULL);
  char small[4];
  int available = 0;
  SCHECK(recv(client, small, sizeof small, MSG_PEEK) == 4 && memcmp(small, "0123", 4) == 0);
  SCHECK(ioctl(client, FIONREAD, &available) == 0 && available == 10);
  struct iovec v = {small, sizeof small};
  struct msghdr m = {.msg_iov = &v, .msg_iovlen = 1};
  SCHECK(recvmsg(client, &m, 0) == 4 && (m.msg_flags & MSG_TRUNC));
  SCHECK(recv(client, small, sizeof small, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  SCHECK(close(client) == 0 && close(server) == 0);
  return 0;
}

int test_sock_udp(void) {
  size_t bytes = 0;
  if (run_family(AF_INET, &bytes) != 0) return 1;
  if (run_family(AF_INET6, &bytes) != 0) return 1;
  printf("sock-udp: %d datagrams each over 127.0.0.1 and ::1, %zu bytes echoed intact\n",
         kDatagrams, bytes);
  return 0;
}
