// Non-blocking connect and accept, refused connections, receive timeouts, shutdown,
// resets, names and options, and name resolution, all through POSIX calls.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sock_test.h"

long long sock_now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int sock_tcp_pair(int port, int fds[2]) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a = loopback(port);
  if (listener < 0 || bind(listener, (struct sockaddr*)&a, sizeof a) != 0 ||
      listen(listener, 1) != 0)
    return -1;
  fds[0] = socket(AF_INET, SOCK_STREAM, 0);
  if (fds[0] < 0 || connect(fds[0], (struct sockaddr*)&a, sizeof a) != 0) return -1;
  fds[1] = accept(listener, NULL, NULL);
  close(listener);
  return fds[1] >= 0 ? 0 : -1;
}

static void* blocked_receiver(void* arg) {
  char c;
  STHREAD_CHECK(recv(*(int*)arg, &c, 1, 0) == 0);  // woken by shutdown(SHUT_RD)
  return NULL;
}

int test_sock_nonblock(void) {
  // accept on a non-blocking listener with nobody connecting.
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = loopback(7831);
  SCHECK(bind(listener, (struct sockaddr*)&a, sizeof a) == 0 && listen(listener, 4) == 0);
  SCHECK(accept(listener, NULL, NULL) == -1 && errno == EAGAIN);

  // A non-blocking connect: EINPROGRESS, then writable with SO_ERROR 0.
  int client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  SCHECK(client >= 0 && (fcntl(client, F_GETFD) & FD_CLOEXEC));
  SCHECK(connect(client, (struct sockaddr*)&a, sizeof a) == -1 && errno == EINPROGRESS);
  struct pollfd p = {client, POLLOUT, 0};
  SCHECK(poll(&p, 1, 5000) == 1 && p.revents == POLLOUT);
  int error = -1;
  socklen_t length = sizeof error;
  SCHECK(getsockopt(client, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0);
  SCHECK(connect(client, (struct sockaddr*)&a, sizeof a) == -1 && errno == EISCONN);
  struct pollfd l = {listener, POLLIN, 0};
  SCHECK(poll(&l, 1, 5000) == 1 && l.revents == POLLIN);
  struct sockaddr_in peer;
  length = sizeof peer;
  int server = accept4(listener, (struct sockaddr*)&peer, &length, SOCK_NONBLOCK);
  SCHECK(server >= 0 && length == sizeof peer && peer.sin_family == AF_INET);
  SCHECK(fcntl(server, F_GETFL) & O_NONBLOCK);

  // Names: each end sees the other.
  struct sockaddr_in local, remote;
  socklen_t local_length = sizeof local, remote_length = sizeof remote;
  SCHECK(getsockname(client, (struct sockaddr*)&local, &local_length) == 0);
  SCHECK(getpeername(server, (struct sockaddr*)&remote, &remote_length) == 0);
  SCHECK(local.sin_port == remote.sin_port && local.sin_port == peer.sin_port &&
         ntohs(local.sin_port) != 0 && remote.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  SCHECK(getsockname(server, (struct sockaddr*)&local, &local_length) == 0 &&
         local.sin_port == htons(7831));
  SCHECK(getpeername(listener, (struct sockaddr*)&remote, &remote_length) == -1 &&
         errno == ENOTCONN);

  // Nothing to read: EAGAIN (non-blocking socket, or MSG_DONTWAIT, or FIONBIO).
  char buffer[64];
  SCHECK(recv(server, buffer, sizeof buffer, 0) == -1 && errno == EAGAIN);
  int off = 0;
  SCHECK(ioctl(client, FIONBIO, &off) == 0 && !(fcntl(client, F_GETFL) & O_NONBLOCK));
  SCHECK(recv(client, buffer, sizeof buffer, MSG_DONTWAIT) == -1 && errno == EAGAIN);

  // SO_RCVTIMEO: a blocking receive gives up with EAGAIN.
  struct timeval timeout = {0, 200 * 1000};
  SCHECK(setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0);
  long long start = sock_now_ms();
  SCHECK(recv(client, buffer, sizeof buffer, 0) == -1 && errno == EAGAIN);
  long long waited = sock_now_ms() - start;
  SCHECK(waited >= 190 && waited < 1000);
  printf("sock-nonblock: SO_RCVTIMEO: EAGAIN after %lld ms\n", waited);

  // shutdown(SHUT_WR): the peer reads end of file but can still send back; writing
  // after it is EPIPE (no SIGPIPE).
  SCHECK(send(client, "hello", 5, 0) == 5);
  SCHECK(shutdown(client, SHUT_WR) == 0);
  struct pollfd s = {server, POLLIN, 0};
  int got = 0;
  while (got < 5 && poll(&s, 1, 5000) == 1) {
    ssize_t n = recv(server, buffer + got, sizeof buffer - (size_t)got, 0);
    SCHECK(n > 0);
    got += (int)n;
  }
  SCHECK(got == 5 && memcmp(buffer, "hello", 5) == 0);
  SCHECK(poll(&s, 1, 5000) == 1 && recv(server, buffer, sizeof buffer, 0) == 0);
  SCHECK(send(server, "back", 4, 0) == 4);
  SCHECK(recv(client, buffer, 4, MSG_WAITALL) == 4 && memcmp(buffer, "back", 4) == 0);
  SCHECK(send(client, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);

  // shutdown(SHUT_RD) wakes a receiver blocked in another thread.
  pthread_t thread;
  timeout = (struct timeval){0, 0};
  SCHECK(setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0);
  SCHECK(pthread_create(&thread, NULL, blocked_receiver, &client) == 0);
  struct timespec delay = {0, 50 * 1000 * 1000};
  nanosleep(&delay, NULL);
  SCHECK(shutdown(client, SHUT_RD) == 0);
  pthread_join(thread, NULL);
  SCHECK(close(client) == 0 && close(server) == 0);

  // A reset: closing with unread data resets the connection; the peer's receive
  // says ECONNRESET once, then end of file; its send then fails.
  int pair[2];
  SCHECK(sock_tcp_pair(7832, pair) == 0);
  SCHECK(send(pair[0], "unread", 6, 0) == 6);
  nanosleep(&delay, NULL);
  SCHECK(close(pair[1]) == 0);
  struct pollfd r = {pair[0], POLLIN, 0};
  SCHECK(poll(&r, 1, 5000) == 1 && (r.revents & (POLLERR | POLLHUP)));
  SCHECK(recv(pair[0], buffer, sizeof buffer, 0) == -1 && errno == ECONNRESET);
  SCHECK(send(pair[0], "x", 1, MSG_NOSIGNAL) == -1 && (errno == EPIPE || errno == ECONNRESET));
  SCHECK(close(pair[0]) == 0);

  // Refused: blocking connect says ECONNREFUSED; non-blocking reports it via
  // POLLERR and SO_ERROR.
  struct sockaddr_in nobody = loopback(7839);
  int refused = socket(AF_INET, SOCK_STREAM, 0);
  SCHECK(connect(refused, (struct sockaddr*)&nobody, sizeof nobody) == -1 && errno == ECONNREFUSED);
  SCHECK(close(refused) == 0);
  refused = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  SCHECK(connect(refused, (struct sockaddr*)&nobody, sizeof nobody) == -1 && errno == EINPROGRESS);
  p = (struct pollfd){refused, POLLOUT, 0};
  SCHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLERR) && (p.revents & POLLOUT));
  length = sizeof error;
  SCHECK(getsockopt(refused, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == ECONNREFUSED);
  SCHECK(close(refused) == 0);
  SCHECK(close(listener) == 0);
  printf("sock-nonblock: EAGAIN, EINPROGRESS, ECONNREFUSED, ECONNRESET, EPIPE, shutdown ok\n");
  return 0;
}

int test_sock_options(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int value = 1;
  socklen_t length = sizeof value;
  SCHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, sizeof value) == 0);
  SCHECK(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &value, &length) == 0 && value == 1);
  SCHECK(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &value, sizeof value) == 0);
  SCHECK(getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &value, &length) == 0 && value == 1);
  SCHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof value) == 0);
  SCHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length) == 0 && value == 1);
  value = 30;
  SCHECK(setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &value, sizeof value) == 0);
  SCHECK(setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &value, sizeof value) == 0);
  value = 5;
  SCHECK(setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &value, sizeof value) == 0);
  SCHECK(getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &value, &length) == 0 && value == 30);
  SCHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &length) == 0 && value == SOCK_STREAM);
  value = 262144;
  SCHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof value) == 0);
  SCHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, sizeof value) == 0);
  struct timeval tv = {2, 500000};
  SCHECK(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0);
  struct timeval back;
  length = sizeof back;
  SCHECK(getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &back, &length) == 0 && back.tv_sec == 2 &&
         back.tv_usec == 500000);
  length = sizeof value;
  SCHECK(getsockopt(fd, SOL_SOCKET, 12345, &value, &length) == -1 && errno == ENOPROTOOPT);
  SCHECK(setsockopt(fd, 99, 1, &value, sizeof value) == -1 && errno == ENOPROTOOPT);
  int six = socket(AF_INET6, SOCK_DGRAM, 0);
  value = 1;
  SCHECK(setsockopt(six, IPPROTO_IPV6, IPV6_V6ONLY, &value, sizeof value) == 0);
  length = sizeof value;
  SCHECK(getsockopt(six, IPPROTO_IPV6, IPV6_V6ONLY, &value, &length) == 0 && value == 1);
  // Descriptors that are not sockets.
  SCHECK(setsockopt(0, SOL_SOCKET, SO_REUSEADDR, &value, sizeof value) == -1 && errno == ENOTSOCK);
  SCHECK(listen(12345, 1) == -1 && errno == EBADF);
  SCHECK(socket(AF_INET, 77, 0) == -1);
  SCHECK(socket(12345, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
  // Binding port 0 picks one; a second bind of the same port is EADDRINUSE.
  int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in address = loopback(0);
  SCHECK(bind(a, (struct sockaddr*)&address, sizeof address) == 0);
  length = sizeof address;
  SCHECK(getsockname(a, (struct sockaddr*)&address, &length) == 0 && address.sin_port != 0);
  SCHECK(bind(b, (struct sockaddr*)&address, sizeof address) == -1 && errno == EADDRINUSE);
  SCHECK(close(a) == 0 && close(b) == 0 && close(fd) == 0 && close(six) == 0);
  printf("sock-options: options and errors ok\n");
  return 0;
}

int test_sock_netdb(void) {
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  struct addrinfo* list = NULL;
  SCHECK(getaddrinfo("localhost", "http", &hints, &list) == 0 && list);
  struct sockaddr_in* in = (struct sockaddr_in*)list->ai_addr;
  SCHECK(list->ai_family == AF_INET && in->sin_port == htons(80) &&
         in->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && list->ai_next == NULL);
  freeaddrinfo(list);
  hints = (struct addrinfo){.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_DGRAM};
  SCHECK(getaddrinfo(NULL, "5353", &hints, &list) == 0);
  int count = 0;
  for (struct addrinfo* i = list; i; i = i->ai_next) ++count;
  SCHECK(count == 2 && list->ai_family == AF_INET && list->ai_next->ai_family == AF_INET6);
  freeaddrinfo(list);
  hints = (struct addrinfo){.ai_flags = AI_NUMERICHOST};
  SCHECK(getaddrinfo("example.com", NULL, &hints, &list) == EAI_NONAME);
  SCHECK(strcmp(gai_strerror(EAI_NONAME), "Name or service not known") == 0);
  SCHECK(getaddrinfo("::1", "7", NULL, &list) == 0 && list->ai_family == AF_INET6);
  char host[NI_MAXHOST], service[NI_MAXSERV];
  SCHECK(getnameinfo(list->ai_addr, list->ai_addrlen, host, sizeof host, service, sizeof service,
                     NI_NUMERICHOST | NI_NUMERICSERV) == 0);
  SCHECK(strcmp(host, "::1") == 0 && strcmp(service, "7") == 0);
  freeaddrinfo(list);
  struct hostent* h = gethostbyname("localhost");
  SCHECK(h && h->h_addrtype == AF_INET && h->h_length == 4);
  SCHECK(((struct in_addr*)h->h_addr)->s_addr == htonl(INADDR_LOOPBACK));
  struct in6_addr six;
  char text[INET6_ADDRSTRLEN];
  SCHECK(inet_pton(AF_INET6, "2001:db8::ff00:42:8329", &six) == 1);
  SCHECK(strcmp(inet_ntop(AF_INET6, &six, text, sizeof text), "2001:db8::ff00:42:8329") == 0);
  SCHECK(inet_addr("10.0.2.15") == htonl(0x0a00020f));
  printf("sock-netdb: getaddrinfo, getnameinfo, gethostbyname, inet_pton/ntop ok\n");
  return 0;
}
