// resolve: resolves NAME with getaddrinfo, connects to it on PORT, says hello and prints
// the answer; then gethostbyname, a name that does not exist, numeric hosts and
// "localhost" (with a connection over loopback). Exits 0 when every step went as
// expected; each failure is printed as "resolve: FAIL ...".
//
//   resolve NAME PORT MISSING-NAME
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures;

static void fail(const char* what) {
  printf("resolve: FAIL %s\n", what);
  failures++;
}

static const char* text_of(const struct sockaddr* sa, char* out, size_t size, int* port) {
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in* in = (const struct sockaddr_in*)sa;
    *port = ntohs(in->sin_port);
    return inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)size);
  }
  const struct sockaddr_in6* in6 = (const struct sockaddr_in6*)sa;
  *port = ntohs(in6->sin6_port);
  return inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)size);
}

// Resolves name:service with the hints and prints the first address; returns the list.
static struct addrinfo* lookup(const char* name, const char* service, int family, int flags) {
  struct addrinfo hints, *list = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags;
  int error = getaddrinfo(name, service, &hints, &list);
  if (error != 0) {
    printf("resolve: getaddrinfo %s: error %d (%s)\n", name, error, gai_strerror(error));
    return NULL;
  }
  char address[INET6_ADDRSTRLEN];
  int port = 0;
  text_of(list->ai_addr, address, sizeof address, &port);
  printf("resolve: getaddrinfo %s %s -> %s port %d\n", name, service ? service : "-", address,
         port);
  return list;
}

static int read_line(int fd, char* line, size_t size) {
  size_t used = 0;
  while (used < size - 1) {
    ssize_t got = recv(fd, line + used, 1, 0);
    if (got <= 0) return -1;
    if (line[used] == '\n') break;
    used++;
  }
  line[used] = '\0';
  return 0;
}

static void talk_to(const char* name, const char* port) {
  struct addrinfo* list = lookup(name, port, AF_INET, 0);
  if (list == NULL) return fail("the name did not resolve");
  int fd = socket(list->ai_family, list->ai_socktype, list->ai_protocol);
  if (fd < 0 || connect(fd, list->ai_addr, list->ai_addrlen) < 0) {
    printf("resolve: connect: %s\n", strerror(errno));
    freeaddrinfo(list);
    return fail("connect");
  }
  freeaddrinfo(list);
  char hello[200], line[200];
  snprintf(hello, sizeof hello, "hello from the guest, who found %s\n", name);
  if (send(fd, hello, strlen(hello), 0) != (ssize_t)strlen(hello)) fail("send");
  if (read_line(fd, line, sizeof line) < 0) {
    fail("no answer from the server");
  } else {
    printf("resolve: the server said: %s\n", line);
  }
  close(fd);
}

static void by_hostent(const char* name) {
  struct hostent* h = gethostbyname(name);
  if (h == NULL || h->h_addrtype != AF_INET || h->h_addr_list[0] == NULL) {
    printf("resolve: gethostbyname %s: h_errno %d\n", name, h_errno);
    return fail("gethostbyname");
  }
  char address[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, h->h_addr_list[0], address, sizeof address);
  printf("resolve: gethostbyname %s -> %s (%s)\n", name, address, h->h_name);
}

static void missing(const char* name) {
  struct addrinfo* list = NULL;
  int error = getaddrinfo(name, "80", NULL, &list);
  printf("resolve: getaddrinfo %s: %s error %d: %s\n", name,
         error == EAI_NONAME ? "EAI_NONAME" : "not EAI_NONAME", error, gai_strerror(error));
  if (error != EAI_NONAME) fail("a missing name is not EAI_NONAME");
  if (error == 0) freeaddrinfo(list);
  if (strcmp(gai_strerror(EAI_NONAME), gai_strerror(EAI_AGAIN)) == 0)
    fail("gai_strerror says the same for EAI_NONAME and EAI_AGAIN");
  struct hostent* h = gethostbyname(name);
  printf("resolve: gethostbyname %s: %s, h_errno %s\n", name, h ? "found" : "not found",
         h_errno == HOST_NOT_FOUND ? "HOST_NOT_FOUND" : "other");
  if (h != NULL || h_errno != HOST_NOT_FOUND) fail("gethostbyname of a missing name");
}

static void numeric(const char* name) {
  struct addrinfo* list = lookup("10.0.2.2", "http", AF_INET, 0);
  if (list == NULL) fail("numeric IPv4 with a service name");
  freeaddrinfo(list);
  list = lookup("::1", "443", AF_UNSPEC, AI_NUMERICHOST);
  if (list == NULL || list->ai_family != AF_INET6) fail("numeric IPv6");
  freeaddrinfo(list);
  // AI_NUMERICHOST with a name: refused without asking DNS.
  struct addrinfo hints, *none = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_flags = AI_NUMERICHOST;
  int error = getaddrinfo(name, NULL, &hints, &none);
  printf("resolve: AI_NUMERICHOST %s: %s\n", name, error == EAI_NONAME ? "EAI_NONAME" : "wrong");
  if (error != EAI_NONAME) fail("AI_NUMERICHOST with a name");
  if (error == 0) freeaddrinfo(none);
}

// "localhost" is 127.0.0.1: a connection to it over the loopback interface.
static void local(void) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  socklen_t size = sizeof addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listener < 0 || bind(listener, (struct sockaddr*)&addr, sizeof addr) < 0 ||
      listen(listener, 1) < 0 || getsockname(listener, (struct sockaddr*)&addr, &size) < 0)
    return fail("a loopback listener");
  char port[8];
  snprintf(port, sizeof port, "%d", ntohs(addr.sin_port));
  struct addrinfo* list = lookup("localhost", port, AF_INET, 0);
  if (list == NULL) return fail("localhost");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int ok = fd >= 0 && connect(fd, list->ai_addr, list->ai_addrlen) == 0;
  freeaddrinfo(list);
  int peer = ok ? accept(listener, NULL, NULL) : -1;
  char buffer[8] = "";
  ok = peer >= 0 && send(fd, "ping", 4, 0) == 4 && recv(peer, buffer, sizeof buffer, 0) == 4 &&
       memcmp(buffer, "ping", 4) == 0;
  printf("resolve: localhost port %s: %s\n", port, ok ? "connected, ping arrived" : "failed");
  if (!ok) fail("a connection to localhost");
  close(peer);
  close(fd);
  close(listener);
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc != 4) {
    fprintf(stderr, "usage: resolve NAME PORT MISSING-NAME\n");
    return 2;
  }
  talk_to(argv[1], argv[2]);
  by_hostent(argv[1]);
  missing(argv[3]);
  numeric(argv[1]);
  local();
  printf("resolve: %s\n", failures ? "failed" : "all done");
  return failures ? 1 : 0;
}
