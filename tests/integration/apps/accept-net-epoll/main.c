// epoll-lines: a line server on one thread. Nonblocking sockets in one epoll set,
// edge-triggered (EPOLLET): every event is followed by reading and writing until
// EAGAIN. With --oneshot, connections are also EPOLLONESHOT and re-armed with
// EPOLL_CTL_MOD after each event.
//
// Each line "TEXT\n" is answered "LENGTH REVERSED-TEXT\n". Two lines are commands:
//   STATS  ->  "open N lines L resets R"  (N: the other connections open now)
//   QUIT   ->  "bye open N", then the server waits for that client to close and
//              exits: 0 when N was 0.
// A client may half-close: its lines are answered, then the server closes.
//
//   epoll-lines [--oneshot] [PORT]      (default port 7200)
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINE 65536
#define OUTPUT_LIMIT (256 * 1024)  // stop reading while this much waits to be sent
#define MAX_EVENTS 16              // fewer than the clients: the ready list takes turns

struct buffer {
  char* data;
  size_t start, end, capacity;
};

struct connection {
  int fd;
  struct buffer in, out;
  int peer_done;  // end of file from the client
  int quitting;   // QUIT answered: close once it is sent
};

static int epoll_fd, oneshot;
static long open_connections, served, lines_answered, resets, errors;
static int quit_requested = -1;  // the count of open connections at QUIT

static int buffer_reserve(struct buffer* b, size_t more) {
  if (b->start > 0 && b->end + more > b->capacity) {  // compact first
    memmove(b->data, b->data + b->start, b->end - b->start);
    b->end -= b->start;
    b->start = 0;
  }
  if (b->end + more <= b->capacity) return 0;
  size_t capacity = b->capacity ? b->capacity : 4096;
  while (capacity < b->end + more) capacity *= 2;
  char* data = realloc(b->data, capacity);
  if (data == NULL) return -1;
  b->data = data;
  b->capacity = capacity;
  return 0;
}

static int buffer_append(struct buffer* b, const char* data, size_t size) {
  if (buffer_reserve(b, size) < 0) return -1;
  memcpy(b->data + b->end, data, size);
  b->end += size;
  return 0;
}

static int set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static uint32_t connection_events(void) {
  return EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET | (oneshot ? EPOLLONESHOT : 0);
}

static void close_connection(struct connection* c) {
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->in.data);
  free(c->out.data);
  free(c);
  open_connections--;
}

// Answers one complete line (without its newline).
static int answer(struct connection* c, char* line, size_t length) {
  char reply[96];
  if (length == 5 && memcmp(line, "STATS", 5) == 0) {
    snprintf(reply, sizeof reply, "open %ld lines %ld resets %ld\n", open_connections - 1,
             lines_answered, resets);
    return buffer_append(&c->out, reply, strlen(reply));
  }
  if (length == 4 && memcmp(line, "QUIT", 4) == 0) {
    quit_requested = (int)(open_connections - 1);
    c->quitting = 1;
    snprintf(reply, sizeof reply, "bye open %ld\n", open_connections - 1);
    return buffer_append(&c->out, reply, strlen(reply));
  }
  int n = snprintf(reply, sizeof reply, "%zu ", length);
  if (buffer_reserve(&c->out, (size_t)n + length + 1) < 0) return -1;
  char* to = c->out.data + c->out.end;
  memcpy(to, reply, (size_t)n);
  for (size_t i = 0; i < length; ++i) to[n + i] = line[length - 1 - i];
  to[n + length] = '\n';
  c->out.end += (size_t)n + length + 1;
  lines_answered++;
  return 0;
}

// Answers every complete line in the input buffer.
static int answer_lines(struct connection* c) {
  while (!c->quitting) {
    char* start = c->in.data + c->in.start;
    char* newline = memchr(start, '\n', c->in.end - c->in.start);
    if (newline == NULL) break;
    if (answer(c, start, (size_t)(newline - start)) < 0) return -1;
    c->in.start += (size_t)(newline - start) + 1;
  }
  if (c->in.end - c->in.start > MAX_LINE) return -1;  // no newline in sight
  return 0;
}

// A connection ended by an error: a reset by the client is expected (counted), anything
// else is logged.
static void connection_failed(const char* where, int error) {
  if (error == ECONNRESET || error == EPIPE) {
    resets++;
  } else {
    printf("epoll-lines: %s: %s\n", where, error ? strerror(error) : "no error");
    errors++;
  }
}

// Sends until the output is empty or the socket is full. -1: the connection failed.
static int flush(struct connection* c) {
  while (c->out.start < c->out.end) {
    ssize_t sent = send(c->fd, c->out.data + c->out.start, c->out.end - c->out.start, 0);
    if (sent < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      if (errno == EINTR) continue;
      connection_failed("send", errno);
      return -1;
    }
    c->out.start += (size_t)sent;
  }
  c->out.start = c->out.end = 0;
  return 0;
}

// After QUIT's answer: read and drop until the client's end of file. 0: it came.
static int drain_to_eof(struct connection* c) {
  static char discard[4096];
  for (;;) {
    ssize_t got = recv(c->fd, discard, sizeof discard, 0);
    if (got > 0 || (got < 0 && errno == EINTR)) continue;
    return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

// An event on a connection: write what waits, then read (and answer) until EAGAIN.
// Returns 0 when the connection is done with (to be closed).
static int serve(struct connection* c, uint32_t events) {
  static char chunk[16384];
  if (events & EPOLLERR) {
    int error = 0;
    socklen_t size = sizeof error;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &size);
    connection_failed("EPOLLERR", error);
    return 0;
  }
  if (flush(c) < 0) return 0;
  while (!c->peer_done && !c->quitting && c->out.end - c->out.start < OUTPUT_LIMIT) {
    ssize_t got = recv(c->fd, chunk, sizeof chunk, 0);
    if (got > 0) {
      if (buffer_append(&c->in, chunk, (size_t)got) < 0 || answer_lines(c) < 0) {
        errors++;
        return 0;
      }
      if (flush(c) < 0) return 0;
    } else if (got == 0) {
      c->peer_done = 1;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else if (errno != EINTR) {
      connection_failed("recv", errno);
      return 0;
    }
  }
  if (c->out.start < c->out.end) return 1;  // EPOLLOUT comes when there is room
  if (c->peer_done) return 0;               // everything answered and sent
  if (c->quitting == 1) {
    shutdown(c->fd, SHUT_WR);  // the answer is out: wait for the client to close
    c->quitting = 2;
  }
  return c->quitting == 2 ? drain_to_eof(c) : 1;
}

static void accept_all(int listener) {
  for (;;) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
        printf("epoll-lines: accept: %s\n", strerror(errno));
        errors++;
      }
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    struct connection* c = calloc(1, sizeof *c);
    if (c == NULL || set_nonblocking(fd) < 0) {
      errors++;
      free(c);
      close(fd);
      continue;
    }
    c->fd = fd;
    struct epoll_event event = {.events = connection_events(), .data.ptr = c};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) {
      printf("epoll-lines: epoll_ctl ADD: %s\n", strerror(errno));
      errors++;
      free(c);
      close(fd);
      continue;
    }
    open_connections++;
    served++;
  }
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int port = 7200;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--oneshot") == 0) {
      oneshot = 1;
    } else {
      char* end;
      long value = strtol(argv[i], &end, 10);
      if (*end != '\0' || value <= 0 || value > 65535) {
        fprintf(stderr, "usage: epoll-lines [--oneshot] [PORT]\n");
        return 2;
      }
      port = (int)value;
    }
  }
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (listener < 0 || bind(listener, (struct sockaddr*)&addr, sizeof addr) < 0 ||
      listen(listener, 128) < 0 || set_nonblocking(listener) < 0) {
    printf("epoll-lines: port %d: %s\n", port, strerror(errno));
    return 1;
  }
  epoll_fd = epoll_create1(0);
  struct epoll_event event = {.events = EPOLLIN | EPOLLET, .data.ptr = NULL};
  if (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &event) < 0) {
    printf("epoll-lines: epoll: %s\n", strerror(errno));
    return 1;
  }
  printf("epoll-lines: listening on port %d (edge-triggered%s)\n", port,
         oneshot ? ", one-shot" : "");

  int quit_fd_open = 1;
  while (quit_fd_open) {
    struct epoll_event events[MAX_EVENTS];
    int n = epoll_wait(epoll_fd, events, MAX_EVENTS, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      printf("epoll-lines: epoll_wait: %s\n", strerror(errno));
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      struct connection* c = events[i].data.ptr;
      if (c == NULL) {
        accept_all(listener);
        continue;
      }
      int quitting = c->quitting;
      if (!serve(c, events[i].events)) {
        if (quitting || c->quitting) quit_fd_open = 0;
        close_connection(c);
      } else if (oneshot) {
        struct epoll_event rearm = {.events = connection_events(), .data.ptr = c};
        if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &rearm) < 0) {
          printf("epoll-lines: epoll_ctl MOD: %s\n", strerror(errno));
          errors++;
        }
      }
    }
  }
  close(listener);
  close(epoll_fd);
  printf(
      "epoll-lines: %ld connections served, %ld lines answered, %ld resets, %ld errors; "
      "open at QUIT: %d\n",
      served, lines_answered, resets, errors, quit_requested);
  return quit_requested == 0 && errors == 0 ? 0 : 1;
}
