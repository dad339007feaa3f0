// Readiness: poll() and select() over a socket and a pipe together, and epoll's
// level-triggered, edge-triggered and one-shot behaviour on both.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sock_test.h"

// Writes one byte to `fd` after 50 ms, from another thread.
static void* write_later(void* arg) {
  struct timespec delay = {0, 50 * 1000 * 1000};
  nanosleep(&delay, NULL);
  STHREAD_CHECK(write(*(int*)arg, "x", 1) == 1);
  return NULL;
}

static int write_after_delay(int* fd, pthread_t* thread) {
  return pthread_create(thread, NULL, write_later, fd);
}

int test_sock_poll(void) {
  int tcp[2], pipe_fds[2];
  SCHECK(sock_tcp_pair(7821, tcp) == 0);
  SCHECK(pipe(pipe_fds) == 0);
  struct pollfd fds[3] = {{tcp[0], POLLIN, 0}, {pipe_fds[0], POLLIN, 0}, {999, POLLIN, 0}};

  // Nothing to read; the bad descriptor is POLLNVAL.
  SCHECK(poll(fds, 3, 0) == 1 && fds[0].revents == 0 && fds[1].revents == 0 &&
         fds[2].revents == POLLNVAL);
  // A timeout with nothing ready.
  long long start = sock_now_ms();
  SCHECK(poll(fds, 2, 100) == 0);
  long long waited = sock_now_ms() - start;
  SCHECK(waited >= 100 && waited < 1000);

  // The pipe becomes readable while poll sleeps.
  pthread_t thread;
  SCHECK(write_after_delay(&pipe_fds[1], &thread) == 0);
  SCHECK(poll(fds, 2, 5000) == 1 && fds[1].revents == POLLIN && fds[0].revents == 0);
  pthread_join(thread, NULL);
  char c;
  SCHECK(read(pipe_fds[0], &c, 1) == 1);
  // Then the socket.
  SCHECK(write_after_delay(&tcp[1], &thread) == 0);
  SCHECK(poll(fds, 2, 5000) == 1 && fds[0].revents == POLLIN && fds[1].revents == 0);
  pthread_join(thread, NULL);
  SCHECK(recv(tcp[0], &c, 1, 0) == 1);
  // A connected socket is writable.
  struct pollfd out = {tcp[0], POLLOUT, 0};
  SCHECK(poll(&out, 1, 0) == 1 && out.revents == POLLOUT);

  // select(): the same over fd_sets, with the time left written back.
  fd_set read_set, write_set;
  FD_ZERO(&read_set);
  FD_ZERO(&write_set);
  FD_SET(tcp[0], &read_set);
  FD_SET(pipe_fds[0], &read_set);
  FD_SET(tcp[0], &write_set);
  int top = (tcp[0] > pipe_fds[0] ? tcp[0] : pipe_fds[0]) + 1;
  struct timeval timeout = {1, 0};
  SCHECK(select(top, &read_set, &write_set, NULL, &timeout) == 1);
  SCHECK(!FD_ISSET(tcp[0], &read_set) && !FD_ISSET(pipe_fds[0], &read_set) &&
         FD_ISSET(tcp[0], &write_set));
  FD_ZERO(&read_set);
  FD_SET(tcp[0], &read_set);
  FD_SET(pipe_fds[0], &read_set);
  SCHECK(write_after_delay(&pipe_fds[1], &thread) == 0);
  timeout = (struct timeval){5, 0};
  SCHECK(select(top, &read_set, NULL, NULL, &timeout) == 1);
  SCHECK(FD_ISSET(pipe_fds[0], &read_set) && !FD_ISSET(tcp[0], &read_set));
  SCHECK(timeout.tv_sec < 5);
  pthread_join(thread, NULL);
  FD_ZERO(&read_set);
  FD_SET(tcp[0], &read_set);
  timeout = (struct timeval){0, 100 * 1000};
  SCHECK(select(tcp[0] + 1, &read_set, NULL, NULL, &timeout) == 0 && !FD_ISSET(tcp[0], &read_set));
  FD_ZERO(&read_set);
  FD_SET(999, &read_set);
  SCHECK(select(1000, &read_set, NULL, NULL, &(struct timeval){0, 0}) == -1 && errno == EBADF);

  // The peer's close: readable, end of file, POLLRDHUP.
  SCHECK(close(tcp[1]) == 0);
  struct pollfd hup = {tcp[0], POLLIN | POLLRDHUP, 0};
  SCHECK(poll(&hup, 1, 5000) == 1 && (hup.revents & POLLIN) && (hup.revents & POLLRDHUP));
  SCHECK(recv(tcp[0], &c, 1, 0) == 0);
  // The pipe's writer goes: POLLHUP.
  SCHECK(close(pipe_fds[1]) == 0);
  struct pollfd pipe_hup = {pipe_fds[0], POLLIN, 0};
  SCHECK(poll(&pipe_hup, 1, 0) == 1 && (pipe_hup.revents & POLLHUP));
  SCHECK(close(tcp[0]) == 0 && close(pipe_fds[0]) == 0);
  printf("sock-poll: poll and select over a socket and a pipe ok\n");
  return 0;
}

static int wait_count(int epfd, int timeout_ms) {
  struct epoll_event events[4];
  return epoll_wait(epfd, events, 4, timeout_ms);
}

// One mode on one readable descriptor `fd` whose writer is `writer`.
static int check_modes(int fd, int writer, const char* what) {
  char c;
  // Level-triggered: reported at every wait while data is there.
  int lt = epoll_create1(0);
  struct epoll_event e = {.events = EPOLLIN, .data.u64 = 42};
  SCHECK(epoll_ctl(lt, EPOLL_CTL_ADD, fd, &e) == 0);
  SCHECK(wait_count(lt, 0) == 0);
  SCHECK(write(writer, "a", 1) == 1);
  struct epoll_event got;
  SCHECK(epoll_wait(lt, &got, 1, 5000) == 1 && got.data.u64 == 42 && (got.events & EPOLLIN));
  SCHECK(wait_count(lt, 0) == 1);
  SCHECK(wait_count(lt, 0) == 1);
  SCHECK(read(fd, &c, 1) == 1);
  SCHECK(wait_count(lt, 0) == 0);

  // Edge-triggered: once per arrival.
  int et = epoll_create1(0);
  e.events = EPOLLIN | EPOLLET;
  SCHECK(epoll_ctl(et, EPOLL_CTL_ADD, fd, &e) == 0);
  SCHECK(write(writer, "b", 1) == 1);
  SCHECK(wait_count(et, 5000) == 1);
  SCHECK(wait_count(et, 0) == 0);  // still readable, but no new edge
  SCHECK(write(writer, "c", 1) == 1);
  SCHECK(wait_count(et, 5000) == 1);
  SCHECK(wait_count(et, 0) == 0);
  SCHECK(read(fd, &c, 1) == 1 && read(fd, &c, 1) == 1);

  // One-shot: once, then nothing until EPOLL_CTL_MOD re-arms it.
  int os = epoll_create1(0);
  e.events = EPOLLIN | EPOLLONESHOT;
  SCHECK(epoll_ctl(os, EPOLL_CTL_ADD, fd, &e) == 0);
  SCHECK(write(writer, "d", 1) == 1);
  SCHECK(wait_count(os, 5000) == 1);
  SCHECK(write(writer, "e", 1) == 1);
  SCHECK(wait_count(os, 50) == 0);
  SCHECK(epoll_ctl(os, EPOLL_CTL_MOD, fd, &e) == 0);
  SCHECK(wait_count(os, 0) == 1);
  SCHECK(wait_count(os, 0) == 0);
  SCHECK(read(fd, &c, 1) == 1 && read(fd, &c, 1) == 1);

  // A wait that sleeps until another thread writes.
  pthread_t thread;
  SCHECK(write_after_delay(&writer, &thread) == 0);
  SCHECK(wait_count(lt, 5000) == 1);
  pthread_join(thread, NULL);
  SCHECK(read(fd, &c, 1) == 1);
  // poll() on an epoll descriptor: readable while something is ready (nesting).
  SCHECK(write(writer, "f", 1) == 1);
  struct pollfd p = {lt, POLLIN, 0};
  SCHECK(poll(&p, 1, 5000) == 1 && p.revents == POLLIN);
  SCHECK(read(fd, &c, 1) == 1);

  // Registration errors, then removal.
  SCHECK(epoll_ctl(lt, EPOLL_CTL_ADD, fd, &e) == -1 && errno == EEXIST);
  SCHECK(epoll_ctl(et, EPOLL_CTL_DEL, fd, NULL) == 0);
  SCHECK(epoll_ctl(et, EPOLL_CTL_MOD, fd, &e) == -1 && errno == ENOENT);
  SCHECK(epoll_ctl(et, EPOLL_CTL_ADD, et, &e) == -1 && errno == EINVAL);
  SCHECK(epoll_ctl(fd, EPOLL_CTL_ADD, writer, &e) == -1 && errno == EINVAL);
  SCHECK(close(lt) == 0 && close(et) == 0 && close(os) == 0);
  printf("sock-epoll-modes: %s: level, edge and one-shot ok\n", what);
  return 0;
}

int test_sock_epoll_modes(void) {
  int pipe_fds[2], tcp[2];
  SCHECK(pipe(pipe_fds) == 0);
  if (check_modes(pipe_fds[0], pipe_fds[1], "pipe") != 0) return 1;
  SCHECK(sock_tcp_pair(7822, tcp) == 0);
  if (check_modes(tcp[0], tcp[1], "socket") != 0) return 1;

  // Writability and the peer's half-close on a socket.
  int ep = epoll_create(1);
  struct epoll_event e = {.events = EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.fd = tcp[0]};
  SCHECK(epoll_ctl(ep, EPOLL_CTL_ADD, tcp[0], &e) == 0);
  struct epoll_event got;
  SCHECK(epoll_wait(ep, &got, 1, 0) == 1 && got.events == EPOLLOUT);
  SCHECK(shutdown(tcp[1], SHUT_WR) == 0);
  SCHECK(epoll_wait(ep, &got, 1, 5000) == 1 && (got.events & EPOLLRDHUP));
  // A regular file cannot be watched (it is always ready), as on Linux.
  int file = open("/tmp/epoll-file", O_CREAT | O_RDWR, 0600);
  SCHECK(file >= 0);
  SCHECK(epoll_ctl(ep, EPOLL_CTL_ADD, file, &e) == -1 && errno == EPERM);
  SCHECK(close(file) == 0 && unlink("/tmp/epoll-file") == 0);
  SCHECK(close(ep) == 0);
  SCHECK(close(tcp[0]) == 0 && close(tcp[1]) == 0);
  SCHECK(close(pipe_fds[0]) == 0 && close(pipe_fds[1]) == 0);
  return 0;
}
