#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "http_request.h"
#include "http_response.h"
#include "mime.h"
#include "static_files.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0  // no signals to suppress
#endif

struct conn* conn_new(int fd) {
  // Only the header fields need zeroing: the input buffer is filled before it is read.
  struct conn* c = malloc(sizeof *c);
  if (c == NULL) return NULL;
  memset(c, 0, offsetof(struct conn, in));
  c->fd = fd;
  c->file_fd = -1;
  return c;
}

static void end_body(struct conn* c) {
  if (c->file_fd >= 0) close(c->file_fd);
  c->file_fd = -1;
  c->body_off = c->body_end = 0;
}

void conn_free(struct conn* c) {
  end_body(c);
  close(c->fd);
  free(c);
}

static int response_pending(const struct conn* c) {
  return c->out_sent < c->out_len || c->body_off < c->body_end;
}

static void count_status(struct httpd_stats* stats, int status) {
  if (status < 300)
    ++stats->status_2xx;
  else if (status < 500)
    ++stats->status_4xx;
  else
    ++stats->status_5xx;
}

// Reads what the socket has into the input buffer. 0: fine (maybe nothing, maybe the
// peer's FIN); -1: the connection is broken (reset).
static int fill(struct conn* c, struct http_context* ctx) {
  size_t space = sizeof c->in - c->in_len;
  if (space == 0 || c->peer_closed) return 0;
  ssize_t n = recv(c->fd, c->in + c->in_len, space, 0);
  if (n > 0) {
    c->in_len += (size_t)n;
  } else if (n == 0) {
    c->peer_closed = 1;
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    ++ctx->stats->resets;
    return -1;
  }
  return 0;
}

// Hands as much of the response to the socket as it takes: the head (with an error
// body) and file data read into the shared scratch buffer. File data the socket did
// not take is read again next time: cheaper than a buffer per connection.
// 0: all sent; 1: the socket is full; -1: the connection is broken.
static int flush(struct conn* c, struct http_context* ctx) {
  while (response_pending(c)) {
    struct iovec iov[2];
    int count = 0;
    size_t head_left = c->out_len - c->out_sent;
    if (head_left > 0) iov[count++] = (struct iovec){c->out + c->out_sent, head_left};
    if (c->body_off < c->body_end) {
      size_t want = ctx->scratch_size;
      if (c->body_end - c->body_off < want) want = (size_t)(c->body_end - c->body_off);
      ssize_t got = pread(c->file_fd, ctx->scratch, want, (off_t)c->body_off);
      if (got <= 0) return -1;  // the file shrank or failed: the length is a lie now
      iov[count++] = (struct iovec){ctx->scratch, (size_t)got};
    }
    size_t offered = 0;
    for (int i = 0; i < count; ++i) offered += iov[i].iov_len;
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = count};
    ssize_t sent = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 1;
      ++ctx->stats->resets;
      return -1;
    }
    size_t from_head = (size_t)sent < head_left ? (size_t)sent : head_left;
    c->out_sent += from_head;
    c->body_off += (size_t)sent - from_head;
    if ((size_t)sent < offered) return 1;  // the socket's buffer is full
  }
  return 0;
}

static void respond_error(struct conn* c, struct http_context* ctx, int status, int keep_alive,
                          int minor, int head_only) {
  char body[64];
  size_t body_len = http_format_error_body(body, sizeof body, status);
  c->out_len = http_format_head(c->out, sizeof c->out, status, "text/plain; charset=utf-8",
                                body_len, keep_alive, minor);
  c->out_sent = 0;
  if (!head_only) {
    memcpy(c->out + c->out_len, body, body_len);  // the head is short: it fits
    c->out_len += body_len;
  }
  c->close_after = !keep_alive;
  count_status(ctx->stats, status);
}

static int is_target(const struct http_request* req, const char* path) {
  return req->target_len == strlen(path) && memcmp(req->target, path, req->target_len) == 0;
}

static void respond(struct conn* c, struct http_context* ctx, const struct http_request* req) {
  int head_only = req->method == HTTP_HEAD;
  ++ctx->stats->requests;
  if (req->content_length > CONN_MAX_BODY) {
    respond_error(c, ctx, 413, 0, req->minor_version, head_only);
    c->linger_after = 1;  // the body is probably on its way
    return;
  }
  c->discard = req->content_length;
  if (req->method == HTTP_OTHER) {
    respond_error(c, ctx, 405, req->keep_alive, req->minor_version, 0);
    return;
  }
  if (ctx->test_mode && is_target(req, "/__quit")) {
    ctx->quit_requested = 1;
    respond_error(c, ctx, 200, 0, req->minor_version, head_only);
    return;
  }
  struct static_file file;
  int status = static_file_open(ctx->root, req->target, req->target_len, &file);
  if (status != 0) {
    respond_error(c, ctx, status, req->keep_alive && status < 500, req->minor_version, head_only);
    return;
  }
  c->out_len = http_format_head(c->out, sizeof c->out, 200, mime_type(file.path), file.size,
                                req->keep_alive, req->minor_version);
  c->out_sent = 0;
  c->close_after = !req->keep_alive;
  count_status(ctx->stats, 200);
  if (head_only || file.size == 0) {
    close(file.fd);
    return;
  }
  c->file_fd = file.fd;
  c->body_off = 0;
  c->body_end = file.size;
}

static void consume(struct conn* c, size_t n) {
  memmove(c->in, c->in + n, c->in_len - n);
  c->in_len -= n;
}

// After a response that ends the connection. Closing a socket with unread input makes
// the peer's stack answer with RST, which can destroy the response before the client
// has read it; so when input is (or may be) left, shut down for writing and read until
// the peer closes (or the lingering timeout), as web servers do.
static int finish_connection(struct conn* c) {
  if (!c->linger_after && c->in_len == 0 && c->discard == 0) return -1;
  if (c->peer_closed) return -1;
  shutdown(c->fd, SHUT_WR);
  c->lingering = 1;
  c->in_len = 0;
  c->want_write = 0;
  return 0;
}

// Answers buffered requests one after the other until input runs out or the socket
// is full.
static int process(struct conn* c, struct http_context* ctx) {
  for (;;) {
    if (response_pending(c)) {
      int r = flush(c, ctx);
      if (r < 0) return -1;
      c->want_write = r == 1;
      if (r == 1) return 0;
      end_body(c);
      if (c->close_after) return finish_connection(c);
    }
    c->want_write = 0;
    if (c->discard > 0) {
      size_t n = c->discard < c->in_len ? (size_t)c->discard : c->in_len;
      consume(c, n);
      c->discard -= n;
      if (c->discard > 0) return c->peer_closed ? -1 : 0;
    }
    if (c->in_len == 0) return c->peer_closed ? -1 : 0;
    struct http_request req;
    long head = http_parse_request(c->in, c->in_len, sizeof c->in, &req);
    if (head == 0) return c->peer_closed ? -1 : 0;
    if (head < 0) {
      ++ctx->stats->requests;
      respond_error(c, ctx, (int)-head, 0, 1, 0);
      c->in_len = 0;        // unparseable: nothing after it can be trusted
      c->linger_after = 1;  // and the client may still be sending
      continue;
    }
    respond(c, ctx, &req);  // before consume(): req points into the input buffer
    consume(c, (size_t)head);
  }
}

// Reads and drops whatever the peer still sends after a final response.
static int drain(struct conn* c) {
  for (;;) {
    ssize_t n = recv(c->fd, c->in, sizeof c->in, 0);
    if (n > 0) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    return -1;  // the peer closed (or reset): done
  }
}

int conn_handle(struct conn* c, struct http_context* ctx, int readable, int writable) {
  if (c->lingering) return readable ? drain(c) : 0;
  (void)writable;  // process() flushes whatever is pending first
  if (readable && !response_pending(c) && fill(c, ctx) < 0) return -1;
  return process(c, ctx);
}
