// tcp-echo: a TCP echo server, one thread per connection (blocking accept, recv and
// send), plus a control port that answers one line per connection:
//   STATS  ->  "open O served S bytes B errors E"
//   QUIT   ->  "bye", then the server prints its totals and exits (0 when no
//              connection is left open and no connection failed).
//
//   tcp-echo [ECHO_PORT [CONTROL_PORT]]      (default 7000 and 7001)
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define BUFFER_SIZE 65536

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long open_connections, served_connections, failed_connections;
static unsigned long long bytes_echoed;

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    perror("socket");
    return -1;
  }
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) perror("SO_REUSEADDR");
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) < 0 || listen(fd, 128) < 0) {
    fprintf(stderr, "tcp-echo: port %d: %s\n", port, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

static int send_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t sent = send(fd, data, size, 0);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    data += sent;
    size -= (size_t)sent;
  }
  return 0;
}

static void* serve(void* arg) {
  int fd = (int)(intptr_t)arg;
  unsigned long long echoed = 0;
  int failed = 0;
  char* buffer = malloc(BUFFER_SIZE);
  if (buffer == NULL) {
    failed = 1;
  }
  while (buffer != NULL) {
    ssize_t got = recv(fd, buffer, BUFFER_SIZE, 0);
    if (got == 0) break;  // the client is done sending (FIN): close, as echo servers do
    if (got < 0) {
      if (errno == EINTR) continue;
      printf("tcp-echo: recv: %s\n", strerror(errno));
      failed = 1;
      break;
    }
    if (send_all(fd, buffer, (size_t)got) < 0) {
      printf("tcp-echo: send: %s\n", strerror(errno));
      failed = 1;
      break;
    }
    echoed += (unsigned long long)got;
  }
  free(buffer);
  close(fd);
  pthread_mutex_lock(&stats_lock);
  open_connections--;
  bytes_echoed += echoed;
  failed_connections += failed;
  pthread_mutex_unlock(&stats_lock);
  return NULL;
}

static void start_connection(int listener, pthread_attr_t* detached) {
  int fd = accept(listener, NULL, NULL);
  if (fd < 0) {
    printf("tcp-echo: accept: %s\n", strerror(errno));
    return;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  pthread_mutex_lock(&stats_lock);
  open_connections++;
  served_connections++;
  pthread_mutex_unlock(&stats_lock);
  pthread_t thread;
  int error = pthread_create(&thread, detached, serve, (void*)(intptr_t)fd);
  if (error != 0) {
    printf("tcp-echo: pthread_create: %s\n", strerror(error));
    close(fd);
    pthread_mutex_lock(&stats_lock);
    open_connections--;
    failed_connections++;
    pthread_mutex_unlock(&stats_lock);
  }
}

// One command line from a control connection; returns 1 for QUIT.
static int control(int listener) {
  int fd = accept(listener, NULL, NULL);
  if (fd < 0) return 0;
  char line[64];
  size_t used = 0;
  while (used < sizeof line - 1 && memchr(line, '\n', used) == NULL) {
    ssize_t got = recv(fd, line + used, sizeof line - 1 - used, 0);
    if (got <= 0) break;
    used += (size_t)got;
  }
  line[used] = '\0';
  int quit = strncmp(line, "QUIT", 4) == 0;
  char reply[128];
  if (quit) {
    snprintf(reply, sizeof reply, "bye\n");
  } else if (strncmp(line, "STATS", 5) == 0) {
    pthread_mutex_lock(&stats_lock);
    snprintf(reply, sizeof reply, "open %ld served %ld bytes %llu errors %ld\n", open_connections,
             served_connections, bytes_echoed, failed_connections);
    pthread_mutex_unlock(&stats_lock);
  } else {
    snprintf(reply, sizeof reply, "unknown command\n");
  }
  send_all(fd, reply, strlen(reply));
  // Wait for the client's end of file before closing: the server may exit right after
  // QUIT, and the reply must have reached the client by then.
  shutdown(fd, SHUT_WR);
  struct timeval timeout = {.tv_sec = 5};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  while (recv(fd, line, sizeof line, 0) > 0) {
  }
  close(fd);
  return quit;
}

static int port_argument(const char* text) {
  char* end;
  long port = strtol(text, &end, 10);
  return *end == '\0' && port > 0 && port < 65536 ? (int)port : -1;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int echo_port = argc > 1 ? port_argument(argv[1]) : 7000;
  int control_port = argc > 2 ? port_argument(argv[2]) : 7001;
  if (echo_port < 0 || control_port < 0 || argc > 3) {
    fprintf(stderr, "usage: tcp-echo [ECHO_PORT [CONTROL_PORT]]\n");
    return 2;
  }
  int listeners[2] = {listen_on(echo_port), listen_on(control_port)};
  if (listeners[0] < 0 || listeners[1] < 0) return 1;
  pthread_attr_t detached;
  pthread_attr_init(&detached);
  pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
  printf("tcp-echo: listening on ports %d (echo) and %d (control)\n", echo_port, control_port);

  for (int quit = 0; !quit;) {
    struct pollfd fds[2] = {{.fd = listeners[0], .events = POLLIN},
                            {.fd = listeners[1], .events = POLLIN}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      perror("poll");
      return 1;
    }
    if (fds[0].revents & POLLIN) start_connection(listeners[0], &detached);
    if (fds[1].revents & POLLIN) quit = control(listeners[1]);
  }
  close(listeners[0]);
  close(listeners[1]);
  pthread_mutex_lock(&stats_lock);
  long open = open_connections, served = served_connections, failed = failed_connections;
  unsigned long long bytes = bytes_echoed;
  pthread_mutex_unlock(&stats_lock);
  printf("tcp-echo: served %ld connections, %llu bytes echoed, %ld still open, %ld failed\n",
         served, bytes, open, failed);
  return open == 0 && failed == 0 ? 0 : 1;
}
