// The poll loop: a TCP listener, a UDP socket on the same port, and the connections.
#ifndef ECHO_ECHO_SERVER_H
#define ECHO_ECHO_SERVER_H

struct echo_config {
  int port;
  int max_connections;
  int test_mode;  // a UDP datagram "QUIT" ends the server (statistics, descriptor check)
};

// Serves until told to quit in test mode (forever otherwise). Returns 0, or 1 when
// the server could not start or (test mode) a descriptor leaked.
int echo_server_run(const struct echo_config* config);

#endif
