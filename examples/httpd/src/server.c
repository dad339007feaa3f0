// Level-triggered epoll: each connection is registered for exactly one of EPOLLIN
// (waiting for a request) or EPOLLOUT (a response the socket did not take at once),
// so a readiness report always means there is work, and a connection whose client
// pipelines faster than it reads is not read from (its input buffer bounds it).
// Level-triggered also means a connection never has to be drained to EAGAIN: one recv
// per report, and whatever is left is reported again.
#define _GNU_SOURCE  // accept4
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"

#define MAX_EVENTS 64
#define LINGER_TIMEOUT_MS 2000
#define ACCEPT_RETRY_MS 100  // after running out of descriptors or memory
#define SCRATCH_SIZE (32 * 1024)

struct server {
  const struct server_config* config;
  int epoll_fd, listen_fd;
  int listening;              // the listener is in the epoll set
  long long listen_retry_ms;  // when paused for lack of resources: when to retry
  int connections;
  long long now_ms;
  struct idle_list active, lingering;
  struct httpd_stats stats;
  struct http_context ctx;
};

// A unique address that marks the listener's events (connections carry their conn).
static char listener_tag;

static long long monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static int open_listener(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    perror("httpd: socket");
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 128) != 0 ||
      set_nonblocking(fd) != 0) {
    perror("httpd: listening");
    close(fd);
    return -1;
  }
  return fd;
}

static void set_listening(struct server* s, int on) {
  if (on == s->listening) return;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &listener_tag};
  if (epoll_ctl(s->epoll_fd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s->listen_fd, &ev) == 0)
    s->listening = on;
}

static void close_conn(struct server* s, struct conn* c) {
  idle_remove(&c->idle);
  // Closing the socket removes it from the epoll set; the explicit DEL keeps that true
  // for a socket some other descriptor still shares.
  epoll_ctl(s->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
  conn_free(c);
  --s->connections;
  if (s->listen_retry_ms == 0) set_listening(s, 1);
}

static int accept_one(struct server* s) {
#ifdef SOCK_NONBLOCK
  int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
  int fd = accept(s->listen_fd, NULL, NULL);
  if (fd >= 0 && set_nonblocking(fd) != 0) {
    close(fd);
    fd = -1;
  }
#endif
  return fd;
}

// Pauses accepting: for a while when out of resources, else until a connection ends.
static void pause_listener(struct server* s, int for_resources) {
  ++s->stats.listener_pauses;
  set_listening(s, 0);
  if (for_resources) s->listen_retry_ms = s->now_ms + ACCEPT_RETRY_MS;
}

static void accept_connections(struct server* s) {
  for (int i = 0; i < MAX_EVENTS; ++i) {
    if (s->connections >= s->config->max_connections) {
      pause_listener(s, 0);  // the rest wait in the backlog
      return;
    }
    int fd = accept_one(s);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      ++s->stats.accept_errors;
      // A connection that died in the backlog: take the next one.
      if (errno == ECONNABORTED || errno == EINTR || errno == EPROTO || errno == ECONNRESET)
        continue;
      pause_listener(s, 1);  // EMFILE, ENFILE, ENOBUFS, ENOMEM...
      return;
    }
    // Responses are written whole; Nagle would only delay the last segment of each.
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct conn* c = conn_new(fd);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (c == NULL || epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      if (c != NULL)
        conn_free(c);
      else
        close(fd);
      ++s->stats.accept_errors;
      pause_listener(s, 1);
      return;
    }
    ++s->connections;
    ++s->stats.accepted;
    idle_touch(&s->active, &c->idle, s->now_ms);
  }
}

static void handle_conn(struct server* s, struct conn* c, unsigned events) {
  int was_writing = c->want_write;
  int readable = (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0;
  int writable = (events & (EPOLLOUT | EPOLLERR)) != 0;
  if (conn_handle(c, &s->ctx, readable, writable) != 0) {
    close_conn(s, c);
    return;
  }
  if (c->want_write != was_writing) {
    struct epoll_event ev = {.events = c->want_write ? EPOLLOUT : EPOLLIN, .data.ptr = c};
    if (epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
      close_conn(s, c);
      return;
    }
  }
  idle_touch(c->lingering ? &s->lingering : &s->active, &c->idle, s->now_ms);
}

static void expire(struct server* s, struct idle_list* list) {
  struct idle_node* n;
  while ((n = idle_expired(list, s->now_ms)) != NULL) {
    ++s->stats.timeouts;
    close_conn(s, (struct conn*)n);
  }
}

// Until the next connection times out or the listener is to be retried (at most 60 s).
static int wait_timeout(const struct server* s) {
  long long wait = 60000;
  long long active = idle_wait_ms(&s->active, s->now_ms);
  long long lingering = idle_wait_ms(&s->lingering, s->now_ms);
  if (active >= 0 && active < wait) wait = active;
  if (lingering >= 0 && lingering < wait) wait = lingering;
  if (s->listen_retry_ms != 0) {
    long long retry = s->listen_retry_ms - s->now_ms;
    if (retry < wait) wait = retry < 0 ? 0 : retry;
  }
  return (int)wait;
}

static void run_loop(struct server* s) {
  struct epoll_event events[MAX_EVENTS];
  while (!s->ctx.quit_requested) {
    int n = epoll_wait(s->epoll_fd, events, MAX_EVENTS, wait_timeout(s));
    if (n < 0 && errno != EINTR) {
      perror("httpd: epoll_wait");
      return;
    }
    s->now_ms = monotonic_ms();
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == &listener_tag)
        accept_connections(s);
      else
        handle_conn(s, events[i].data.ptr, events[i].events);
    }
    expire(s, &s->active);
    expire(s, &s->lingering);
    if (s->listen_retry_ms && s->now_ms >= s->listen_retry_ms) {
      s->listen_retry_ms = 0;
      if (s->connections < s->config->max_connections) set_listening(s, 1);
    }
  }
}

// Open descriptors among the first 1024: the same before and after serving, or
// something leaked.
static int count_open_fds(void) {
  int open = 0;
  for (int fd = 0; fd < 1024; ++fd)
    if (fcntl(fd, F_GETFD) >= 0) ++open;
  return open;
}

static void close_all(struct server* s) {
  while (s->active.head) close_conn(s, (struct conn*)s->active.head);
  while (s->lingering.head) close_conn(s, (struct conn*)s->lingering.head);
}

static void print_stats(const struct httpd_stats* st) {
  printf(
      "httpd: accepted=%llu requests=%llu 2xx=%llu 4xx=%llu 5xx=%llu resets=%llu "
      "timeouts=%llu accept-errors=%llu listener-pauses=%llu\n",
      st->accepted, st->requests, st->status_2xx, st->status_4xx, st->status_5xx, st->resets,
      st->timeouts, st->accept_errors, st->listener_pauses);
}

int server_run(const struct server_config* config) {
  int fds_before = count_open_fds();
  static struct server s;
  memset(&s, 0, sizeof s);
  s.config = config;
  s.active.timeout_ms = config->idle_timeout_ms;
  s.lingering.timeout_ms = LINGER_TIMEOUT_MS;
  s.ctx = (struct http_context){.root = config->root,
                                .scratch = malloc(SCRATCH_SIZE),
                                .scratch_size = SCRATCH_SIZE,
                                .stats = &s.stats,
                                .test_mode = config->test_mode};
  s.listen_fd = open_listener(config->port);
  s.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (s.listen_fd < 0 || s.epoll_fd < 0 || s.ctx.scratch == NULL) {
    if (s.epoll_fd < 0) perror("httpd: epoll_create1");
    return 1;
  }
  s.now_ms = monotonic_ms();
  set_listening(&s, 1);
  printf("httpd: serving %s on port %d (epoll, level-triggered, up to %d connections)\n",
         config->root, config->port, config->max_connections);
  fflush(stdout);

  run_loop(&s);

  // Clients that vanished must have been noticed: only the one that asked to quit
  // should still be here.
  printf("httpd: connections open at the end: %d\n", s.connections);
  close_all(&s);
  close(s.listen_fd);
  close(s.epoll_fd);
  free(s.ctx.scratch);
  print_stats(&s.stats);
  int fds_after = count_open_fds();
  printf("httpd: open descriptors before %d, after %d\n", fds_before, fds_after);
  return config->test_mode && fds_after != fds_before ? 1 : 0;
}
