// echo: TCP and UDP echo on one port over POSIX sockets and poll, the same source for
// a Cairn image and a Linux process.
//
//   echo [--test] [--max-connections N] [PORT]
//
// PORT defaults to $PORT, else 7777. --test: a UDP datagram "QUIT" ends the server,
// which then prints its statistics and fails if a descriptor leaked.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "echo_server.h"

static int usage(void) {
  fprintf(stderr, "usage: echo [--test] [--max-connections N] [PORT]\n");
  return 2;
}

static int in_range(const char* s, int low, int high, int* out) {
  char* end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < low || v > high) return 0;
  *out = (int)v;
  return 1;
}

int main(int argc, char** argv) {
  struct echo_config config = {.port = 7777, .max_connections = 256};
  const char* env = getenv("PORT");
  if (env != NULL && !in_range(env, 1, 65535, &config.port)) return usage();
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--test") == 0) {
      config.test_mode = 1;
    } else if (strcmp(argv[i], "--max-connections") == 0 && i + 1 < argc) {
      if (!in_range(argv[++i], 1, 100000, &config.max_connections)) return usage();
    } else if (argv[i][0] != '-' && positional++ == 0) {
      if (!in_range(argv[i], 1, 65535, &config.port)) return usage();
    } else {
      return usage();
    }
  }
#ifdef __linux__
  signal(SIGPIPE, SIG_IGN);  // send() reports EPIPE instead
#endif
  setvbuf(stdout, NULL, _IOLBF, 0);
  return echo_server_run(&config);
}
