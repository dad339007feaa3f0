// One client connection: reads requests, answers them one at a time (pipelined
// requests wait in the input buffer until the previous response has been handed to the
// socket), and streams file bodies without buffering them per connection.
#ifndef HTTPD_CONN_H
#define HTTPD_CONN_H

#include <stddef.h>

#include "idle_list.h"

// A request head longer than this is refused (414 / 431); it is also the input buffer.
#define CONN_MAX_HEAD 8192
// Request bodies are read and discarded up to this size; larger ones get 413.
#define CONN_MAX_BODY (64 * 1024)

struct httpd_stats {
  unsigned long long accepted, requests, status_2xx, status_4xx, status_5xx;
  unsigned long long resets, timeouts, accept_errors, listener_pauses;
};

// What every connection shares.
struct http_context {
  const char* root;  // document root
  char* scratch;     // file data on its way to a socket: one buffer for all connections
  size_t scratch_size;
  struct httpd_stats* stats;
  int test_mode;  // GET /__quit stops the server
  int quit_requested;
};

struct conn {
  struct idle_node idle;  // first: the server finds the conn from its idle node
  int fd;
  int want_write;    // waiting for the socket to become writable (else readable)
  int lingering;     // answered and shut down for writing: reading until the peer closes
  int close_after;   // close once the response in flight has been sent
  int linger_after;  // ... and linger: the peer may still be sending (an error)
  int peer_closed;   // the peer sent FIN: answer what is buffered, then close
  // The response in flight: head (and an error body) from `out`, then a file.
  char out[512];
  size_t out_len, out_sent;
  int file_fd;
  unsigned long long body_off, body_end;
  unsigned long long discard;  // request body bytes still to skip
  size_t in_len;
  char in[CONN_MAX_HEAD];
};

// A connection for an accepted, non-blocking socket (NULL when out of memory).
struct conn* conn_new(int fd);
// Closes the socket and any file, frees the connection.
void conn_free(struct conn* c);

// Runs the connection after epoll reported it readable and/or writable. Returns 0 to
// keep it, -1 to close it; afterwards c->want_write and c->lingering say what it
// waits for.
int conn_handle(struct conn* c, struct http_context* ctx, int readable, int writable);

#endif
