// httpd: a static-file HTTP/1.1 server over POSIX sockets and epoll, the same source
// for a Cairn image and a Linux process.
//
//   httpd [--test] [--max-connections N] [--idle-timeout MS] [PORT [ROOT]]
//
// PORT defaults to $PORT, else 8080; ROOT to $HTTPD_ROOT, else /www (where the
// example's initrd puts the site). --test: GET /__quit ends the server, which then
// prints its statistics and fails if a descriptor leaked.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static int usage(void) {
  fprintf(stderr,
          "usage: httpd [--test] [--max-connections N] [--idle-timeout MS] [PORT [ROOT]]\n");
  return 2;
}

static int positive(const char* s, int* out) {
  char* end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v <= 0 || v > 1000000000) return 0;
  *out = (int)v;
  return 1;
}

int main(int argc, char** argv) {
  struct server_config config = {
      .port = 8080, .root = "/www", .max_connections = 1000, .idle_timeout_ms = 15000};
  const char* env = getenv("PORT");
  if (env != NULL && !positive(env, &config.port)) return usage();
  if ((env = getenv("HTTPD_ROOT")) != NULL) config.root = env;

  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (strcmp(a, "--test") == 0) {
      config.test_mode = 1;
    } else if (strcmp(a, "--max-connections") == 0 && i + 1 < argc) {
      if (!positive(argv[++i], &config.max_connections)) return usage();
    } else if (strcmp(a, "--idle-timeout") == 0 && i + 1 < argc) {
      if (!positive(argv[++i], &config.idle_timeout_ms)) return usage();
    } else if (a[0] == '-') {
      return usage();
    } else if (positional == 0) {
      if (!positive(a, &config.port) || config.port > 65535) return usage();
      ++positional;
    } else if (positional == 1) {
      config.root = a;
      ++positional;
    } else {
      return usage();
    }
  }
#ifdef __linux__
  // A peer that closed must not kill the process; send() reports EPIPE instead.
  signal(SIGPIPE, SIG_IGN);
#endif
  setvbuf(stdout, NULL, _IOLBF, 0);
  return server_run(&config);
}
