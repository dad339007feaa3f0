// The event loop: one thread, one epoll set, non-blocking sockets.
#ifndef HTTPD_SERVER_H
#define HTTPD_SERVER_H

struct server_config {
  int port;
  const char* root;
  int max_connections;  // beyond this, new connections wait in the listen backlog
  int idle_timeout_ms;  // a connection with nothing happening for this long is closed
  int test_mode;        // GET /__quit ends the server; statistics and descriptors are checked
};

// Serves until GET /__quit in test mode (forever otherwise). Returns 0, or 1 when the
// server could not start or (test mode) descriptors leaked.
int server_run(const struct server_config* config);

#endif
